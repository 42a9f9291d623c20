// Send from .ndjson lines to a component: every line read and checked against the schemas first (a bad file sends nothing), then sent through its writer.
import { closeConnectors, preflightAll } from '../component-connectors';
import type { FlowMessage } from '../connectors/connector';
import { Redactor } from '../redaction';
import type { SecretProvider } from '../values';
import { connectorFor, loadComponent, MessageTargetError, validatorsFor } from './component-messages';
import { messageLines } from './message-lines';
import { sendMessages, type SendOutcome } from './send-messages';

/** Messages awaiting their confirm at once. */
const SEND_WINDOW = 64;
/** Schema problems reported at most. */
const PROBLEMS_SHOWN = 10;

export type SendReport =
  /** Lines that do not match a schema: nothing was sent. */
  | { readonly checked: false; readonly of: number; readonly problems: readonly string[] }
  | ({ readonly checked: true; readonly of: number } & SendOutcome);

/**
 * Reads `lines()` twice: once to check every message, once to send them (a file is never held whole).
 * Throws MessageLineError for a line that is no message, MessageTargetError for a component that is
 * not a kafka or mq one or cannot be written to.
 */
export async function sendLines(flowFile: string, name: string, lines: () => AsyncIterable<string>, secrets: SecretProvider | undefined, signal: AbortSignal, onSent?: (sent: number, of: number) => void): Promise<SendReport> {
  const { component, model, file } = loadComponent(flowFile, name);
  const validators = validatorsFor(file, model, name);
  let of = 0;
  const problems: string[] = [];
  for await (const { message, line } of messageLines(lines())) {
    of += 1;
    for (const { schema, validator } of validators) {
      const check = validator.check(message.value);
      if (!check.valid && problems.length < PROBLEMS_SHOWN) problems.push(`line ${line}: does not match ${schema}: ${check.problem}`);
    }
  }
  if (problems.length > 0) return { checked: false, of, problems };
  const connector = await connectorFor(component, signal, secrets);
  try {
    await preflightAll(new Map([[name, connector]]), new Redactor(), signal);
    if (!connector.openWriter) throw new MessageTargetError(`component ${name} cannot be written to`);
    const writer = await connector.openWriter({}, signal);
    const messages = (async function* (): AsyncIterable<FlowMessage> {
      for await (const { message } of messageLines(lines())) yield message;
    })();
    try {
      return { checked: true, of, ...(await sendMessages(writer, messages, signal, { window: SEND_WINDOW, onSent: (sent) => onSent?.(sent, of) })) };
    } finally {
      await writer.close();
    }
  } finally {
    await closeConnectors(new Map([[name, connector]]));
  }
}
