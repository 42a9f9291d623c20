// Round trips of every builder request on every example flow and the dense fixture: minimal diff, valid result, exact undo.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkFlow } from '../../../flow/check';
import { DiagnosticSeverity } from '../../../flow/diagnostic';
import { connectionRefusal } from '../../../flow/edits/connection-edits';
import { editForRequest } from '../../../flow/edits/edit-request';
import { applyEdits, type OffsetEdit } from '../../../flow/edits/text-edit';
import { parseFlow } from '../../../flow/parse';
import { COMPONENT_TYPES as COMPONENT_TYPE_NAMES } from '../../../flow/component-types';
import type { EditRequest } from '../../../protocol/webview-messages';
import { lineDiff } from './line-diff';

const ROOT = resolve(__dirname, '../../..');

/** Every `.flow.yaml` under `dir` (examples keep each flow in its own folder). */
function flowFiles(dir: string): string[] {
  const full = join(ROOT, dir);
  if (!existsSync(full)) return [];
  return (readdirSync(full, { recursive: true }) as string[]).filter((f) => f.endsWith('.flow.yaml') && !f.includes('node_modules')).sort().map((f) => join(dir, f));
}

const FLOWS = [...flowFiles('examples'), ...flowFiles('test/fixtures/valid'), 'test/fixtures/edits/dense.flow.yaml', 'test/unit/diagram/fixtures/order-processing.flow.yaml'];

/** The edits that take the edited text back to the original (what the editor's Undo does). */
function inverse(original: string, edits: readonly OffsetEdit[]): OffsetEdit[] {
  let shift = 0;
  return [...edits].sort((a, b) => a.start - b.start).map((edit) => {
    const start = edit.start + shift;
    shift += edit.newText.length - (edit.end - edit.start);
    return { start, end: start + edit.newText.length, newText: original.slice(edit.start, edit.end) };
  });
}

function errors(text: string): string[] {
  return checkFlow(text).diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => (typeof d.message === 'string' ? d.message : d.message.value)).sort();
}

/** Applies a request; asserts the result parses, adds no errors besides `allowed`, and undoes byte for byte. */
function roundTrip(text: string, request: EditRequest, allowed: readonly string[] = []): string {
  const result = editForRequest(text, request);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  const out = applyEdits(text, result.edits);
  assert.deepEqual(parseFlow(out).yamlDiagnostics, [], `the edited text parses:\n${out}`);
  const before = errors(text);
  assert.deepEqual(errors(out).filter((m) => !before.includes(m)), [...allowed].sort(), `no new errors:\n${out}`);
  assert.equal(applyEdits(out, inverse(text, result.edits)), text, 'undo restores the original byte for byte');
  return out;
}

const PLACEHOLDER_ERRORS: Record<string, string[]> = {
  kafka: ['`brokers` must list at least 1 entry', '`topic` must not be empty'],
  mq: ['`queue` must not be empty', '`url` must not be empty'],
  database: ['`url` must not be empty'],
  service: ['`url` must not be empty'],
  api: ['`url` must not be empty'],
};

for (const file of FLOWS) {
  describe(`builder round trips on ${file}`, () => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const { model } = parseFlow(text);
    const first = model.components[0]!;

    for (const type of COMPONENT_TYPE_NAMES) {
      it(`adds a ${type} component: only its lines are added, its required fields are flagged placeholders`, () => {
        const out = roundTrip(text, { kind: 'addComponent', name: `New${type}`, componentType: type }, PLACEHOLDER_ERRORS[type]);
        const diff = lineDiff(text, out);
        assert.deepEqual(diff.removed, []);
        assert.deepEqual(diff.added.map((l) => l.trim()), [`New${type}:`, `type: ${type}`, ...Object.keys(parseFlow(out).model.components.at(-1)!.props).slice(1).map((k) => `${k}: ${k === 'brokers' ? '[]' : '""'}`)]);
      });
    }

    it('renames a component: only the lines naming it change, and each names the new one', () => {
      const out = roundTrip(text, { kind: 'renameComponent', from: first.name, to: 'Renamed' });
      const diff = lineDiff(text, out);
      assert.ok(diff.removed.length >= 1);
      assert.deepEqual(diff.added, diff.removed.map((line) => line.split(first.name).join('Renamed')));
      assert.ok(parseFlow(out).model.connections.every((c) => c.from !== first.name && c.to !== first.name));
    });

    it('removes a component and its connections: lines are only removed', () => {
      const out = roundTrip(text, { kind: 'removeComponent', name: first.name });
      // Only when no connection is left does `connections:` become `connections: []` (an empty key is invalid).
      const noneLeft = parseFlow(out).model.connections.length === 0;
      assert.deepEqual(lineDiff(text, out).added.map((l) => l.replace(/\s+#.*$/, '')), noneLeft ? ['connections: []'] : []);
      assert.deepEqual(parseFlow(out).model.components.map((c) => c.name), model.components.slice(1).map((c) => c.name));
      assert.equal(parseFlow(out).model.connections.length, model.connections.filter((c) => c.from !== first.name && c.to !== first.name).length);
    });

    it('removes the last connection and nothing else', () => {
      const out = roundTrip(text, { kind: 'removeConnection', index: model.connections.length - 1 });
      const noneLeft = model.connections.length === 1;
      assert.deepEqual(lineDiff(text, out).added.filter((l) => l.trim() !== '').map((l) => l.replace(/\s+#.*$/, '')), noneLeft ? ['connections: []'] : []);
      assert.equal(parseFlow(out).model.connections.length, model.connections.length - 1);
    });

    it('connects the first pair the format allows, adding only the new connection\'s lines', () => {
      const names = model.components.map((c) => c.name);
      const firstPair = (flow: string) => names.flatMap((from) => names.map((to) => [from, to] as const)).find(([from, to]) => connectionRefusal(flow, from, to) === undefined);
      // A flow whose components are all connected already: connect again after removing its last connection.
      const removed = editForRequest(text, { kind: 'removeConnection', index: model.connections.length - 1 });
      const base = firstPair(text) || !removed.ok ? text : applyEdits(text, removed.edits);
      const pair = firstPair(base);
      assert.ok(pair, 'some pair can be connected');
      // A new connection from a database still needs its `select.query`: the one error it may add.
      const source = parseFlow(base).model.components.find((c) => c.name === pair[0]);
      const allowed = source?.type === 'database' ? [`reading from database \`${pair[0]}\` needs \`select.query\`: the SQL whose rows are the messages`] : [];
      const out = roundTrip(base, { kind: 'addConnection', from: pair[0], to: pair[1] }, allowed);
      const diff = lineDiff(base, out);
      // Into `connections: []` the first connection is written in block style, replacing that line.
      const wasEmpty = parseFlow(base).model.connections.length === 0;
      assert.deepEqual(diff.removed.map((l) => l.replace(/\s+#.*$/, '')), wasEmpty ? ['connections: []'] : []);
      assert.deepEqual(diff.added.map((l) => l.replace(/[-{}\s,]/g, '')).join(''), `${wasEmpty ? 'connections:' : ''}from:${pair[0]}to:${pair[1]}`);
    });

    it('sets fields from the form: a new field is one added line, a changed one changes only its line', () => {
      const out = roundTrip(text, { kind: 'setFields', name: first.name, fields: { description: 'Set by the builder' } });
      const diff = lineDiff(text, out);
      const flowStyle = diff.removed.length > 0;
      if (!flowStyle) assert.deepEqual(diff.added.map((l) => l.trim()), ['description: Set by the builder']);
      else assert.deepEqual(diff.added, diff.removed.map((l) => l.replace(/ \}/, ', description: Set by the builder }')));
      const again = roundTrip(out, { kind: 'setFields', name: first.name, fields: { description: 'Changed' } });
      const second = lineDiff(out, again);
      assert.deepEqual(second.added, second.removed.map((l) => l.replace('Set by the builder', 'Changed')));
      const removed = roundTrip(again, { kind: 'setFields', name: first.name, fields: { description: null } });
      assert.equal(removed, text);
    });
  });
}

describe('builder requests refused with a reason', () => {
  const dense = readFileSync(join(ROOT, 'test/fixtures/edits/dense.flow.yaml'), 'utf8');

  it('refuses a duplicate name, an unknown component and a cycle, saying why', () => {
    assert.deepEqual(editForRequest(dense, { kind: 'addComponent', name: 'OrderTopic', componentType: 'kafka' }), { ok: false, reason: 'a component named "OrderTopic" already exists' });
    assert.deepEqual(editForRequest(dense, { kind: 'removeComponent', name: 'Nope' }), { ok: false, reason: 'no component named "Nope"' });
    assert.deepEqual(editForRequest(dense, { kind: 'addConnection', from: 'OrderQueue', to: 'OrderTopic' }), { ok: false, reason: 'connecting "OrderQueue" to "OrderTopic" would make a cycle' });
  });

  it('a new flow from the canvas gets block-style components from its empty `components: {}`', () => {
    const out = roundTrip('flow: new-flow\ncomponents: {}\n', { kind: 'addComponent', name: 'Orders', componentType: 'kafka' }, PLACEHOLDER_ERRORS.kafka);
    assert.equal(out, 'flow: new-flow\ncomponents:\n  Orders:\n    type: kafka\n    brokers: []\n    topic: ""\n');
    const next = roundTrip(out, { kind: 'addComponent', name: 'Queue', componentType: 'mq' }, PLACEHOLDER_ERRORS.mq);
    assert.equal(next, `${out}  Queue:\n    type: mq\n    url: ""\n    queue: ""\n`);
  });
});
