// The event channel's `send` (what Send Messages… in the editor asks for): progress now and then, then send-finished with the count.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventSink, SendSource } from '../../protocol/executor-events';
import { Redactor } from '../redaction';
import type { SecretProvider } from '../values';
import { sendLines } from './send-lines';

/** How often the progress is reported: the notification needs no more. */
const PROGRESS_EVERY_MS = 200;

function linesOf(source: SendSource): () => AsyncIterable<string> {
  if ('file' in source) return () => createInterface({ input: createReadStream(source.file, 'utf8'), crlfDelay: Infinity });
  const lines = source.text.split(/\r?\n/);
  return async function* () {
    yield* lines;
  };
}

export async function sendThroughChannel(flowFile: string, name: string, source: SendSource, secrets: SecretProvider, signal: AbortSignal, emit: EventSink): Promise<void> {
  let reported = 0;
  let sent = 0;
  let of = 0;
  try {
    const report = await sendLines(flowFile, name, linesOf(source), secrets, signal, (n, total) => {
      sent = n;
      of = total;
      if (Date.now() - reported < PROGRESS_EVERY_MS) return;
      reported = Date.now();
      emit({ type: 'send-progress', component: name, sent: n, of: total });
    });
    if (!report.checked) emit({ type: 'send-finished', component: name, sent: 0, of: report.of, problems: report.problems });
    else emit({ type: 'send-finished', component: name, sent: report.sent, of: report.of, ...(report.error ? { error: new Redactor().redact(report.error) } : {}) });
  } catch (error) {
    emit({ type: 'send-finished', component: name, sent, of, error: new Redactor().redact(error instanceof Error ? error.message : String(error)) });
  }
}
