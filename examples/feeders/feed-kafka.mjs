// Produces N sample orders to a Kafka topic (acks=all), for the order-flow example.
// Usage: node examples/feeders/feed-kafka.mjs [TOPIC] [COUNT]   (TOPIC: EXAMPLE_ORDERS_TOPIC or orders; KAFKA_BROKERS defaults to localhost:9092)
import { Kafka } from 'kafkajs';

const topic = process.argv[2] || process.env.EXAMPLE_ORDERS_TOPIC || 'orders';
const count = process.argv[3] || '10';
const kafka = new Kafka({ clientId: 'flowtracer-feeder', brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',') });
const producer = kafka.producer({ idempotent: true });
await producer.connect();
const messages = Array.from({ length: Number(count) }, (_, i) => ({
  key: `o-${i + 1}`,
  value: JSON.stringify({ orderId: `o-${i + 1}`, customerId: `c-${(i + 1) % 3}`, items: [{ sku: 'sku-1', qty: i + 1, price: 2.5 }] }),
}));
await producer.send({ topic, acks: -1, messages });
console.log(`produced ${count} orders to ${topic}`);
await producer.disconnect();
