// npm start's local Kafka for the examples: the single-node KRaft broker the tests start, on 9092 when free.
import { execFileSync } from 'node:child_process';
import { freePort, portIsFree, startKafkaBroker, type RunningBroker } from '../../support/kafka-broker';
import { DEFAULT_KAFKA_VERSION, ensureKafkaJars } from '../../support/kafka-jars';

export interface ExampleKafka {
  /** `127.0.0.1:PORT`, passed to the extension host (and its tasks) as KAFKA_BROKERS. */
  readonly brokers: string;
  /** Resolves once the broker answers (the jars may be fetched first); rejects with the sentence to show. */
  readonly ready: Promise<RunningBroker>;
}

function hasJava(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Picks the port at once (the VS Code server is started with it) and starts the broker in the background; undefined without Java. */
export async function startExampleKafka(): Promise<ExampleKafka | undefined> {
  if (!hasJava()) return undefined;
  const port = (await portIsFree(9092)) ? 9092 : await freePort();
  const ready = ensureKafkaJars(DEFAULT_KAFKA_VERSION).then((libs) => startKafkaBroker(DEFAULT_KAFKA_VERSION, libs, 120_000, port));
  return { brokers: `127.0.0.1:${port}`, ready };
}
