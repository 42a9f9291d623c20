// The order service of the examples: one POST /orders per message; replies with the processed order.
// Usage: node examples/order-service/server.mjs [port]   (PORT env or 18080, a port npm start's VS Code (8080) and Kafka (9092)
// do not take; FAIL_ORDERS=id1,id2 answers 500 for those orders)
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? process.env.PORT ?? 18080);
const failing = new Set((process.env.FAIL_ORDERS ?? '').split(',').filter(Boolean));

const server = createServer((req, res) => {
  if (req.method !== 'POST' || !req.url?.startsWith('/orders')) {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    let order;
    try {
      order = JSON.parse(body);
    } catch {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'body is not JSON' }));
      return;
    }
    if (failing.has(String(order.orderId))) {
      res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: `order ${order.orderId} is configured to fail` }));
      return;
    }
    const total = (order.items ?? []).reduce((sum, item) => sum + (item.qty ?? 1) * (item.price ?? 0), 0);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ orderId: order.orderId, status: 'accepted', total }));
  });
});

server.listen(port, '127.0.0.1', () => console.log(`order service on http://127.0.0.1:${server.address().port}/orders`));
process.on('SIGINT', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
