// Opens links outside VS Code (a trace in Zipkin or Jaeger) through vscode.env.openExternal; the editor tests see them through a seam.
import * as vscode from 'vscode';

export type Opener = (uri: vscode.Uri) => Thenable<boolean>;

/** VS Code's own openExternal unless a test put another opener in. */
export class ExternalLinks {
  private override: Opener | undefined;

  use(opener: Opener | undefined): void {
    this.override = opener;
  }

  open(uri: vscode.Uri): Thenable<boolean> {
    return (this.override ?? vscode.env.openExternal)(uri);
  }
}
