// Checks that RabbitMQ and PostgreSQL answer before the services tests; a failure names the service and how to start it.
import amqp from 'amqplib';
import pg from 'pg';
import { maskUrlPasswords } from '../../flow/secret-mask';

export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

function hostOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port}`;
}

export async function checkRabbitMq(url: string): Promise<void> {
  try {
    const connection = await amqp.connect(url, { timeout: 5000 });
    await connection.close();
  } catch (error) {
    throw new Error(
      `RabbitMQ at ${hostOf(url)} is unreachable (${maskUrlPasswords((error as Error).message)}): start it with \`rabbitmq-server -detached\` or set FLOWTRACER_TEST_AMQP_URL (now ${maskUrlPasswords(url)})`,
    );
  }
}

export async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${hostOf(url)} is unreachable (${maskUrlPasswords((error as Error).message)}): start it with \`service postgresql start\` (or pg_ctlcluster) and create the database, or set FLOWTRACER_TEST_PG_URL (now ${maskUrlPasswords(url)})`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
