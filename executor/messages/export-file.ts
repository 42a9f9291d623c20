// A component's messages written to an .ndjson file that `send` reads (browsed: nothing changes at the source); `flowtracer export-messages` and the editor's Export Messages… share it.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { BrowseOptions } from '../connectors/connector';
import type { SecretProvider } from '../values';
import { browseComponent, connectorFor, loadComponent } from './component-messages';
import { messageRecord } from './message-lines';
import type { MessageSearch } from './message-search';

export interface ExportRequest {
  readonly options: BrowseOptions;
  readonly search: MessageSearch;
  readonly secrets?: SecretProvider;
}

/** Writes what the browse matches to `out`, a line a message as it is read (the file is never held in memory); the count written. */
export async function exportToFile(flowFile: string, name: string, request: ExportRequest, out: string, signal: AbortSignal, note: (text: string) => void, progress: (written: number) => void): Promise<number> {
  const { component } = loadComponent(flowFile, name);
  const connector = await connectorFor(component, signal, request.secrets);
  const stream = createWriteStream(out, { flags: 'w' });
  let written = 0;
  try {
    await browseComponent(connector, request.options, request.search, signal, async (m) => {
      if (!stream.write(`${JSON.stringify(messageRecord(m, false))}\n`)) await once(stream, 'drain');
      written += 1;
      progress(written);
    }, note);
  } finally {
    await connector.close();
    stream.end();
    await once(stream, 'close');
  }
  return written;
}
