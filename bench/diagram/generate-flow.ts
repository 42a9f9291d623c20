// Generates a realistic layered .flow.yaml of N components (deterministic), for the benchmark and layout tests.

const TYPES_BY_STAGE = ['kafka', 'mq', 'service', 'kafka', 'service', 'database', 'api'] as const;

function component(name: string, type: string, i: number): string {
  switch (type) {
    case 'kafka':
      return `  ${name}:\n    type: kafka\n    brokers: ["localhost:9092"]\n    topic: topic-${i}\n`;
    case 'mq':
      return `  ${name}:\n    type: mq\n    url: amqp://guest:\${secret:rabbit}@localhost:5672\n    queue: queue-${i}\n`;
    case 'database':
      return `  ${name}:\n    type: database\n    url: postgres://localhost:5432/db${i}\n    table: table_${i}\n`;
    default:
      return `  ${name}:\n    type: ${type}\n    url: http://localhost:8080/step/${i}\n`;
  }
}

/** A flow of `count` components in stages of about `width`, each fed by one or two of the previous stage. */
export function generateFlow(count: number, width = Math.max(3, Math.round(Math.sqrt(count) / 1.5))): string {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const names: string[] = [];
  const stages: number[][] = [];
  let text = `flow: generated-${count}\ncomponents:\n`;
  for (let i = 0; i < count; i++) {
    const stage = Math.floor(i / width);
    (stages[stage] ??= []).push(i);
    const type = TYPES_BY_STAGE[stage % TYPES_BY_STAGE.length]!;
    const name = `C${String(i).padStart(4, '0')}${type[0]!.toUpperCase()}${type.slice(1)}`;
    names.push(name);
    text += component(name, type, i);
  }
  text += 'connections:\n';
  for (let stage = 1; stage < stages.length; stage++) {
    const previous = stages[stage - 1]!;
    for (const i of stages[stage]!) {
      const sources = new Set([previous[Math.floor(random() * previous.length)]!]);
      if (random() < 0.3) sources.add(previous[Math.floor(random() * previous.length)]!);
      for (const s of sources) {
        text += `  - from: ${names[s]}\n    to: ${names[i]}\n`;
        // Reading from a database needs the query whose rows are the messages.
        if (names[s]!.endsWith('Database')) text += `    select: { query: "SELECT * FROM table_${s}" }\n`;
      }
    }
  }
  return text;
}
