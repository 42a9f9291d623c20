// The "FlowTracer" log channel with levels; keeps the text written through it for the editor tests.
import type * as vscode from 'vscode';
import type { LogLine } from '../runs/run-log-lines';

const ORDER: readonly LogLine['level'][] = ['trace', 'debug', 'info', 'warn', 'error'];

export class FlowLog {
  private readonly lines: string[] = [];

  constructor(readonly channel: vscode.LogOutputChannel) {}

  /** The `flowtracer.logLevel` setting: lines below it are not written. */
  minimum: LogLine['level'] = 'info';

  write(line: LogLine): void {
    if (ORDER.indexOf(line.level) < ORDER.indexOf(this.minimum)) return;
    this.lines.push(`[${line.level}] ${line.text}`);
    if (this.lines.length > 5000) this.lines.splice(0, 1000);
    this.channel[line.level](line.text);
  }

  info(text: string): void {
    this.write({ level: 'info', text });
  }

  error(text: string, error?: unknown): void {
    this.write({ level: 'error', text });
    if (error instanceof Error && error.stack) this.channel.debug(error.stack);
  }

  /** Everything written since activation, one `[level] text` per entry. */
  text(): string {
    return this.lines.join('\n');
  }
}
