// The executor's use of the Redactor (flow/redactor.ts): the fields it never masks.
export { Redactor } from '../flow/redactor';
export { MASK } from '../flow/secret-mask';

/**
 * Fields of events, journal records and the summary whose values the executor picks from a fixed
 * set (the event or record type, statuses, log levels, modes): they never hold a secret, and a
 * short secret masked inside them (`'a'` in `parked`) would make the record unreadable.
 */
export const FIXED_VALUE_FIELDS: readonly string[] = ['type', 't', 'status', 'level', 'mode'];
