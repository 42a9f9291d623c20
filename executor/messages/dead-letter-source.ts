// A source read through `select.deadLetters`: only the picked dead letters are yielded (headers stripped, the redrive counted); the others stay where they are.
import type { SourceMessage, SourceReader } from '../connectors/connector';
import { DEAD_LETTER_DEFAULTS } from '../../flow/schema';
import { chooseDeadLetter, deadLetterOf, redrivenHeaders, type DeadLetterSelect } from './dead-letters';
import { matchesSearch } from './message-search';

export interface PassedOver {
  /** Dead letters of this origin redriven `maxRedrives` times already. */
  tooOften: number;
  /** Other origins, other reasons, or no dead letters at all. */
  others: number;
}

/**
 * Wraps a source reader. Messages not picked are passed over (`passOver`, else `release`): they
 * never reach the connection, so they are neither read nor committed by the run, and stay at the
 * source (AMQP: given back at close; Kafka: the topic keeps every record anyway).
 */
export function deadLetterSource(reader: SourceReader, select: DeadLetterSelect, passed: PassedOver, onTooOften: (message: SourceMessage) => void): SourceReader {
  const passOver = (m: SourceMessage): Promise<void> => (reader.passOver ? reader.passOver(m) : reader.release(m));
  // Readers know their messages by identity (a Kafka group reader's generation): commits go with the one it yielded.
  const original = new WeakMap<SourceMessage, SourceMessage>();
  const own = (m: SourceMessage): SourceMessage => original.get(m) ?? m;
  return {
    async *messages(signal: AbortSignal): AsyncIterable<SourceMessage> {
      for await (const message of reader.messages(signal)) {
        const choice = select.search && !matchesSearch(message, select.search) ? 'other' : chooseDeadLetter(deadLetterOf(message.headers), select);
        if (choice === 'take') {
          const redriven = { ...message, headers: redrivenHeaders(message.headers, select.keepHeaders) };
          original.set(redriven, message);
          yield redriven;
          continue;
        }
        if (choice === 'too-often') {
          passed.tooOften += 1;
          onTooOften(message);
        } else passed.others += 1;
        await passOver(message);
      }
    },
    commit: (m) => reader.commit(own(m)),
    release: (m) => reader.release(own(m)),
    close: () => reader.close(),
  };
}

/** A connection's `select.deadLetters` as written (schema-checked), with the schema's defaults. */
export function deadLetterSelectOf(select: unknown, defaults: { readonly maxRedrives: number; readonly keepHeaders: boolean } = DEAD_LETTER_DEFAULTS): DeadLetterSelect | undefined {
  const written = (select as { deadLetters?: Partial<DeadLetterSelect> } | undefined)?.deadLetters;
  if (!written || typeof written.origin !== 'string') return undefined;
  return {
    origin: written.origin,
    ...(written.reasons ? { reasons: written.reasons } : {}),
    ...(written.search ? { search: written.search } : {}),
    maxRedrives: written.maxRedrives ?? defaults.maxRedrives,
    keepHeaders: written.keepHeaders ?? defaults.keepHeaders,
  };
}
