// The host's check of diagram webview messages: every declared message passes, anything else is refused with a reason.
import { strict as assert } from 'node:assert';
import { checkWebviewMessage } from '../../../protocol/webview-message-checks';
import type { WebviewToHost } from '../../../protocol/webview-messages';

const VALID: readonly WebviewToHost[] = [
  { type: 'ready' },
  { type: 'reveal', component: 'Orders' },
  { type: 'rendered', version: 3, nodes: 2, edges: 1, reusedLayout: false, timings: { parse: 1.5, layout: 2, render: 0.5, total: 4 } },
  { type: 'export', format: 'svg', data: '<svg/>' },
  { type: 'export', format: 'png', data: 'data:image/png;base64,AAAA' },
  { type: 'edit', id: 1, request: { kind: 'addComponent', name: 'A', componentType: 'kafka' } },
  { type: 'edit', id: 2, request: { kind: 'removeComponent', name: 'A' } },
  { type: 'edit', id: 3, request: { kind: 'renameComponent', from: 'A', to: 'B' } },
  { type: 'edit', id: 4, request: { kind: 'setFields', name: 'A', fields: { topic: 't', partitions: 3, compact: true, brokers: ['a', 'b'], old: null } } },
  { type: 'edit', id: 5, request: { kind: 'addConnection', from: 'A', to: 'B' } },
  { type: 'edit', id: 6, request: { kind: 'removeConnection', index: 0 } },
  { type: 'error', message: 'the layout failed' },
  { type: 'statusPainted', runId: 'r1', nodes: { A: 'running · 3 ok' }, edges: { 0: '3 messages' } },
  // The webview posts `runId: undefined`, which JSON leaves out.
  { type: 'statusPainted', nodes: {}, edges: {} } as unknown as WebviewToHost,
];

const refused = (value: unknown): string => {
  const checked = checkWebviewMessage(value);
  assert.equal(checked.ok, false, `${JSON.stringify(value)} is refused`);
  return (checked as { reason: string }).reason;
};

describe('webview message checks', () => {
  it('accepts every declared message type', () => {
    for (const message of VALID) assert.deepEqual(checkWebviewMessage(message), { ok: true, message }, JSON.stringify(message));
    const types = new Set(VALID.map((m) => m.type));
    assert.deepEqual([...types].sort(), ['edit', 'error', 'export', 'ready', 'rendered', 'reveal', 'statusPainted']);
  });

  it('refuses what is not an object, and unknown types', () => {
    assert.equal(refused(null), 'the message is not an object');
    assert.equal(refused('ready'), 'the message is not an object');
    assert.equal(refused([{ type: 'ready' }]), 'the message is not an object');
    assert.equal(refused({ type: 'runFlow' }), 'unknown message type "runFlow"');
    assert.equal(refused({}), 'unknown message type (undefined)');
    assert.equal(refused({ type: 7 }), 'unknown message type (number)');
    assert.equal(refused({ type: 'toString' }), 'unknown message type "toString"');
    assert.equal(refused({ type: '__proto__' }), 'unknown message type "__proto__"');
  });

  it('refuses a declared type with a missing, mistyped or undeclared field, naming it', () => {
    assert.equal(refused({ type: 'reveal' }), 'reveal.component is not a string');
    assert.equal(refused({ type: 'reveal', component: { toString: 'x' } }), 'reveal.component is not a string');
    assert.equal(refused({ type: 'ready', command: 'rm -rf' }), 'ready has an undeclared field "command"');
    assert.equal(refused({ type: 'ready', toString: 'x' }), 'ready has an undeclared field "toString"');
    assert.equal(refused({ type: 'ready', ['x'.repeat(100)]: 1 }), `ready has an undeclared field "${'x'.repeat(60)}…"`);
    assert.equal(refused({ type: 'export', format: 'html', data: '<script>' }), 'export.format is not one of svg, png');
    assert.equal(refused({ type: 'error', message: 42 }), 'error.message is not a string');
    assert.equal(refused({ type: 'rendered', version: 1, nodes: 1, edges: 0, reusedLayout: 'no', timings: { parse: 0, layout: 0, render: 0, total: 0 } }), 'rendered.reusedLayout is not true or false');
    assert.equal(refused({ type: 'rendered', version: 1, nodes: 1, edges: 0, reusedLayout: true, timings: { parse: 0, layout: 0, render: 0 } }), 'rendered.timings.total is not a number');
    assert.equal(refused({ type: 'statusPainted', nodes: { A: 1 }, edges: {} }), 'statusPainted.nodes.A is not a string');
    assert.equal(refused({ type: 'statusPainted', nodes: {}, edges: { x: 'y' } }), 'statusPainted.edges has a key "x" that is not a connection index');
  });

  it('refuses malformed edit requests', () => {
    assert.equal(refused({ type: 'edit', id: 1 }), 'edit.request is not an object');
    assert.equal(refused({ type: 'edit', id: -1, request: { kind: 'removeComponent', name: 'A' } }), 'edit.id is not a whole number');
    assert.equal(refused({ type: 'edit', id: 1, request: { kind: 'writeFile', path: '/etc/passwd' } }), 'edit.request.kind is not a known edit (addComponent, removeComponent, renameComponent, setFields, addConnection, removeConnection)');
    assert.equal(refused({ type: 'edit', id: 1, request: { kind: 'removeConnection', index: 1.5 } }), 'edit.request.index is not a whole number');
    assert.equal(refused({ type: 'edit', id: 1, request: { kind: 'setFields', name: 'A', fields: { x: { nested: true } } } }), 'edit.request.fields.x is not a string, number, boolean, list of strings or null');
    assert.equal(refused({ type: 'edit', id: 1, request: { kind: 'setFields', name: 'A', fields: { x: [1] } } }), 'edit.request.fields.x is not a string, number, boolean, list of strings or null');
    assert.equal(refused({ type: 'edit', id: 1, request: { kind: 'renameComponent', from: 'A', to: 'B', extra: 1 } }), 'edit.request has an undeclared field "extra"');
  });
});
