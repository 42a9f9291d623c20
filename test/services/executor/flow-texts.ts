// Flow files the services tests write: the brokers and URLs come from the test environment.

/** A kafka→mq flow that reads the whole topic (earliest to its end at run start) into the queue. */
export function kafkaToMqFlow(id: string, topic: string, queue: string): string {
  return `flow: ${id}
components:
  Orders:
    type: kafka
    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]
    topic: ${topic}
  OrderQueue:
    type: mq
    url: "\${env:FLOWTRACER_TEST_AMQP_URL}"
    queue: ${queue}
connections:
  - from: Orders
    to: OrderQueue
    select: { from: earliest, until: end }
`;
}

/** A kafka→database flow that upserts the whole topic (earliest to its end at run start) into `table` by `id` ($.id), the payload in `body`. */
export function kafkaToTableFlow(id: string, topic: string, table: string): string {
  return `flow: ${id}
components:
  Orders:
    type: kafka
    brokers: ["\${env:FLOWTRACER_TEST_KAFKA_BROKERS}"]
    topic: ${topic}
  OrderDB:
    type: database
    url: "\${env:FLOWTRACER_TEST_PG_URL}"
connections:
  - from: Orders
    to: OrderDB
    select: { from: earliest, until: end }
    operation: upsert
    table: ${table}
    key: id
    columns: { id: $.id, body: $ }
`;
}
