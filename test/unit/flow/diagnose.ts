// Test support: runs checkFlow on a string and renders each diagnostic as [code, 'line:col-line:col', message].
import { checkFlow, type FlowFileSystem } from '../../../flow/check';

export type Rendered = [code: string, range: string, message: string];

export function diagnose(text: string, options: { path?: string; fs?: FlowFileSystem } = {}): Rendered[] {
  return checkFlow(text, options).diagnostics.map((d) => [
    String(d.code),
    `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
    typeof d.message === 'string' ? d.message : d.message.value,
  ]);
}

export function dataOf(text: string, code: string, options: { path?: string; fs?: FlowFileSystem } = {}): unknown[] {
  return checkFlow(text, options).diagnostics.filter((d) => d.code === code).map((d) => d.data);
}

/** A minimal valid flow with two connected components, to which a test adds its fault. */
export const HEADER = 'flow: demo\ncomponents:\n';
