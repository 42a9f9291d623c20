// Workspace trust: nothing runs or connects in an untrusted workspace; trying says why and offers a way out.
import * as vscode from 'vscode';

export interface TrustGate {
  /** True when running is allowed; otherwise tells the user and returns false. */
  allowRun(): Promise<boolean>;
}

/** `isTrusted` is injectable so the editor tests can exercise the refusal (the harness opens trusted folders). */
export function createTrustGate(isTrusted: () => boolean = () => vscode.workspace.isTrusted): TrustGate {
  return {
    async allowRun() {
      if (isTrusted()) return true;
      const manage = 'Manage Workspace Trust';
      void vscode.window
        .showWarningMessage('FlowTracer does not run flows or connect anywhere in an untrusted workspace; trust this folder to run it.', manage)
        .then((choice) => (choice === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
      return false;
    },
  };
}
