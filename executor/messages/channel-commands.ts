// The event channel's message commands (the editor's Messages panel, Send, Export and Redrive): each one's events, from the shared message modules.
import type { EventSink, ExecutorCommand } from '../../protocol/executor-events';
import { Redactor } from '../redaction';
import type { RunStop } from '../run-stop';
import type { SecretProvider } from '../values';
import { browseOptionsOf, browsePages } from './browse-pages';
import type { DeadLetterGroup } from './dead-letters';
import { exportToFile } from './export-file';
import { groupViews, planPicks, surveyRedrive, writeRedriveFlows } from './redrive-survey';
import { sendThroughChannel } from './send-channel';

export type MessageCommand = Extract<ExecutorCommand, { type: 'browse' | 'send' | 'export' | 'redrive-plan' }>;

const MESSAGE_COMMAND_TYPES: readonly string[] = ['browse', 'send', 'export', 'redrive-plan'] satisfies readonly MessageCommand['type'][];

export function isMessageCommand(command: ExecutorCommand): command is MessageCommand {
  return MESSAGE_COMMAND_TYPES.includes(command.type);
}

/** How often an export reports how far it got. */
const EXPORT_PROGRESS_EVERY = 500;

const failure = (error: unknown): string => new Redactor().redact(error instanceof Error ? error.message : String(error));

/** Export Messages…: the browse written to a file, an `export-progress` now and then, one `export-finished`. */
async function exportThroughChannel(command: Extract<MessageCommand, { type: 'export' }>, secrets: SecretProvider, signal: AbortSignal, emit: EventSink): Promise<void> {
  const { component, file } = command;
  let note: string | undefined;
  let written = 0;
  try {
    const request = { options: browseOptionsOf(command.request), search: command.request.search ?? {}, secrets };
    written = await exportToFile(command.flowFile, component, request, file, signal, (said) => (note = said), (n) => {
      written = n;
      if (n % EXPORT_PROGRESS_EVERY === 0) emit({ type: 'export-progress', component, written: n });
    });
    emit({ type: 'export-finished', component, written, file, ...(note ? { note } : {}) });
  } catch (error) {
    emit({ type: 'export-finished', component, written, file, ...(note ? { note } : {}), error: failure(error) });
  }
}

/** Redrive…'s read (and, with `write`, its flows): the survey the CLI's `redrive` makes, as one `redrive-planned` event. */
async function redrivePlanThroughChannel(command: Extract<MessageCommand, { type: 'redrive-plan' }>, secrets: SecretProvider, signal: AbortSignal, emit: EventSink): Promise<void> {
  const { component, picks, search } = command;
  let note: string | undefined;
  try {
    const picked = picks ? (g: DeadLetterGroup): boolean => picks.some((p) => p.origin === g.originId && p.reason === g.reason) : undefined;
    const request = { maxRedrives: command.maxRedrives, secrets, ...(command.to !== undefined ? { to: command.to } : {}), ...(picked ? { picked } : {}), ...(search ? { search } : {}) };
    // The picks of a first answer are counted already; only a search needs the component read again.
    const survey = command.write && picks && !search
      ? await planPicks(command.flowFile, component, picks, command.to, signal)
      : await surveyRedrive(command.flowFile, component, request, signal, (said) => (note = said));
    const flows = command.write ? writeRedriveFlows(survey, command.write.folder, { maxRedrives: command.maxRedrives, keepHeaders: command.write.keepHeaders, ...(search ? { search } : {}) }) : undefined;
    emit({ type: 'redrive-planned', component, groups: groupViews(survey), notDeadLetters: survey.notDeadLetters, ...(flows ? { flows } : {}), ...(note ? { note } : {}) });
  } catch (error) {
    emit({ type: 'redrive-planned', component, groups: [], notDeadLetters: 0, ...(note ? { note } : {}), error: failure(error) });
  }
}

/**
 * Serves one message command. A Stop ends a read at once (a RabbitMQ browse then gives its messages back);
 * a send ends once what is in flight is confirmed.
 */
export function serveMessageCommand(command: MessageCommand, stop: RunStop, secrets: SecretProvider, emit: EventSink): Promise<void> {
  const reading = AbortSignal.any([stop.signal, stop.stopReading]);
  switch (command.type) {
    case 'browse':
      return browsePages(command.flowFile, command.component, command.request, secrets, reading, emit);
    case 'send':
      return sendThroughChannel(command.flowFile, command.component, command.messages, secrets, stop.stopReading, emit);
    case 'export':
      return exportThroughChannel(command, secrets, reading, emit);
    case 'redrive-plan':
      return redrivePlanThroughChannel(command, secrets, reading, emit);
  }
}
