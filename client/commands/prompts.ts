// The quick picks, input boxes and save dialogs commands ask through; the editor tests answer them through a seam (code-server cannot type into them).
import * as vscode from 'vscode';

export interface Prompter {
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<readonly T[] | undefined>;
  input(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  saveAs(options: vscode.SaveDialogOptions): Thenable<vscode.Uri | undefined>;
}

const VSCODE_PROMPTER: Prompter = {
  pick: (items, options) => vscode.window.showQuickPick(items, { ...options, canPickMany: false }),
  pickMany: (items, options) => vscode.window.showQuickPick(items, { ...options, canPickMany: true }),
  input: (options) => vscode.window.showInputBox(options),
  saveAs: (options) => vscode.window.showSaveDialog(options),
};

/** VS Code's own quick input unless a test put another prompter in. */
export class Prompts implements Prompter {
  private override: Prompter | undefined;

  use(prompter: Prompter | undefined): void {
    this.override = prompter;
  }

  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined> {
    return (this.override ?? VSCODE_PROMPTER).pick(items, options);
  }

  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<readonly T[] | undefined> {
    return (this.override ?? VSCODE_PROMPTER).pickMany(items, options);
  }

  input(options: vscode.InputBoxOptions): Thenable<string | undefined> {
    return (this.override ?? VSCODE_PROMPTER).input(options);
  }

  saveAs(options: vscode.SaveDialogOptions): Thenable<vscode.Uri | undefined> {
    return (this.override ?? VSCODE_PROMPTER).saveAs(options);
  }
}
