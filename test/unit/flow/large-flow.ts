// Generates a large valid flow (components in a layered DAG) for speed tests and the fuzz corpus.

export function largeFlow(componentCount: number, connectionCount: number): string {
  const out = ['flow: large', 'defaults:', '  retry: { strategy: exponential, delay: 500ms, factor: 2, maxDelay: 30s, maxAttempts: 5 }', 'components:'];
  const types = ['kafka', 'mq', 'service', 'api'] as const;
  for (let i = 0; i < componentCount; i++) {
    const type = types[i % types.length]!;
    out.push(`  C${i}:`, `    type: ${type}`);
    if (type === 'kafka') out.push('    brokers: ["${env:KAFKA_BROKERS:-localhost:9092}"]', `    topic: topic-${i}`);
    else if (type === 'mq') out.push('    url: amqp://guest:${secret:rabbit-password}@localhost:5672', `    queue: queue-${i}`);
    else out.push(`    url: http://localhost:8080/c${i}`, '    timeout: 5s', '    retry: { strategy: fixed, delay: 2s, maxAttempts: 3 }');
  }
  out.push('connections:');
  for (let k = 0; k < connectionCount; k++) {
    // Edges always go from a lower to a higher index: a DAG that touches every component.
    const from = k < componentCount - 1 ? k : (k * 7919) % (componentCount - 1);
    const to = k < componentCount - 1 ? k + 1 : from + 1 + ((k * 31) % (componentCount - from - 1));
    out.push(`  - from: C${from}`, `    to: C${to}`);
  }
  return `${out.join('\n')}\n`;
}
