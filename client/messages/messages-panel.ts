// One Messages panel bound to one kafka or mq component of a flow: browses it through an executor child, page by page.
import * as vscode from 'vscode';
import type { BrowseRequest } from '../../protocol/executor-events';
import { checkMessagesViewMessage } from '../../protocol/messages-view-checks';
import type { HostToMessagesView, MessagesTarget, MessagesViewToHost } from '../../protocol/messages-view';
import { acceptPosted, diagramWebviewOptions, themeKind } from '../diagram/diagram-panel';
import { webviewSources } from '../diagram/diagram-html';
import { ExecutorCrashError, ExecutorProcess } from '../executor/executor-process';
import type { FlowLog } from '../log/flow-log';
import type { RunController } from '../runs/run-controller';
import type { NodeMenuContext } from '../../protocol/webview-messages';
import type { ExternalLinks } from '../commands/external-links';
import { traceUrl } from '../runs/tracing-settings';
import { settings } from '../settings';
import { messagesPage } from './messages-page';

export class MessagesPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly receivedEmitter = new vscode.EventEmitter<MessagesViewToHost>();
  /** Fires for each message from the webview that passed its check. */
  readonly onDidReceive = this.receivedEmitter.event;
  /** The browse going on: its executor child (a new browse or closing the panel stops it). */
  private child: ExecutorProcess | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly flowFile: vscode.Uri,
    readonly target: MessagesTarget,
    extensionUri: vscode.Uri,
    private readonly runs: RunController,
    private readonly log: FlowLog,
    private readonly links: ExternalLinks,
    /** Restored after a reload: it waits for Browse (a RabbitMQ browse marks the messages redelivered). */
    private readonly restored = false,
  ) {
    panel.webview.options = diagramWebviewOptions(extensionUri);
    panel.webview.html = messagesPage(webviewSources(panel.webview, extensionUri));
    this.disposables.push(
      this.receivedEmitter,
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      vscode.window.onDidChangeActiveColorTheme((theme) => this.post({ type: 'theme', kind: themeKind(theme.kind) })),
    );
  }

  /** Handles a message from the webview; one that is not a declared message is dropped and logged. */
  async receive(posted: unknown): Promise<void> {
    const message = acceptPosted(posted, checkMessagesViewMessage, this.log, `the Messages panel of ${this.target.component}`, this.receivedEmitter);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.post({ type: 'theme', kind: themeKind(vscode.window.activeColorTheme.kind) });
        this.post({ type: 'target', target: this.target, browse: !this.restored });
        return;
      case 'browse':
        await this.browse(message.request);
        return;
      case 'stop':
        this.child?.stop();
        return;
      case 'export':
        await vscode.commands.executeCommand('flowtracer.exportMessages', this.node, undefined, undefined, message.request);
        return;
      case 'redrive':
        await vscode.commands.executeCommand('flowtracer.redrive', this.node);
        return;
      case 'open-trace': {
        const url = traceUrl(settings().traceUiUrl, message.traceId);
        this.log.info(`open trace ${message.traceId} of a message of ${this.target.component}: ${url}`);
        await this.links.open(vscode.Uri.parse(url, true));
        return;
      }
      case 'shown':
        // A report for whoever follows the panel (onDidReceive); the host needs nothing from it.
        return;
    }
  }

  /** The panel's component as the diagram's node menu names it, for the commands its buttons run. */
  private get node(): Pick<NodeMenuContext, 'flowtracerUri' | 'flowtracerComponent'> {
    return { flowtracerUri: this.flowFile.toString(), flowtracerComponent: this.target.component };
  }

  /** Browses the component (after the gates a run passes), handing each page on to the webview; nothing is kept here. */
  async browse(request: BrowseRequest): Promise<void> {
    this.child?.stop();
    const admitted = await this.runs.admit(this.flowFile);
    if (!admitted) {
      this.post({ type: 'finished', count: 0, error: 'not browsed: FlowTracer did not get past trust, access or host checks (see the log)' });
      return;
    }
    const child = new ExecutorProcess(admitted.executorPath, admitted.folder, admitted.env, admitted.stopGraceMs);
    this.child = child;
    this.post({ type: 'browsing', request });
    this.log.info(`browse ${this.target.component} of ${vscode.workspace.asRelativePath(this.flowFile)}`);
    try {
      await child.execute({ type: 'browse', flowFile: this.flowFile.fsPath, component: this.target.component, request }, {
        secret: admitted.secret,
        onEvent: (event) => {
          if (this.child !== child) return;
          if (event.type === 'messages-page') this.post({ type: 'page', messages: event.messages });
          else if (event.type === 'browse-finished') {
            this.post({ type: 'finished', count: event.count, ...(event.note ? { note: event.note } : {}), ...(event.error ? { error: event.error } : {}) });
            if (event.note) this.log.info(`browse ${this.target.component}: ${event.note}`);
            if (event.error) this.log.write({ level: 'warn', text: `browse ${this.target.component}: ${event.error}` });
          } else if (event.type === 'log') this.log.write({ level: event.level, text: event.message });
        },
      });
    } catch (error) {
      const message = error instanceof ExecutorCrashError ? error.message : (error as Error).message;
      this.log.error(message, error);
      if (this.child === child) this.post({ type: 'finished', count: 0, error: message });
    } finally {
      if (this.child === child) this.child = undefined;
    }
  }

  private post(message: HostToMessagesView): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.child?.stop();
    this.child = undefined;
    for (const d of this.disposables) d.dispose();
  }
}
