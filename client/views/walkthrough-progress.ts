// The "first hour" walkthrough: each step is marked done on the real event (a flow opened, its diagram drawn, a run that
// succeeded, a retry that delivered, a message traced), through the context key its completionEvents wait for.
import * as vscode from 'vscode';
import type { DiagramPanels } from '../diagram/diagram-panels';
import type { RunController } from '../runs/run-controller';

export const WALKTHROUGH_STEPS = ['openedFlow', 'drewDiagram', 'ranFlow', 'retriedComponent', 'tracedMessage'] as const;
export type WalkthroughStep = (typeof WALKTHROUGH_STEPS)[number];

export class WalkthroughProgress {
  private readonly done = new Set<WalkthroughStep>();

  /** Sets `flowtracer.walkthrough.<step>`: the walkthrough's `onContext:` completion event ticks the step. */
  mark(step: WalkthroughStep): void {
    if (this.done.has(step)) return;
    this.done.add(step);
    void vscode.commands.executeCommand('setContext', `flowtracer.walkthrough.${step}`, true);
  }

  /** The steps done in this window, in the walkthrough's order. */
  get completed(): readonly WalkthroughStep[] {
    return WALKTHROUGH_STEPS.filter((s) => this.done.has(s));
  }
}

/** Follows the editor, the diagrams and the runs; the trace step is marked by the Trace Message command itself. */
export function followWalkthrough(progress: WalkthroughProgress, diagrams: DiagramPanels, runs: RunController): vscode.Disposable[] {
  const opened = (editor: vscode.TextEditor | undefined): void => {
    if (editor?.document.languageId === 'flow-yaml') progress.mark('openedFlow');
  };
  opened(vscode.window.activeTextEditor);
  return [
    vscode.window.onDidChangeActiveTextEditor(opened),
    diagrams.onDidAdopt((panel) => panel.onDidReceive((message) => (message.type === 'rendered' && message.nodes > 0 ? progress.mark('drewDiagram') : undefined))),
    runs.onDidFinish(({ command, outcome }) => {
      if (outcome?.status !== 'succeeded') return;
      if (command === 'run') progress.mark('ranFlow');
      else if (command === 'retry') progress.mark('retriedComponent');
    }),
  ];
}
