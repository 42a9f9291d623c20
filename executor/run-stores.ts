// Chooses where runs are kept, once at startup: the runs folder (the default), or a PostgreSQL database (`--runs-store postgres://…`).
import { maskUrlPasswords } from '../flow/secret-mask';
import { FolderRunStore } from './stores/folder-run-store';
import type { RunStore } from './run-store';

/** `--runs-store` (or the `flowtracer.runsStore` setting) names something that is not a store FlowTracer knows. */
export class RunStoreAddressError extends Error {
  constructor(address: string) {
    super(`--runs-store must be a postgres:// or postgresql:// URL, not '${maskUrlPasswords(address)}'`);
    this.name = 'RunStoreAddressError';
  }
}

export interface RunStoreChoice {
  readonly runsDir: string;
  /** A PostgreSQL URL: runs are kept there, not in `runsDir`. */
  readonly runsStore?: string;
}

export async function openRunStore(choice: RunStoreChoice): Promise<RunStore> {
  if (!choice.runsStore) return new FolderRunStore(choice.runsDir);
  if (!/^postgres(ql)?:\/\//.test(choice.runsStore)) throw new RunStoreAddressError(choice.runsStore);
  const { PostgresRunStore } = await import('./stores/postgres-run-store');
  return PostgresRunStore.open(choice.runsStore);
}
