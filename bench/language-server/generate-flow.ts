// Generates a valid, acyclic .flow.yaml of N components and M connections (deterministic) for the language-server benchmark.

const TYPES = ['kafka', 'mq', 'service', 'database', 'api'] as const;

function component(name: string, type: string, i: number): string {
  switch (type) {
    case 'kafka':
      return `  ${name}:\n    type: kafka\n    brokers: ["\${env:KAFKA_BROKERS:-localhost:9092}"]\n    topic: topic-${i}\n    retry: { strategy: exponential, delay: 500ms, factor: 2, maxDelay: 30s, maxAttempts: 5, jitter: full }\n`;
    case 'mq':
      return `  ${name}:\n    type: mq\n    url: amqp://guest:\${secret:rabbit}@localhost:5672\n    queue: queue-${i}\n`;
    case 'database':
      return `  ${name}:\n    type: database\n    url: postgres://localhost:5432/db\n    table: table_${i}\n`;
    case 'service':
      return `  ${name}:\n    type: service\n    url: http://localhost:8080/step/${i}\n    method: POST\n    timeout: 5s\n`;
    default:
      return `  ${name}:\n    type: api\n    url: https://api.example.com/v1/${i}\n    headers: { Authorization: "Bearer \${secret:token}" }\n`;
  }
}

export interface GeneratedFlow {
  readonly text: string;
  readonly names: readonly string[];
}

export function generateFlow(components: number, connections: number): GeneratedFlow {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const names: string[] = [];
  let text = `flow: generated-${components}\ntitle: Generated flow\ndefaults:\n  validation: warn\ncomponents:\n`;
  for (let i = 0; i < components; i++) {
    const type = TYPES[i % TYPES.length]!;
    names.push(`C${i}${type[0]!.toUpperCase()}${type.slice(1)}`);
    text += component(names[i]!, type, i);
  }
  text += 'connections:\n';
  const seen = new Set<string>();
  // Every component but the first gets one incoming edge from an earlier one; the rest are random forward edges.
  for (let written = 0, i = 1; written < connections; written++, i++) {
    let to = i < components ? i : 1 + Math.floor(random() * (components - 1));
    let from = Math.floor(random() * to);
    while (seen.has(`${from}>${to}`)) {
      to = 1 + Math.floor(random() * (components - 1));
      from = Math.floor(random() * to);
    }
    seen.add(`${from}>${to}`);
    text += `  - from: ${names[from]}\n    to: ${names[to]}\n`;
    // Reading from a database needs the query whose rows are the messages.
    if (TYPES[from % TYPES.length] === 'database') text += `    select: { query: "SELECT * FROM table_${from}" }\n`;
  }
  return { text, names };
}
