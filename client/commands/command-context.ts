// What FlowTracer's command factories share: `(ctx) => handler`, as rust-analyzer does.
import type * as vscode from 'vscode';
import type { GithubAccount } from '../access/github-session';
import type { DiagramPanels } from '../diagram/diagram-panels';
import type { FlowLog } from '../log/flow-log';
import type { MessagesPanels } from '../messages/messages-panels';
import type { RunController } from '../runs/run-controller';
import type { RunsTreeProvider } from '../views/runs-tree';
import type { WalkthroughProgress } from '../views/walkthrough-progress';
import type { ExternalLinks } from './external-links';
import type { Prompts } from './prompts';

export interface CommandContext {
  readonly extensionUri: vscode.Uri;
  readonly log: FlowLog;
  readonly runs: RunController;
  readonly runsTree: RunsTreeProvider;
  readonly account: GithubAccount;
  readonly secrets: vscode.SecretStorage;
  /** Quick picks and input boxes (tests answer them). */
  readonly prompts: Prompts;
  /** The first-hour walkthrough, told when a step's event happens. */
  readonly walkthrough: WalkthroughProgress;
  /** Links opened outside VS Code (tests see them). */
  readonly links: ExternalLinks;
  /** The flows' diagram panels (Trace Message draws the message's path on its flow's diagram). */
  readonly diagrams: DiagramPanels;
  /** The components' Messages panels. */
  readonly messages: MessagesPanels;
}

