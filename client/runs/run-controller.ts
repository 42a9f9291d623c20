// Runs, retries and resumes a flow in the executor child: the gates first (trust, access, hosts), then events to log, views and status bar.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFlow } from '../../flow/parse';
import type { ExecutorCommand, ExecutorEvent } from '../../protocol/executor-events';
import { describeActor, formatActor } from '../access/actor';
import { decideAccess, githubRuleOf } from '../access/github-access';
import { GithubRestMemberships, githubApiBase } from '../access/github-memberships';
import type { GithubAccount } from '../access/github-session';
import { ExecutorCrashError, ExecutorProcess, type ExecutorOutcome } from '../executor/executor-process';
import type { FlowLog } from '../log/flow-log';
import { runsDirFor, settings } from '../settings';
import type { TrustGate } from '../trust/trust-gate';
import { nonLocalHosts } from './local-hosts';
import { headerLine, RunLogFormatter } from './run-log-lines';

export interface RunRequest {
  readonly flowFile: vscode.Uri;
  readonly command: ExecutorCommand;
  readonly title: string;
  readonly mode: string;
}

export interface RunControllerDeps {
  readonly workerPath: string;
  readonly log: FlowLog;
  readonly trust: TrustGate;
  readonly account: GithubAccount;
  readonly secrets: vscode.SecretStorage;
  /** Tests answer the non-local-host confirmation without a dialog. */
  confirmHosts?: (hosts: readonly string[]) => Promise<boolean>;
}

export class RunController implements vscode.Disposable {
  private process: ExecutorProcess | undefined;
  private readonly finished = new vscode.EventEmitter<ExecutorOutcome | undefined>();
  readonly onDidFinish = this.finished.event;
  private readonly progressEvents = new vscode.EventEmitter<ExecutorEvent>();
  readonly onEvent = this.progressEvents.event;
  private readonly statusItem = vscode.window.createStatusBarItem('flowtracer.run', vscode.StatusBarAlignment.Left, 50);

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
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(request.flowFile));
    const model = parseFlow(text).model;
    await this.deps.account.refresh(false);
    const actor = this.deps.account.actor();
    const rule = githubRuleOf(model.access);
    if (rule) {
      const s = settings();
      const session = this.deps.account.session;
      try {
        const decision = await decideAccess(rule, actor, new GithubRestMemberships(githubApiBase(s.githubApiUrl, s.enterpriseUri), session?.accessToken ?? ''));
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
    const remote = nonLocalHosts(model, settings().localHosts);
    if (remote.length > 0 && !(await this.confirmHosts(remote))) return undefined;

    const command = withActor(request.command, formatActor(actor), runsDirFor(request.flowFile));
    const formatter = new RunLogFormatter();
    const header = { flow: model.id ?? path.basename(request.flowFile.fsPath), mode: request.mode, actor: describeActor(actor), command: request.title };
    const folder = vscode.workspace.getWorkspaceFolder(request.flowFile)?.uri.fsPath ?? path.dirname(request.flowFile.fsPath);
    const child = new ExecutorProcess(this.deps.workerPath, folder, { ...process.env, FLOWTRACER_MAX_IN_FLIGHT: String(settings().messagesInFlight) });
    this.process = child;
    void vscode.commands.executeCommand('setContext', 'flowtracer.running', true);
    this.showStatus(`$(sync~spin) ${header.flow}: starting`);
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `FlowTracer: ${request.title} ${header.flow}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => child.stop());
          return child.execute(command, {
            secret: (name) => Promise.resolve(this.deps.secrets.get(`flowtracer.secret.${name}`)),
            onEvent: (event) => {
              if (event.type === 'run-started') log.write(headerLine(header, event.runId));
              const line = formatter.format(event);
              if (line) log.write(line);
              if (event.type === 'connection-progress') {
                const text = `${event.connection}: ${event.counts.delivered}/${event.counts.read}`;
                progress.report({ message: text });
                this.showStatus(`$(sync~spin) ${header.flow} ${text}`);
              }
              this.progressEvents.fire(event);
            },
          });
        },
      );
      if (outcome.status !== 'succeeded') {
        const message = outcome.runId ? `Run ${outcome.runId} of ${header.flow} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}.` : `${header.flow} did not start: ${outcome.error ?? 'the executor refused it'}.`;
        void this.offer(vscode.window.showErrorMessage(message, 'Show Logs', 'Open Flow'), request.flowFile);
      }
      this.finished.fire(outcome);
      return outcome;
    } catch (error) {
      const message = error instanceof ExecutorCrashError ? error.message : `The run could not start: ${(error as Error).message}`;
      log.error(message, error);
      if (error instanceof ExecutorCrashError && error.stderr) log.write({ level: 'debug', text: error.stderr });
      void this.offer(vscode.window.showErrorMessage(message, 'Show Logs', 'Open Flow'), request.flowFile);
      this.finished.fire(undefined);
      return undefined;
    } finally {
      this.process = undefined;
      this.statusItem.hide();
      void vscode.commands.executeCommand('setContext', 'flowtracer.running', false);
    }
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
    const choice = await vscode.window.showWarningMessage(`This flow connects to ${hosts.join(', ')}, which is not a local host. Run it anyway?`, { modal: true }, run);
    return choice === run;
  }

  private async offer(choice: Thenable<string | undefined>, flowFile?: vscode.Uri): Promise<void> {
    const picked = await choice;
    if (picked === 'Show Logs') this.deps.log.channel.show(true);
    else if (picked === 'Open Flow' && flowFile) await vscode.window.showTextDocument(flowFile);
    else if (picked === 'Sign In with GitHub') await vscode.commands.executeCommand('flowtracer.signIn');
  }

  private showStatus(text: string): void {
    this.statusItem.text = text;
    this.statusItem.command = 'flowtracer.stopRun';
    this.statusItem.tooltip = 'FlowTracer run in progress: click to stop';
    this.statusItem.show();
  }

  dispose(): void {
    this.process?.dispose();
    this.statusItem.dispose();
    this.finished.dispose();
    this.progressEvents.dispose();
  }
}

function withActor(command: ExecutorCommand, actor: string, runsDir: string | undefined): ExecutorCommand {
  const dir = runsDir ? { runsDir } : {};
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
