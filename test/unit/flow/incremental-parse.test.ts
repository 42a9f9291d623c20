import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import { checkFlow } from '../../../flow/check';
import { FlowParseSession } from '../../../flow/incremental-parse';
import { parseFlow, type ParsedFlow } from '../../../flow/parse';
import { splitFlowText } from '../../../flow/yaml-chunks';
import { mutations, pick, random, typing } from '../flow-mutations';
import { largeFlow } from './large-flow';

/** Every node as (class, range, scalar value and style, collection style, children): what the features read. */
function shape(node: unknown): unknown {
  if (isPair(node)) return { key: shape(node.key), value: shape(node.value) };
  if (node === null || node === undefined || typeof node !== 'object') return node;
  const base = { class: node.constructor.name, range: (node as { range?: unknown }).range };
  if (isScalar(node)) return { ...base, value: node.value, type: node.type };
  if (isMap(node) || isSeq(node)) return { ...base, flow: Boolean(node.flow), items: (node.items as unknown[]).map(shape) };
  return { ...base, source: (node as { source?: unknown }).source };
}

/** The session's parse must be the whole-text parse, part for part. */
function assertSameParse(incremental: ParsedFlow, whole: ParsedFlow, what: string): void {
  assert.deepEqual(shape(incremental.document.contents), shape(whole.document.contents), `${what}: yaml nodes`);
  assert.deepEqual(incremental.yamlDiagnostics, whole.yamlDiagnostics, `${what}: YAML diagnostics`);
  assert.deepEqual(incremental.model, whole.model, `${what}: model`);
  assert.deepEqual(incremental.value, whole.value, `${what}: value`);
}

const fixtures = join(__dirname, '../../fixtures');
const examples = join(__dirname, '../../../examples');
const corpus = [
  ...['valid', 'invalid', 'edits'].flatMap((dir) =>
    readdirSync(join(fixtures, dir)).filter((f) => f.endsWith('.flow.yaml')).map((f) => readFileSync(join(fixtures, dir, f), 'utf8'))),
  ...readdirSync(examples, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) =>
    readdirSync(join(examples, d.name)).filter((f) => f.endsWith('.flow.yaml')).map((f) => readFileSync(join(examples, d.name, f), 'utf8'))),
  largeFlow(12, 16),
];

describe('FlowParseSession: incremental parse of successive versions', () => {
  it('gives exactly the whole-text parse (nodes, ranges, diagnostics, model) over 1,500 seeded edit chains', function () {
    this.timeout(120_000);
    const next = random(20261130);
    const edits = { ...typing, ...mutations };
    const names = Object.keys(edits);
    let composed = 0;
    let clean = 0;
    const reasons = new Map<string, number>();
    for (let chain = 0; chain < 100; chain++) {
      const session = new FlowParseSession();
      let text = corpus[chain % corpus.length]!;
      for (let step = 0; step < 15; step++) {
        const edit = step === 0 ? undefined : names[pick(next, step % 3 === 0 ? names.length : Object.keys(typing).length)]!;
        if (edit) text = edits[edit]!(text, next);
        const what = `chain ${chain} step ${step} (${edit ?? 'open'})`;
        const incremental = session.parse(text);
        const whole = parseFlow(text);
        if (whole.yamlDiagnostics.length === 0) {
          clean++;
          if (session.lastStats.fallback === undefined) composed++;
          else reasons.set(session.lastStats.fallback, (reasons.get(session.lastStats.fallback) ?? 0) + 1);
        }
        assertSameParse(incremental, whole, what);
      }
    }
    // Most readable versions must have been composed from chunks, or this test would only compare the fallback with itself.
    console.log(`      ${composed} of ${clean} versions without YAML errors were composed from chunks; the others: ${JSON.stringify(Object.fromEntries(reasons))}`);
    assert.ok(composed > clean * 0.75, `only ${composed} of ${clean} versions without YAML errors were composed from chunks`);
  });

  it('reports the same diagnostics through checkFlow with and without a session', () => {
    const session = new FlowParseSession();
    let text = corpus.find((t) => t.includes('connections:'))!;
    const next = random(7);
    for (let step = 0; step < 200; step++) {
      text = Object.values(typing)[step % 4]!(text, next);
      assert.deepEqual(checkFlow(text, { session }).diagnostics, checkFlow(text).diagnostics, `step ${step}`);
    }
  });

  it('re-reads only the component that changed, and moves the ranges of the ones after it', () => {
    const session = new FlowParseSession();
    const text = largeFlow(200, 300);
    session.parse(text);
    const edited = text.replace('    topic: topic-0\n', '    topic: topic-0-renamed\n');
    const parsed = session.parse(edited);
    assert.equal(session.lastStats.parsedChunks, 1);
    assert.ok(session.lastStats.reusedChunks > 500, `reused ${session.lastStats.reusedChunks}`);
    const last = parsed.model.components[parsed.model.components.length - 1]!;
    assert.equal(edited.slice(last.nameSpan.start, last.nameSpan.end), 'C199');
    assertSameParse(parsed, parseFlow(edited), 'after the edit');
  });

  it('keeps two identical connections apart (each its own nodes and ranges)', () => {
    const session = new FlowParseSession();
    const text = 'flow: twins\ncomponents:\n  A:\n    type: mq\n    queue: a\n  B:\n    type: mq\n    queue: b\nconnections:\n  - from: A\n    to: B\n  - from: A\n    to: B\n';
    session.parse(text);
    const edited = text.replace('queue: a', 'queue: aa');
    const parsed = session.parse(edited);
    const [first, second] = parsed.model.connections;
    assert.notEqual(first!.span.start, second!.span.start);
    assertSameParse(parsed, parseFlow(edited), 'twins');
  });

  for (const [name, text] of Object.entries({
    'an anchor used in another component': 'flow: a\ncomponents:\n  A: &base\n    type: mq\n    queue: a\n  B: *base\n',
    'a duplicate component name': 'flow: a\ncomponents:\n  A:\n    type: mq\n    queue: a\n  A:\n    type: mq\n    queue: b\n',
    'a duplicate top-level key': 'flow: a\nflow: b\ncomponents: {}\n',
    'flow-style components': 'flow: a\ncomponents: { A: { type: mq, queue: a } }\n',
    'a document marker': '---\nflow: a\ncomponents:\n  A:\n    type: mq\n    queue: a\n',
    'CRLF line ends': 'flow: a\r\ncomponents:\r\n  A:\r\n    type: mq\r\n    queue: a\r\nconnections:\r\n  - from: A\r\n    to: A\r\n',
    'comments between components at column 0': 'flow: a\ncomponents:\n  A:\n    type: mq\n# note\n    queue: a\n  # c\n  B:\n    type: mq\n    queue: b\n',
    'an indentless connection list': 'flow: a\ncomponents:\n  A:\n    type: mq\n    queue: a\nconnections:\n- from: A\n  to: A\n- from: A\n  to: A\n',
    'a tab': 'flow: a\ncomponents:\n\tA:\n    type: mq\n',
  })) {
    it(`parses ${name} exactly as the whole text`, () => {
      const session = new FlowParseSession();
      assertSameParse(session.parse(text), parseFlow(text), name);
      const edited = `${text}# edited\n`;
      assertSameParse(session.parse(edited), parseFlow(edited), `${name}, edited`);
    });
  }
});

describe('splitFlowText', () => {
  it('splits top-level entries, components and connections at their first lines', () => {
    const text = '# head\nflow: a\ncomponents:\n  A:\n    type: mq\n  B:\n    type: mq\nconnections:\n  - from: A\n    to: B\n';
    const entries = splitFlowText(text)!;
    const slices = entries.map((e) => e.split ? [text.slice(e.split.header.start, e.split.header.end), ...e.split.items.map((i) => text.slice(i.start, i.end))] : text.slice(e.span.start, e.span.end));
    assert.deepEqual(slices, [
      '# head\nflow: a\n',
      ['components:\n', '  A:\n    type: mq\n', '  B:\n    type: mq\n'],
      ['connections:\n', '  - from: A\n    to: B\n'],
    ]);
  });

  it('declines layouts it cannot split safely', () => {
    for (const text of ['%YAML 1.2\n---\nflow: a\n', '- a\n- b\n', '{ flow: a }\n', 'flow: a\r components: {}\n', '? complex\n: key\n']) {
      assert.equal(splitFlowText(text), undefined, JSON.stringify(text));
    }
  });
});
