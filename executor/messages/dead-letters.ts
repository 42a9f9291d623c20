// Recognises dead letters by their headers (RabbitMQ x-death, x-original-topic, Spring's kafka_dlt-*, Kafka Connect's __connect.errors.*) and groups them by origin and reason.
import type { MessageSearch } from './message-search';

/** Where a dead letter came from: a Kafka topic (and the record's place there) or a RabbitMQ queue. */
export type DeadLetterOrigin =
  | { readonly broker: 'kafka'; readonly topic: string; readonly partition?: number; readonly offset?: string }
  | { readonly broker: 'mq'; readonly queue: string; readonly exchange?: string; readonly routingKeys: readonly string[] };

export type DeadLetterConvention = 'x-death' | 'x-original-topic' | 'spring' | 'kafka-connect';

export interface DeadLetter {
  readonly origin: DeadLetterOrigin;
  /** `kafka:<topic>` or `mq:<queue>`: what a redrive picks and maps to a component. */
  readonly originId: string;
  readonly reason: string;
  /** How often it was dead-lettered (x-death's count; 1 where the headers do not say). */
  readonly count: number;
  readonly convention: DeadLetterConvention;
  /** How often FlowTracer redrove it already (`x-flowtracer-redriven`). */
  readonly redriven: number;
}

/** The header FlowTracer counts its redrives in; it is kept (and counted up) whatever else is stripped. */
const REDRIVEN_HEADER = 'x-flowtracer-redriven';

const UNKNOWN_REASON = 'unknown';

function wholeNumber(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function redriveCount(headers: Readonly<Record<string, string>>): number {
  return wholeNumber(headers[REDRIVEN_HEADER]) ?? 0;
}

interface XDeathEntry {
  readonly queue?: unknown;
  readonly reason?: unknown;
  readonly count?: unknown;
  readonly exchange?: unknown;
  readonly 'routing-keys'?: unknown;
}

/** RabbitMQ's x-death (as the mq connector gives it: the array of tables as JSON); the newest entry first. */
function fromXDeath(text: string): Omit<DeadLetter, 'redriven'> | undefined {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    return undefined;
  }
  const first = Array.isArray(entries) ? (entries[0] as XDeathEntry | undefined) : undefined;
  if (!first || typeof first.queue !== 'string') return undefined;
  const routingKeys = Array.isArray(first['routing-keys']) ? first['routing-keys'].filter((k): k is string => typeof k === 'string') : [];
  return {
    origin: { broker: 'mq', queue: first.queue, ...(typeof first.exchange === 'string' ? { exchange: first.exchange } : {}), routingKeys },
    originId: `mq:${first.queue}`,
    reason: typeof first.reason === 'string' ? first.reason : UNKNOWN_REASON,
    count: typeof first.count === 'number' ? first.count : 1,
    convention: 'x-death',
  };
}

function kafkaOrigin(topic: string, partition: string | undefined, offset: string | undefined, reason: string | undefined, convention: DeadLetterConvention): Omit<DeadLetter, 'redriven'> {
  const p = wholeNumber(partition);
  const o = wholeNumber(offset) !== undefined ? offset : undefined;
  return {
    origin: { broker: 'kafka', topic, ...(p !== undefined ? { partition: p } : {}), ...(o !== undefined ? { offset: o } : {}) },
    originId: `kafka:${topic}`,
    reason: reason && reason.trim() !== '' ? reason : UNKNOWN_REASON,
    count: 1,
    convention,
  };
}

/** The origin an `originId` (`kafka:TOPIC`, `mq:QUEUE`) names, as far as the id tells (no partition, exchange or routing keys). */
export function originOfId(id: string): DeadLetterOrigin | undefined {
  const [, broker, where] = /^(kafka|mq):(.+)$/.exec(id) ?? [];
  if (where === undefined) return undefined;
  return broker === 'kafka' ? { broker: 'kafka', topic: where } : { broker: 'mq', queue: where, routingKeys: [] };
}

/** The dead-letter facts in a message's headers, or undefined for a message no convention marks. */
export function deadLetterOf(headers: Readonly<Record<string, string>>): DeadLetter | undefined {
  const redriven = redriveCount(headers);
  const h = headers;
  let found: Omit<DeadLetter, 'redriven'> | undefined;
  if (h['x-death'] !== undefined) found = fromXDeath(h['x-death']);
  // Spring writes the partition and offset as binary ints: only their decimal forms are read, the topic and reason always.
  else if (h['kafka_dlt-original-topic']) found = kafkaOrigin(h['kafka_dlt-original-topic'], h['kafka_dlt-original-partition'], h['kafka_dlt-original-offset'], h['kafka_dlt-exception-message'] ?? h['kafka_dlt-exception-fqcn'], 'spring');
  else if (h['__connect.errors.topic']) found = kafkaOrigin(h['__connect.errors.topic'], h['__connect.errors.partition'], h['__connect.errors.offset'], h['__connect.errors.exception.message'] ?? h['__connect.errors.exception.class.name'], 'kafka-connect');
  else if (h['x-original-topic']) found = kafkaOrigin(h['x-original-topic'], h['x-original-partition'], h['x-original-offset'], h['x-exception-message'] ?? h['x-original-reason'], 'x-original-topic');
  return found ? { ...found, redriven } : undefined;
}

const DEAD_LETTER_HEADER = /^(x-death$|x-first-death-|x-last-death-|kafka_dlt-|__connect\.errors\.|x-original-|x-exception-)/;

/** The headers a message is redriven with: the dead-lettering's stripped (unless kept), the redrive counted. */
export function redrivenHeaders(headers: Readonly<Record<string, string>>, keepDeadLetterHeaders: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (keepDeadLetterHeaders || !DEAD_LETTER_HEADER.test(name)) out[name] = value;
  out[REDRIVEN_HEADER] = String(redriveCount(headers) + 1);
  return out;
}

/** A connection's `select.deadLetters`: which dead letters it moves; the others stay at the source. */
export interface DeadLetterSelect {
  readonly origin: string;
  /** Only these reasons (default: every reason). */
  readonly reasons?: readonly string[];
  /** A message redriven this many times already is left alone (and reported). */
  readonly maxRedrives: number;
  readonly keepHeaders: boolean;
  /** Only the dead letters that match (`select.deadLetters.search`). */
  readonly search?: MessageSearch;
}

export type DeadLetterChoice = 'take' | 'other' | 'too-often';

export function chooseDeadLetter(letter: DeadLetter | undefined, select: DeadLetterSelect): DeadLetterChoice {
  if (!letter || letter.originId !== select.origin) return 'other';
  if (select.reasons && !select.reasons.includes(letter.reason)) return 'other';
  return letter.redriven >= select.maxRedrives ? 'too-often' : 'take';
}

export interface DeadLetterGroup {
  readonly originId: string;
  readonly origin: DeadLetterOrigin;
  readonly reason: string;
  /** Messages a redrive would move. */
  readonly count: number;
  /** Messages redriven `maxRedrives` times already: left alone. */
  readonly tooOften: number;
}

/** Groups by origin and reason, in the order first seen; counts what is no dead letter. */
export class DeadLetterGroups {
  private readonly groups = new Map<string, { originId: string; origin: DeadLetterOrigin; reason: string; count: number; tooOften: number }>();
  notDeadLetters = 0;

  constructor(private readonly maxRedrives: number) {}

  add(headers: Readonly<Record<string, string>>): void {
    const letter = deadLetterOf(headers);
    if (!letter) {
      this.notDeadLetters += 1;
      return;
    }
    const id = `${letter.originId}\n${letter.reason}`;
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = { originId: letter.originId, origin: letter.origin, reason: letter.reason, count: 0, tooOften: 0 }));
    if (letter.redriven >= this.maxRedrives) group.tooOften += 1;
    else group.count += 1;
  }

  list(): DeadLetterGroup[] {
    return [...this.groups.values()].map((g) => ({ ...g }));
  }
}
