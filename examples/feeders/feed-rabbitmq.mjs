// Publishes N sample orders to a RabbitMQ queue (confirmed), for the order-intake and migration examples.
// Usage: node examples/feeders/feed-rabbitmq.mjs QUEUE [COUNT]   (AMQP_URL defaults to amqp://guest:guest@127.0.0.1:5672)
import amqp from 'amqplib';

const [queue = 'order-intake', count = '10'] = process.argv.slice(2);
const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
const channel = await connection.createConfirmChannel();
await channel.assertQueue(queue, { durable: true });
for (let i = 1; i <= Number(count); i++) {
  const order = { orderId: `o-${i}`, customerId: `c-${i % 3}`, items: [{ sku: 'sku-1', qty: i, price: 2.5 }] };
  channel.sendToQueue(queue, Buffer.from(JSON.stringify(order)), { persistent: true, contentType: 'application/json' });
}
await channel.waitForConfirms();
console.log(`published ${count} orders to ${queue}`);
await connection.close();
