// Answers the commands' quick picks and input boxes from a script, and records what each one offered.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { Prompter } from '../../../client/commands/prompts';

export type Prompt =
  | { readonly kind: 'pick' | 'pickMany'; readonly options: vscode.QuickPickOptions; readonly items: readonly vscode.QuickPickItem[] }
  | { readonly kind: 'input'; readonly options: vscode.InputBoxOptions }
  | { readonly kind: 'saveAs'; readonly options: vscode.SaveDialogOptions };

/** One answer per prompt, in order: an item's label (or labels for a multi-pick), typed text, a file's URI, or `undefined` to cancel. */
export type Answer = (prompt: Prompt) => Answered | Promise<Answered>;
type Answered = string | readonly string[] | vscode.Uri | undefined;

export class ScriptedPrompter implements Prompter {
  readonly prompts: Prompt[] = [];

  constructor(private readonly answers: Answer[]) {}

  get unanswered(): number {
    return this.answers.length;
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    const label = await this.next({ kind: 'pick', options, items });
    if (label === undefined) return undefined;
    const item = items.find((i) => i.label === label);
    assert.ok(item, `"${String(label)}" is offered in "${options.title}": ${items.map((i) => i.label).join(', ')}`);
    return item;
  }

  async pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<readonly T[] | undefined> {
    const labels = await this.next({ kind: 'pickMany', options, items });
    if (labels === undefined) return undefined;
    return [labels].flat().map((label) => {
      const item = items.find((i) => i.label === label);
      assert.ok(item, `"${label}" is offered in "${options.title}"`);
      return item;
    });
  }

  async input(options: vscode.InputBoxOptions): Promise<string | undefined> {
    const text = await this.next({ kind: 'input', options });
    assert.ok(typeof text === 'string' || text === undefined, 'an input box is answered with text');
    return text;
  }

  async saveAs(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    const file = await this.next({ kind: 'saveAs', options });
    assert.ok(file === undefined || (typeof file === 'object' && 'fsPath' in file), 'a save dialog is answered with a URI');
    return file;
  }

  private next(prompt: Prompt): Answered | Promise<Answered> {
    this.prompts.push(prompt);
    const answer = this.answers.shift();
    assert.ok(answer, `no answer scripted for "${prompt.options.title}"`);
    return answer(prompt);
  }
}
