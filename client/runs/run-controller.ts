// Runs, retries and resumes a flow in the executor child: the gates first (trust, access, hosts), then events to log, views and status bar.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { flowLanguage } from '../lazy-bundles';
import { deliveredText } from '../../protocol/delivery-wording';
import type { ExecutorCommand, ExecutorEvent } from '../../protocol/executor-events';
import { describeActor, formatActor, type Actor } from '../../flow/actor';
import type { FlowModel } from '../../flow/model';
import { CachedMemberships, decideAccess, githubRuleOf } from '../../flow/access-rules';
import { GithubRestMemberships } from '../../protocol/github-memberships';
import { githubApiTarget } from '../access/github-api-target';
import type { GithubAccount } from '../access/github-session';
import { ExecutorCrashError, ExecutorProcess, type ExecutorOutcome } from '../executor/executor-process';
import type { FlowLog } from '../log/flow-log';
import { githubApiSettings, runsDirFor, settings } from '../settings';
import { secretFolderOf, secretStorageKey } from '../secret-storage-key';
import type { TrustGate } from '../trust/trust-gate';
import type { WrittenConnection } from './live-run-status';
import { nonLocalHosts } from './local-hosts';
import { tracingEnv } from './tracing-settings';
import { headerLine, RunLogFormatter } from './run-log-lines';

export interface RunRequest {
  readonly flowFile: vscode.Uri;
  readonly command: ExecutorCommand;
  readonly title: string;
  readonly mode: string;
}

/** An executor event with the flow it belongs to, for views that follow a run as it goes (the diagram). */
export interface RunEvent {
  readonly flowFile: vscode.Uri;
  /** The flow's connections as written when the run started. */
  readonly connections: readonly WrittenConnection[];
  readonly event: ExecutorEvent;
}

/** What the run's status bar item shows (tests read it; the item itself cannot be read back). */
export interface RunStatusBarState {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
  readonly command: string | undefined;
}

export interface RunControllerDeps {
  readonly executorPath: string;
  readonly log: FlowLog;
  readonly trust: TrustGate;
  readonly account: GithubAccount;
  readonly secrets: vscode.SecretStorage;
  /** Tests answer the non-local-host confirmation without a dialog. */
  confirmHosts?: (hosts: readonly string[]) => Promise<boolean>;
}

/** What the gates let through: the flow as read, and what its executor child is started with. */
export interface AdmittedFlow {
  readonly model: FlowModel;
  readonly env: NodeJS.ProcessEnv;
  readonly secret: (name: string) => Promise<string | undefined>;
  readonly actor: Actor;
  /** The workspace folder of the flow (the child's working directory). */
  readonly folder: string;
  readonly executorPath: string;
  readonly stopGraceMs: number;
}

/** A run, retry or resume that ended (`outcome` undefined: the executor stopped unexpectedly or the run never started). */
export interface FinishedRun {
  readonly command: ExecutorCommand['type'];
  readonly outcome: ExecutorOutcome | undefined;
}

export class RunController implements vscode.Disposable {
  private process: ExecutorProcess | undefined;
  private readonly finished = new vscode.EventEmitter<FinishedRun>();
  readonly onDidFinish = this.finished.event;
  private readonly progressEvents = new vscode.EventEmitter<RunEvent>();
  readonly onEvent = this.progressEvents.event;
  private readonly statusItem = vscode.window.createStatusBarItem('flowtracer.run', vscode.StatusBarAlignment.Left, 50);
  private statusBar: RunStatusBarState = { visible: false, text: '', tooltip: '', command: undefined };
  private memberships: { readonly key: string; readonly source: CachedMemberships } | undefined;

  constructor(private readonly deps: RunControllerDeps) {
    this.statusItem.name = 'FlowTracer Run';
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  /** Runs the request; returns the outcome, or undefined when a gate refused or the child crashed (the user was told). */
  async execute(request: RunRequest): Promise<ExecutorOutcome | undefined> {
    const { log } = this.deps;
    if (!(await this.deps.trust.allowRun())) {
      log.write({ level: 'warn', text: 'refused: the workspace is not trusted, so FlowTracer runs nothing here' });
      return undefined;
    }
    if (this.running) {
      void vscode.window.showWarningMessage('A FlowTracer run is already going on; stop it before starting another.', 'Stop Run').then((c) => (c ? vscode.commands.executeCommand('flowtracer.stopRun') : undefined));
      return undefined;
    }
    const admitted = await this.admit(request.flowFile, { trustChecked: true });
    if (!admitted) return undefined;
    const { model, env, secret, actor, folder } = admitted;
    const command = withActor(request.command, formatActor(actor), runsDirFor(request.flowFile));
    const formatter = new RunLogFormatter();
    const connections = model.connections.map((c) => ({ index: c.index, from: c.from, to: c.to }));
    const header = { flow: model.id ?? path.basename(request.flowFile.fsPath), mode: request.mode, actor: describeActor(actor), command: request.title };
    const child = new ExecutorProcess(admitted.executorPath, folder, env, admitted.stopGraceMs);
    this.process = child;
    void vscode.commands.executeCommand('setContext', 'flowtracer.running', true);
    this.showStatus({ text: `$(sync~spin) ${header.flow}: starting`, tooltip: RUNNING_TOOLTIP, command: 'flowtracer.stopRun' });
    const delivered = new Map<string, number>();
    const parked = new Map<string, number>();
    // The executor says the run's mode as it starts (a flow's own default may be dry-run).
    let dryRun = request.mode === 'dry-run';
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `FlowTracer: ${request.title} ${header.flow}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => child.stop());
          return child.execute(command, {
            secret,
            onEvent: (event) => {
              if (event.type === 'run-started') {
                dryRun = event.mode === 'dry-run';
                log.write(headerLine(header, event.runId));
              }
              const line = formatter.format(event);
              if (line) log.write(line);
              if (event.type === 'connection-progress') {
                const text = `${event.connection}: ${dryRun ? 'would deliver ' : ''}${event.counts.delivered}/${event.counts.read}`;
                delivered.set(event.connection, event.counts.delivered);
                parked.set(event.connection, event.counts.parked);
                progress.report({ message: text });
                this.showStatus({ text: `$(sync~spin) ${header.flow} ${text}`, tooltip: RUNNING_TOOLTIP, command: 'flowtracer.stopRun' });
              }
              if (event.type === 'run-finished') {
                for (const r of event.reconciliation) {
                  delivered.set(r.connection, r.delivered);
                  parked.set(r.connection, r.parked);
                }
              }
              this.progressEvents.fire({ flowFile: request.flowFile, connections, event });
            },
          });
        },
      );
      if (outcome.status !== 'succeeded') {
        const message = outcome.runId ? `Run ${outcome.runId} of ${header.flow} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}.` : `${header.flow} did not start: ${outcome.error ?? 'the executor refused it'}.`;
        void this.offer(vscode.window.showErrorMessage(message, 'Show Logs', 'Open Flow'), request.flowFile);
      }
      this.showStatus(finishedStatus(header.flow, outcome, total(delivered), total(parked), dryRun));
      this.finished.fire({ command: request.command.type, outcome });
      return outcome;
    } catch (error) {
      const message = error instanceof ExecutorCrashError ? error.message : `The run could not start: ${(error as Error).message}`;
      log.error(message, error);
      if (error instanceof ExecutorCrashError && error.stderr) log.write({ level: 'debug', text: error.stderr });
      void this.offer(vscode.window.showErrorMessage(message, 'Show Logs', 'Open Flow'), request.flowFile);
      this.showStatus({ text: `$(error) ${header.flow}: the executor stopped unexpectedly`, tooltip: 'The FlowTracer run ended without finishing: click for the log', command: 'flowtracer.showLogs' });
      this.finished.fire({ command: request.command.type, outcome: undefined });
      return undefined;
    } finally {
      this.process = undefined;
      void vscode.commands.executeCommand('setContext', 'flowtracer.running', false);
    }
  }

  /**
   * The gates every command that reaches a flow's services passes (a run, and the Messages panel's browse, send and
   * redrive: browsing payloads is access too): workspace trust, the flow's `access:` rule, the non-local hosts.
   * Undefined when one refused (the user was told); else what the executor child is started with.
   */
  async admit(flowFile: vscode.Uri, options: { readonly trustChecked?: boolean } = {}): Promise<AdmittedFlow | undefined> {
    const { log } = this.deps;
    if (!options.trustChecked && !(await this.deps.trust.allowRun())) {
      log.write({ level: 'warn', text: 'refused: the workspace is not trusted, so FlowTracer connects to nothing here' });
      return undefined;
    }
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(flowFile));
    const model = flowLanguage().parseFlow(text).model;
    await this.deps.account.refresh(false);
    const actor = this.deps.account.actor();
    const rule = githubRuleOf(model.access);
    if (rule) {
      const { apiUrl, enterpriseUri } = await githubApiSettings();
      const target = githubApiTarget(apiUrl, enterpriseUri);
      for (const sentence of target.ignored) log.write({ level: 'warn', text: sentence });
      const session = this.deps.account.session;
      try {
        const decision = await decideAccess(rule, actor, this.membershipsFor(target.base, session?.accessToken ?? ''));
        if (!decision.allowed) {
          log.write({ level: 'warn', text: `refused: ${decision.message}` });
          void this.offer(vscode.window.showErrorMessage(decision.message, 'Sign In with GitHub', 'Show Logs'));
          return undefined;
        }
        log.info(`access: ${decision.because}`);
      } catch (error) {
        log.error(`access check failed: ${(error as Error).message}`, error);
        void this.offer(vscode.window.showErrorMessage(`FlowTracer could not check who may run this flow: ${(error as Error).message}`, 'Show Logs'));
        return undefined;
      }
    }
    // The child gets this env and these secrets, so the hosts are checked as the executor will resolve them.
    const env = { ...process.env, FLOWTRACER_MAX_IN_FLIGHT: String(settings().messagesInFlight), FLOWTRACER_HTTP_MAX_RESPONSE_BYTES: String(settings().maxResponseBytes), ...tracingEnv(settings().tracing) };
    // The flow's own folder's secrets only: a flow cloned into another folder cannot ask for this one's.
    const secretFolder = secretFolderOf(flowFile);
    const secret = (name: string) => Promise.resolve(this.deps.secrets.get(secretStorageKey(secretFolder, name)));
    const remote = await nonLocalHosts(model, settings().localHosts, { env, secret });
    if (remote.length > 0 && !(await this.confirmHosts(remote))) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(flowFile)?.uri.fsPath ?? path.dirname(flowFile.fsPath);
    return { model, env, secret, actor, folder, executorPath: this.deps.executorPath, stopGraceMs: settings().stopGracePeriod * 1000 };
  }

  /** One cache per API base and token: answers are reused for at most MEMBERSHIP_TTL_MS, never across accounts. */
  private membershipsFor(apiBase: string, token: string): CachedMemberships {
    const key = `${apiBase}\n${token}`;
    if (this.memberships?.key !== key) this.memberships = { key, source: new CachedMemberships(new GithubRestMemberships(apiBase, token)) };
    return this.memberships.source;
  }

  setConfirmHosts(answer: ((hosts: readonly string[]) => Promise<boolean>) | undefined): void {
    this.deps.confirmHosts = answer;
  }

  stop(): boolean {
    if (!this.process) return false;
    this.deps.log.info('stop requested');
    this.process.stop();
    return true;
  }

  private async confirmHosts(hosts: readonly string[]): Promise<boolean> {
    if (this.deps.confirmHosts) return this.deps.confirmHosts(hosts);
    const run = 'Run';
    const choice = await vscode.window.showWarningMessage(`This flow connects to ${hosts.join(', ')}, which ${hosts.length === 1 ? 'is not a local host' : 'are not local hosts'}. Run it anyway?`, { modal: true }, run);
    return choice === run;
  }

  private async offer(choice: Thenable<string | undefined>, flowFile?: vscode.Uri): Promise<void> {
    const picked = await choice;
    if (picked === 'Show Logs') this.deps.log.channel.show(true);
    else if (picked === 'Open Flow' && flowFile) await vscode.window.showTextDocument(flowFile);
    else if (picked === 'Sign In with GitHub') await vscode.commands.executeCommand('flowtracer.signIn');
  }

  /** The run status bar item as it is now. */
  get statusBarState(): RunStatusBarState {
    return this.statusBar;
  }

  /** While a run goes: its progress, click to stop. After it: how it ended, click for the log, until the next run. */
  private showStatus(state: Omit<RunStatusBarState, 'visible'>): void {
    this.statusBar = { ...state, visible: true };
    this.statusItem.text = state.text;
    this.statusItem.command = state.command;
    this.statusItem.tooltip = state.tooltip;
    this.statusItem.show();
  }

  dispose(): void {
    this.process?.dispose();
    this.statusItem.dispose();
    this.finished.dispose();
    this.progressEvents.dispose();
  }
}

const RUNNING_TOOLTIP = 'FlowTracer run in progress: click to stop';

function total(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const n of counts.values()) sum += n;
  return sum;
}

function finishedStatus(flow: string, outcome: ExecutorOutcome, delivered: number, parked: number, dryRun: boolean): Omit<RunStatusBarState, 'visible'> {
  const icon = outcome.status === 'succeeded' ? '$(pass)' : outcome.status === 'failed' ? '$(error)' : '$(debug-stop)';
  const counts = outcome.runId ? ` · ${deliveredText(delivered, dryRun)}${parked > 0 ? `, ${parked} parked` : ''}` : '';
  const tooltip = outcome.runId ? `FlowTracer run ${outcome.runId} of ${flow} ${outcome.status}: click for the log` : `${flow} did not start: click for the log`;
  return { text: `${icon} ${flow}: ${outcome.status}${counts}`, tooltip, command: 'flowtracer.showLogs' };
}

function withActor(command: ExecutorCommand, actor: string, runsDir: string | undefined): ExecutorCommand {
  const runsStore = settings().runsStore;
  const dir = { ...(runsDir ? { runsDir } : {}), ...(runsStore ? { runsStore } : {}) };
  switch (command.type) {
    case 'run':
      return { ...command, options: { ...command.options, ...dir, actor } };
    case 'retry':
    case 'resume':
      return { ...command, ...dir, actor };
    default:
      return command;
  }
}
