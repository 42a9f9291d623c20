// A suite's own PostgreSQL tables: one client for the suite, tables named uniquely and dropped after it.
import { Client } from 'pg';

export interface ScratchTables {
  /** The suite's client (connected in `before`). */
  readonly db: Client;
  /** Creates `ft_<name>_<tag>` with these column definitions and returns its name. */
  create(name: string, columns: string): Promise<string>;
}

/** Registers the suite's before/after hooks; call it inside `describe`. */
export function useScratchTables(tag: string): ScratchTables {
  let client: Client | undefined;
  const tables: string[] = [];
  before(async () => {
    client = new Client({ connectionString: process.env.FLOWTRACER_TEST_PG_URL });
    await client.connect();
  });
  after(async () => {
    if (!client) return;
    for (const table of tables) await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  });
  return {
    get db(): Client {
      if (!client) throw new Error('the scratch tables client is connected in the suite\'s before hook');
      return client;
    },
    async create(name, columns) {
      const table = `ft_${name}_${tag}`;
      await this.db.query(`CREATE TABLE ${table} (${columns})`);
      tables.push(table);
      return table;
    },
  };
}
