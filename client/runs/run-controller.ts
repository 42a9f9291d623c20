// Runs, retries and resumes a flow in the executor child: a pipeline of gates (trust, access, hosts: also the Messages panel's, through admit), the plan, then the launch (log, progress, status bar).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { flowLanguage } from '../lazy-bundles';
import type { ExecutorCommand, ExecutorEvent } from '../../protocol/executor-events';
import type { Actor } from '../../flow/actor';
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
import { executorEnv, planRun, type RunPlan } from './run-plan';
import { RunTally, type RunStatusBarState, type RunStatusText } from './run-tally';

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

export type { RunStatusBarState } from './run-tally';

export interface RunControllerDeps {
  readonly executorPath: string;
  readonly log: FlowLog;
  readonly trust: TrustGate;
  readonly account: GithubAccount;
  readonly secrets: vscode.SecretStorage;
  /** Tests answer the non-local-host confirmation without a dialog. */
  confirmHosts?: (hosts: readonly string[]) => Promise<boolean>;
}

/** What a flow that passed the gates is run or browsed with: its model, the child's env and secrets, who asked, where. */
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
    if (!(await this.admitted())) return undefined;
    const admitted = await this.admit(request.flowFile, { trustChecked: true });
    if (!admitted) return undefined;
    const { command, title, mode, flowFile } = request;
    const plan = planRun({ command, title, mode, flowPath: flowFile.fsPath, model: admitted.model, actor: admitted.actor, runsDir: runsDirFor(flowFile), runsStore: settings().runsStore });
    return this.launch(request, plan, admitted);
  }

  /**
   * The gates every command that reaches a flow's services passes (a run, and the Messages panel's browse: browsing
   * payloads is access too): workspace trust, the flow's `access:` rule, the non-local hosts. Undefined when one
   * refused (the user was told); else what the executor child is started with.
   */
  async admit(flowFile: vscode.Uri, options: { readonly trustChecked?: boolean } = {}): Promise<AdmittedFlow | undefined> {
    if (!options.trustChecked && !(await this.trusted('connects to nothing'))) return undefined;
    const model = await readFlowModel(flowFile);
    await this.deps.account.refresh(false);
    const actor = this.deps.account.actor();
    if (!(await this.accessAllowed(model, actor))) return undefined;
    const inputs = this.executorInputs(flowFile);
    if (!(await this.hostsConfirmed(model, inputs))) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(flowFile)?.uri.fsPath ?? path.dirname(flowFile.fsPath);
    return { model, ...inputs, actor, folder, executorPath: this.deps.executorPath, stopGraceMs: settings().stopGracePeriod * 1000 };
  }

  /** The workspace is trusted and no other run is going on. */
  private async admitted(): Promise<boolean> {
    if (!(await this.trusted('runs nothing'))) return false;
    if (this.running) {
      void vscode.window.showWarningMessage('A FlowTracer run is already going on; stop it before starting another.', 'Stop Run').then((c) => (c ? vscode.commands.executeCommand('flowtracer.stopRun') : undefined));
      return false;
    }
    return true;
  }

  /** The workspace is trusted; else the log says what FlowTracer does not do here. */
  private async trusted(refused: string): Promise<boolean> {
    if (await this.deps.trust.allowRun()) return true;
    this.deps.log.write({ level: 'warn', text: `refused: the workspace is not trusted, so FlowTracer ${refused} here` });
    return false;
  }

  /** The flow's `access.github` rule lets this account run it (a flow without one lets everyone). */
  private async accessAllowed(model: FlowModel, actor: Actor): Promise<boolean> {
    const rule = githubRuleOf(model.access);
    if (!rule) return true;
    const { log } = this.deps;
    const { apiUrl, enterpriseUri } = await githubApiSettings();
    const target = githubApiTarget(apiUrl, enterpriseUri);
    for (const sentence of target.ignored) log.write({ level: 'warn', text: sentence });
    try {
      const decision = await decideAccess(rule, actor, this.membershipsFor(target.base, this.deps.account.session?.accessToken ?? ''));
      if (!decision.allowed) {
        log.write({ level: 'warn', text: `refused: ${decision.message}` });
        void this.offer(vscode.window.showErrorMessage(decision.message, 'Sign In with GitHub', 'Show Logs'));
        return false;
      }
      log.info(`access: ${decision.because}`);
      return true;
    } catch (error) {
      log.error(`access check failed: ${(error as Error).message}`, error);
      void this.offer(vscode.window.showErrorMessage(`FlowTracer could not check who may run this flow: ${(error as Error).message}`, 'Show Logs'));
      return false;
    }
  }

  /** The env and secrets the child gets: the hosts are checked as the executor will resolve them. */
  private executorInputs(flowFile: vscode.Uri): ExecutorInputs {
    const current = settings();
    // The flow's own folder's secrets only: a flow cloned into another folder cannot ask for this one's.
    const secretFolder = secretFolderOf(flowFile);
    return {
      env: executorEnv(process.env, current),
      secret: (name) => Promise.resolve(this.deps.secrets.get(secretStorageKey(secretFolder, name))),
    };
  }

  /** Every host the run touches is local, or the user said to run anyway. */
  private async hostsConfirmed(model: FlowModel, inputs: ExecutorInputs): Promise<boolean> {
    const remote = await nonLocalHosts(model, settings().localHosts, inputs);
    return remote.length === 0 || this.confirmHosts(remote);
  }

  /** Starts the executor child and follows it to its end: log, progress notification, status bar, events. */
  private async launch(request: RunRequest, plan: RunPlan, admitted: AdmittedFlow): Promise<ExecutorOutcome | undefined> {
    const child = new ExecutorProcess(admitted.executorPath, admitted.folder, admitted.env, admitted.stopGraceMs);
    this.process = child;
    void vscode.commands.executeCommand('setContext', 'flowtracer.running', true);
    const tally = new RunTally(plan.header);
    this.showStatus(tally.startingStatus());
    try {
      const outcome = await this.followWithProgress(request, plan, child, admitted, tally);
      const failure = tally.failureMessage(outcome);
      if (failure) void this.offer(vscode.window.showErrorMessage(failure, 'Show Logs', 'Open Flow'), request.flowFile);
      this.showStatus(tally.finishedStatus(outcome));
      this.finished.fire({ command: request.command.type, outcome });
      return outcome;
    } catch (error) {
      this.reportCrash(request, error);
      this.showStatus(tally.crashedStatus());
      this.finished.fire({ command: request.command.type, outcome: undefined });
      return undefined;
    } finally {
      this.process = undefined;
      void vscode.commands.executeCommand('setContext', 'flowtracer.running', false);
    }
  }

  /** Runs the command in a cancellable notification; each event goes to the log, the progress text and `onEvent`. */
  private followWithProgress(request: RunRequest, plan: RunPlan, child: ExecutorProcess, inputs: ExecutorInputs, tally: RunTally): Thenable<ExecutorOutcome> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `FlowTracer: ${request.title} ${plan.header.flow}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => child.stop());
        return child.execute(plan.command, {
          secret: inputs.secret,
          onEvent: (event) => {
            const observed = tally.observe(event);
            for (const line of observed.lines) this.deps.log.write(line);
            if (observed.progress) {
              progress.report({ message: observed.progress });
              this.showStatus(tally.runningStatus(observed.progress));
            }
            this.progressEvents.fire({ flowFile: request.flowFile, connections: plan.connections, event });
          },
        });
      },
    );
  }

  private reportCrash(request: RunRequest, error: unknown): void {
    const { log } = this.deps;
    const message = error instanceof ExecutorCrashError ? error.message : `The run could not start: ${(error as Error).message}`;
    log.error(message, error);
    if (error instanceof ExecutorCrashError && error.stderr) log.write({ level: 'debug', text: error.stderr });
    void this.offer(vscode.window.showErrorMessage(message, 'Show Logs', 'Open Flow'), request.flowFile);
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
  private showStatus(state: RunStatusText): void {
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

/** The env and secrets the executor child gets. */
interface ExecutorInputs {
  readonly env: NodeJS.ProcessEnv;
  secret(name: string): Promise<string | undefined>;
}

async function readFlowModel(flowFile: vscode.Uri): Promise<FlowModel> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(flowFile));
  return flowLanguage().parseFlow(text).model;
}
