// Extension entry: registers FlowTracer's commands, views and run machinery, and starts the language client once a flow is open.
// What activation does not need (yaml, ajv, vscode-languageclient) is in bundles of its own, loaded on first use (lazy-bundles.ts).
import * as vscode from 'vscode';
import { DiagramPanels } from './diagram/diagram-panels';
import { diagramSerializer, registerDiagramHost } from './diagram/diagram-registration';
import { DiagramProbe } from './diagram/diagram-probe';
import { MessagesPanels, messagesSerializer } from './messages/messages-panels';
import { MessagesProbe } from './messages/messages-probe';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GithubAccount, vscodeGithubSessions, type GithubSessionProvider } from './access/github-session';
import { FlowLog } from './log/flow-log';
import { RunController } from './runs/run-controller';
import { followWalkthrough, WalkthroughProgress } from './views/walkthrough-progress';
import { watchRunsFolder } from './runs/runs-folder-watcher';
import { followRunStore } from './runs/run-store-refresh';
import { runSourceFor } from './runs/run-sources';
import { ExecutorProcess } from './executor/executor-process';
import { runsDirFor, settings } from './settings';
import { createTrustGate } from './trust/trust-gate';
import { RunsTreeProvider } from './views/runs-tree';
import { FlowsTreeProvider } from './views/flows-tree';
import { watchParsedFlows } from './parsed-flows';
import { FlowCodeLensProvider } from './views/flow-codelens';
import { accountStatusItem } from './views/account-status';
import { registerFlowCommands } from './commands/register-commands';
import { Prompts, type Prompter } from './commands/prompts';
import { ExternalLinks, type Opener } from './commands/external-links';
import { feedRunStatus } from './diagram/run-status-feed';
import type { RunStatusBarState } from './runs/run-controller';
import { testApi } from './test-seams';
import { languageClientBundle } from './lazy-bundles';
import { FLOW_LANGUAGE_ID } from '../protocol/language-server';
import { MESSAGES_VIEW_TYPE } from '../protocol/messages-view';

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient> | undefined;

/** How long activation took, in milliseconds from the start of `activate()` (printed by the editor tests). */
export interface ActivationTimes {
  /** Until `activate()` returned. */
  readonly activated: number;
  /** When the language client began to start (at once if a flow was open, else when the first one opened). */
  readonly languageClientStarted: number | undefined;
  /** When it was ready (the server answered `initialize`); undefined until then. */
  readonly languageClientReady: number | undefined;
}

/** Seams for the editor tests: code-server has no GitHub login and opens trusted folders. Only in ExtensionMode.Test. */
export interface FlowTracerTestHooks {
  readonly runsTree: RunsTreeProvider;
  readonly diagrams: DiagramPanels;
  /** Records what the diagrams post and hear, and posts to the host as a webview would. */
  readonly diagramProbe: DiagramProbe;
  /** The components' Messages panels, and what they report showing. */
  readonly messages: MessagesPanels;
  readonly messagesProbe: MessagesProbe;
  /** The first-hour walkthrough's steps done so far. */
  readonly walkthrough: WalkthroughProgress;
  /** The panel serializer as VS Code calls it after a reload. */
  readonly diagramSerializer: vscode.WebviewPanelSerializer<unknown>;
  readonly messagesSerializer: vscode.WebviewPanelSerializer<unknown>;
  logText(): string;
  setGithubSessionProvider(provider: GithubSessionProvider | undefined): Promise<void>;
  setTrusted(trusted: boolean | undefined): void;
  setConfirmHosts(answer: ((hosts: readonly string[]) => Promise<boolean>) | undefined): void;
  /** Answers the commands' quick picks and input boxes instead of VS Code's quick input; `undefined` restores it. */
  setPrompter(prompter: Prompter | undefined): void;
  /** Receives the links commands open outside VS Code instead of vscode.env.openExternal; `undefined` restores it. */
  setOpener(opener: Opener | undefined): void;
  /** The run status bar item as it is now. */
  runStatusBar(): RunStatusBarState;
  activationTimes(): ActivationTimes;
}

export interface FlowTracerApi {
  /** Started when the first flow-yaml document is open (undefined before). */
  readonly languageClient: LanguageClient | undefined;
  /** Present only when the editor runs the extension's tests (ExtensionMode.Test). */
  readonly test?: FlowTracerTestHooks;
}

/** Starts the language client once: now if a flow-yaml document is open, otherwise when the first one opens. */
function startLanguageClientWhenFlowOpens(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel, began: () => void, ready: (client: LanguageClient) => void): void {
  const start = (): void => {
    if (starting) return;
    opened.dispose();
    began();
    starting = languageClientBundle().startLanguageClient(context, channel);
    starting.then((started) => {
      client = started;
      ready(started);
    }, (error: unknown) => channel.error(`the language server did not start: ${error instanceof Error ? error.message : String(error)}`));
  };
  const opened = vscode.workspace.onDidOpenTextDocument((document) => (document.languageId === FLOW_LANGUAGE_ID ? start() : undefined));
  context.subscriptions.push(opened);
  if (vscode.workspace.textDocuments.some((document) => document.languageId === FLOW_LANGUAGE_ID)) start();
}

export function activate(context: vscode.ExtensionContext): FlowTracerApi {
  const activationStart = performance.now();
  let languageClientStarted: number | undefined;
  let languageClientReady: number | undefined;
  const channel = vscode.window.createOutputChannel('FlowTracer', { log: true });
  context.subscriptions.push(channel, watchParsedFlows());
  const log = new FlowLog(channel);
  const applyLogLevel = (): void => {
    log.minimum = settings().logLevel as typeof log.minimum;
  };
  applyLogLevel();
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('flowtracer.logLevel') ? applyLogLevel() : undefined)));
  const diagrams = new DiagramPanels(context.extensionUri, log);
  let trustOverride: boolean | undefined;
  const isTrusted = (): boolean => trustOverride ?? vscode.workspace.isTrusted;
  const account = new GithubAccount(vscodeGithubSessions());
  const executorPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'executor', 'cli.js').fsPath;
  // A run store is read by an executor child: no database driver in this bundle.
  const storeReader = (): ExecutorProcess => new ExecutorProcess(executorPath, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? context.extensionUri.fsPath);
  const runsTree = new RunsTreeProvider(
    () => runSourceFor({ runsStore: settings().runsStore, runsDir: runsDirFor(), trusted: isTrusted() }, storeReader),
    // The store's own sentence names it (its URL's password masked by the executor).
    (error) => log.error(`the Runs view cannot read the runs: ${error instanceof Error ? error.message : String(error)}`, error),
  );
  const runs = new RunController({
    executorPath,
    log,
    trust: createTrustGate(isTrusted),
    account,
    secrets: context.secrets,
  });
  const links = new ExternalLinks();
  const messages = new MessagesPanels(context.extensionUri, runs, log, links);
  const flowsTree = new FlowsTreeProvider();
  const prompts = new Prompts();
  const walkthrough = new WalkthroughProgress();
  context.subscriptions.push(
    diagrams,
    messages,
    registerDiagramHost(diagrams, log, isTrusted),
    vscode.window.registerWebviewPanelSerializer(MESSAGES_VIEW_TYPE, messagesSerializer(messages, log)),
    feedRunStatus(runs.onEvent, diagrams),
    vscode.commands.registerCommand('flowtracer.showDiagram', (uri?: vscode.Uri) => diagrams.show(uri)),
    account,
    runsTree,
    runs,
    flowsTree,
    vscode.window.registerTreeDataProvider('flowtracer.runs', runsTree),
    vscode.window.registerTreeDataProvider('flowtracer.flows', flowsTree),
    vscode.languages.registerCodeLensProvider({ language: 'flow-yaml' }, new FlowCodeLensProvider(runsTree)),
    accountStatusItem(account),
    ...registerFlowCommands({ extensionUri: context.extensionUri, log, runs, runsTree, account, secrets: context.secrets, prompts, walkthrough, links, diagrams, messages }),
    ...followWalkthrough(walkthrough, diagrams, runs),
  );
  context.subscriptions.push(watchRunsFolder(() => void runsTree.refresh()), followRunStore(() => void runsTree.refresh(), runs));
  void runsTree.refresh();
  void account.refresh(false);
  // Built before the language client starts, so that the probe sees every diagram the tests open.
  const test = testApi(context.extensionMode, (): FlowTracerTestHooks => {
    const diagramProbe = new DiagramProbe(diagrams);
    const messagesProbe = new MessagesProbe(messages);
    context.subscriptions.push(diagramProbe, messagesProbe);
    return {
      runsTree,
      diagrams,
      diagramProbe,
      messages,
      messagesProbe,
      walkthrough,
      diagramSerializer: diagramSerializer(diagrams, log),
      messagesSerializer: messagesSerializer(messages, log),
      logText: () => log.text(),
      async setGithubSessionProvider(provider) {
        account.setProvider(provider ?? vscodeGithubSessions());
        await account.refresh(false);
      },
      setTrusted(trusted) {
        trustOverride = trusted;
      },
      setConfirmHosts(answer) {
        runs.setConfirmHosts(answer);
      },
      setPrompter(prompter) {
        prompts.use(prompter);
      },
      setOpener(opener) {
        links.use(opener);
      },
      runStatusBar: () => runs.statusBarState,
      activationTimes: () => ({ activated, languageClientStarted, languageClientReady }),
    };
  });
  startLanguageClientWhenFlowOpens(context, channel, () => {
    languageClientStarted = performance.now() - activationStart;
  }, () => {
    languageClientReady = performance.now() - activationStart;
    log.info(`language client ready in ${(languageClientReady - (languageClientStarted ?? 0)).toFixed(1)} ms`);
  });
  const activated = performance.now() - activationStart;
  return {
    get languageClient() {
      return client;
    },
    ...(test ? { test } : {}),
  };
}

export async function deactivate(): Promise<void> {
  const started = await starting?.catch(() => undefined);
  starting = undefined;
  client = undefined;
  await started?.stop();
}
