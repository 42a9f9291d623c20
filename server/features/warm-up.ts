// The server's start-up work: the parser and checks run once on a small flow (the schema validator is
// precompiled into the bundle), so that the first flow a user opens does not pay for their first run.
import { diagnoseFlow } from '../../flow/check';
import { FlowParseSession } from '../../flow/incremental-parse';
import type { FlowSchema } from '../../flow/schema';

/** A small flow touching every component family and the checks a real file meets (retries, references, selects). */
const WARM_UP_FLOW = `flow: warm-up
title: Warm-up
defaults:
  validation: warn
components:
  Orders:
    type: kafka
    brokers: ["\${env:KAFKA_BROKERS:-localhost:9092}"]
    topic: orders
    retry: { strategy: exponential, delay: 500ms, factor: 2, maxDelay: 30s, maxAttempts: 5, jitter: full }
  Inbox:
    type: mq
    url: amqp://guest:\${secret:rabbit}@localhost:5672
    queue: inbox
  Handler:
    type: service
    url: http://localhost:8080/orders
    method: POST
    timeout: 5s
  Store:
    type: database
    url: postgres://localhost:5432/db
    table: orders
  Partner:
    type: api
    url: https://api.example.com/v1/orders
    headers: { Authorization: "Bearer \${secret:token}" }
connections:
  - from: Orders
    to: Inbox
  - from: Inbox
    to: Handler
  - from: Handler
    to: Store
  - from: Store
    to: Partner
    select: { query: "SELECT * FROM orders" }
`;

/** Parses (whole, then one edited chunk) and checks WARM_UP_FLOW; the result is dropped. */
export function warmUp(schema: FlowSchema | undefined): void {
  const session = new FlowParseSession();
  diagnoseFlow(session.parse(WARM_UP_FLOW), { schema });
  diagnoseFlow(session.parse(WARM_UP_FLOW.replace('topic: orders', 'topic: orders-2')), { schema });
}
