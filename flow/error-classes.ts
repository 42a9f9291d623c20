// The error classes no retry strategy retries, whatever its `retryOn` lists, each with why: the executor skips them, the checks warn.

/**
 * `unroutable`: RabbitMQ returned the publish because no queue matched its exchange and routing key;
 * sent again it would route nowhere again.
 */
export const NEVER_RETRIED: ReadonlyMap<string, string> = new Map([
  ['unroutable', 'RabbitMQ would route the message nowhere again; it is parked at once, and `flowtracer retry` delivers it once a queue is bound'],
]);
