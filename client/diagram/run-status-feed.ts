// Paints a run on its flow's diagram while it goes: executor events -> live status -> throttled posts to the panel.
import type * as vscode from 'vscode';
import { LiveRunStatus } from '../runs/live-run-status';
import type { RunEvent } from '../runs/run-controller';
import { Throttle } from '../runs/throttle';
import type { DiagramPanels } from './diagram-panels';

/** A fast run reports thousands of messages a second; the webview repaints at most this often. */
const STATUS_INTERVAL_MS = 150;

interface LiveRun {
  readonly flow: vscode.Uri;
  readonly status: LiveRunStatus;
  readonly throttle: Throttle;
}

/** Follows runs (`onRunEvent`) and shows each one's status on its flow's diagram. */
export function feedRunStatus(onRunEvent: vscode.Event<RunEvent>, diagrams: DiagramPanels, intervalMs = STATUS_INTERVAL_MS): vscode.Disposable {
  let live: LiveRun | undefined;
  const start = (flow: vscode.Uri, status: LiveRunStatus): LiveRun => {
    live?.throttle.cancel();
    const run: LiveRun = { flow, status, throttle: new Throttle(intervalMs, () => diagrams.showRunStatus(flow, status.snapshot())) };
    live = run;
    return run;
  };
  const subscription = onRunEvent(({ flowFile, connections, event }) => {
    const fresh = event.type === 'run-started' || !live || live.flow.toString() !== flowFile.toString();
    const run = fresh ? start(flowFile, new LiveRunStatus(connections)) : live!;
    if (!run.status.apply(event)) return;
    // Start and end are shown at once; everything in between at the throttle's pace.
    if (event.type === 'run-started' || event.type === 'run-finished') run.throttle.flush();
    else run.throttle.request();
  });
  return { dispose: () => (subscription.dispose(), live?.throttle.cancel()) };
}
