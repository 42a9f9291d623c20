// Mocha global fixture of the services layer: a Kafka broker (started or external), RabbitMQ and PostgreSQL reachable; Zipkin stopped if a test started it.
import { ensureKafkaJars, DEFAULT_KAFKA_VERSION } from './kafka-jars';
import { startKafkaBroker, type RunningBroker } from './kafka-broker';
import { stopZipkin } from './zipkin-server';
import { checkPostgres, checkRabbitMq, DEFAULT_AMQP_URL, DEFAULT_PG_URL } from './service-reachability';

let broker: RunningBroker | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  process.env.FLOWTRACER_TEST_AMQP_URL ??= DEFAULT_AMQP_URL;
  process.env.FLOWTRACER_TEST_PG_URL ??= DEFAULT_PG_URL;
  await Promise.all([checkRabbitMq(process.env.FLOWTRACER_TEST_AMQP_URL), checkPostgres(process.env.FLOWTRACER_TEST_PG_URL)]);
  if (process.env.FLOWTRACER_TEST_KAFKA_BROKERS) {
    console.log(`  services: external Kafka at ${process.env.FLOWTRACER_TEST_KAFKA_BROKERS}`);
    return;
  }
  const version = process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  const fetchStart = Date.now();
  const libs = await ensureKafkaJars(version);
  const fetchMs = Date.now() - fetchStart;
  broker = await startKafkaBroker(version, libs);
  process.env.FLOWTRACER_TEST_KAFKA_BROKERS = broker.brokers;
  process.env.FLOWTRACER_TEST_KAFKA_VERSION = version;
  console.log(`  services: Kafka ${version} at ${broker.brokers} (jars ${fetchMs} ms, broker up in ${broker.startupMs} ms; log ${broker.logFile})`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopZipkin();
  if (broker) {
    delete process.env.FLOWTRACER_TEST_KAFKA_BROKERS;
    await broker.stop();
    broker = undefined;
  }
}
