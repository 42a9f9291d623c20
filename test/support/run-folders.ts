// The runs of a runs folder as the tests see them: its run folders by name, without the `.gitignore` beside them.
import { existsSync, readdirSync } from 'node:fs';
import { isRunId } from '../../protocol/journal-records';

/** The run ids under `runsDir` in order (none while it does not exist yet). */
export function runIdsIn(runsDir: string): string[] {
  return existsSync(runsDir) ? readdirSync(runsDir).filter(isRunId).sort() : [];
}
