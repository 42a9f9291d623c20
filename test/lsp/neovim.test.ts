// The language server in another editor: the package installed with `npm install -g` as a user would, then headless
// Neovim's own LSP client runs `flowtracer-language-server --stdio` on a real flow (diagnostics, completion, definition,
// references, document symbols, rename applied by Neovim).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { CompletionList, Diagnostic, DocumentSymbol, Location, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';

const REPO = resolve(__dirname, '../..');
const DRIVER = join(__dirname, 'neovim', 'drive-language-server.lua');

interface Driven {
  readonly diagnostics: Diagnostic[];
  readonly answers: Record<string, unknown>;
  readonly errors: string[];
}

/** `[start line, start character, end line, end character]`: ranges as a reader compares them. */
const span = (r: Range): number[] => [r.start.line, r.start.character, r.end.line, r.end.character];

function hasNeovim(): boolean {
  try {
    execFileSync('nvim', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the language server driven by headless Neovim (flowtracer-language-server --stdio)', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let uri: string;
  let lines: string[];
  let driven: Driven;

  /** Where `needle` starts on the first line holding it, plus `offset` characters. */
  const at = (needle: string, offset = 0) => {
    const line = lines.findIndex((l) => l.includes(needle));
    assert.ok(line >= 0, `the flow holds ${needle}`);
    return { line, character: lines[line]!.indexOf(needle) + offset };
  };

  before(function () {
    assert.ok(hasNeovim(), 'nvim is not installed: `apt-get install -y neovim` (.ci/run installs it)');
    assert.ok(existsSync(join(REPO, 'dist', 'server', 'server.js')), 'dist/server/server.js is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'ft-neovim-'));
    // Installed the way the README says: the bin lands in <prefix>/bin, linked to the built bundle.
    const prefix = join(dir, 'prefix');
    execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', REPO], { stdio: 'ignore' });
    // The order-processing example with one typo: `from: OrderQueu`.
    const text = readFileSync(join(REPO, 'test', 'fixtures', 'valid', 'order-processing.flow.yaml'), 'utf8').replace('  - from: OrderQueue\n', '  - from: OrderQueu\n');
    lines = text.split('\n');
    file = join(dir, 'order-processing.flow.yaml');
    uri = `file://${file}`;
    writeFileSync(file, text);
    const spec = {
      file,
      output: join(dir, 'answers.json'),
      cmd: ['flowtracer-language-server', '--stdio'],
      requests: [
        { name: 'completion', method: 'textDocument/completion', params: { position: at('to: OrderDB', 4) } },
        { name: 'definition', method: 'textDocument/definition', params: { position: at('to: OrderService', 6) } },
        { name: 'references', method: 'textDocument/references', params: { position: at('  OrderService:', 4), context: { includeDeclaration: true } } },
        { name: 'symbols', method: 'textDocument/documentSymbol', params: {} },
        { name: 'rename', method: 'textDocument/rename', params: { position: at('to: OrderDB', 5), newName: 'OrdersDB' }, apply: true },
      ],
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    execFileSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${DRIVER}`], {
      env: { ...process.env, FLOWTRACER_NVIM_SPEC: join(dir, 'spec.json'), PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}` },
      stdio: 'ignore',
      timeout: 90_000,
    });
    driven = JSON.parse(readFileSync(spec.output, 'utf8')) as Driven;
    assert.deepEqual(driven.errors, [], 'every request was answered');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('publishes the flow\'s problems with their exact ranges: the misspelt component and the missing schema file', () => {
    assert.deepEqual(driven.diagnostics.map((d) => [d.code, d.severity, span(d.range), d.message]), [
      ['schema-file-missing', 1, [36, 12, 36, 37], `schema file \`schemas/order.schema.json\` does not exist (looked for ${join(dir, 'schemas', 'order.schema.json')})`],
      ['unknown-component', 1, [37, 10, 37, 19], 'unknown component `OrderQueu` in `from`; did you mean `OrderQueue`?'],
    ]);
    assert.equal(lines[37]!.slice(10, 19), 'OrderQueu');
  });

  it('completes the components a connection from OrderService can go to', () => {
    const list = driven.answers['completion'] as CompletionList;
    assert.deepEqual(list.items.map((i) => [i.label, i.detail]), [
      ['OrderTopic', 'kafka · topic orders'],
      ['OrderQueue', 'mq · queue orders'],
      ['OrderDB', 'database · host localhost:5432'],
      ['StatusAPI', 'api · host status.example.com'],
    ]);
  });

  it('goes from a reference to the component\'s definition and finds every reference of it', () => {
    const definition = driven.answers['definition'] as Location[];
    assert.deepEqual(definition.map((l) => [l.uri, span(l.range)]), [[uri, [18, 2, 18, 14]]]);
    const references = driven.answers['references'] as Location[];
    assert.deepEqual(references.map((l) => span(l.range)), [[18, 2, 18, 14], [38, 8, 38, 20], [39, 10, 39, 22], [44, 10, 44, 22]]);
    assert.deepEqual(references.map((l) => lines[l.range.start.line]!.slice(l.range.start.character, l.range.end.character)), Array(4).fill('OrderService'));
  });

  it('lists the components by type and the connections as document symbols', () => {
    const symbols = driven.answers['symbols'] as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => [s.name, (s.children ?? []).map((c) => [c.name, span(c.selectionRange)])]), [
      ['kafka', [['OrderTopic', [9, 2, 9, 12]]]],
      ['mq', [['OrderQueue', [13, 2, 13, 12]]]],
      ['service', [['OrderService', [18, 2, 18, 14]]]],
      ['database', [['OrderDB', [24, 2, 24, 9]]]],
      ['api', [['StatusAPI', [27, 2, 27, 11]]]],
      ['connections', [
        ['OrderTopic → OrderQueue', [33, 10, 33, 20]],
        ['OrderQueu → OrderService', [37, 10, 37, 19]],
        ['OrderService → OrderDB', [39, 10, 39, 22]],
        ['OrderService → StatusAPI', [44, 10, 44, 22]],
      ]],
    ]);
  });

  it('renames a component where it is defined and referenced, and Neovim applies the edit', () => {
    const edit = driven.answers['rename'] as WorkspaceEdit;
    assert.deepEqual(edit.changes?.[uri]?.map((c) => [span(c.range), c.newText]), [[[24, 2, 24, 9], 'OrdersDB'], [[40, 8, 40, 15], 'OrdersDB']]);
    const after = driven.answers['rename applied'] as string[];
    assert.deepEqual([after[24], after[40]], ['  OrdersDB:', '    to: OrdersDB']);
    assert.equal(after.join('\n').includes('OrderDB'), false, 'no OrderDB is left');
  });
});
