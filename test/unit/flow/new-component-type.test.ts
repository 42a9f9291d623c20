// A new component type is a schema entry: a copy of the schema with `nats` (and its compiled validator) is enough for checks, completion, hover, symbols, the diagram and New Flow.
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver-types';
import { generateFlow } from '../../../client/new-flow/flow-template';
import { CONNECTORS } from '../../../executor/connectors/registry';
import { checkFlow } from '../../../flow/check';
import { COMPONENT_TYPES, ComponentFactsError, componentTypes } from '../../../flow/component-types';
import { compileFlowSchema } from '../../../flow/flow-schema-validator';
import { parseFlow } from '../../../flow/parse';
import { flowSchema, type FlowSchema, type JsonSchema } from '../../../flow/schema';
import { useFlowSchemaValidator } from '../../../flow/schema-validation';
import { getFlowLanguageService } from '../../../server/language-service';
import { flowToDiagram } from '../../../webview/graph/flow-to-diagram';
import { diagramToElk } from '../../../webview/graph/flow-to-elk';

const SUBJECT_DOC = 'The NATS subject the component reads from or publishes to.';

/** The shipped schema plus a `nats` type: its definition (with its x-flowtracer facts), the type enum and the validation branch. */
function withNats(): FlowSchema {
  const schema = structuredClone(flowSchema) as FlowSchema & { definitions: Record<string, JsonSchema> };
  const shared = schema.definitions.kafkaComponent!.properties!;
  schema.definitions.natsComponent = {
    type: 'object',
    required: ['type', 'url', 'subject'],
    additionalProperties: false,
    properties: {
      type: { const: 'nats', description: 'A NATS subject.' },
      url: { type: 'string', minLength: 1, description: 'The NATS server, `nats://host:4222`.' } as JsonSchema,
      subject: { type: 'string', minLength: 1, description: SUBJECT_DOC, markdownDescription: `${SUBJECT_DOC}\n\nExample:\n\`\`\`yaml\nsubject: orders\n\`\`\`` } as JsonSchema,
      description: shared.description!,
      secret: shared.secret!,
      retry: shared.retry!,
      validation: shared.validation!,
    },
    'x-flowtracer': {
      family: 'broker',
      noun: 'Subject',
      headline: ['subject'],
      select: { fields: ['limit'] },
      template: { component: ['type: nats              # NATS core', 'url: nats://localhost:4222', 'subject: {{kebab}}'] },
    },
  };
  const component = schema.definitions.component as { properties: { type: { enum: string[] } }; allOf: unknown[] };
  component.properties.type.enum.push('nats');
  component.allOf.push({ if: { properties: { type: { const: 'nats' } }, required: ['type'] }, then: { $ref: '#/definitions/natsComponent' } });
  // The shipped schema's validator is precompiled into the bundles (esbuild.mjs); a copy gets its own.
  useFlowSchemaValidator(schema, compileFlowSchema(schema));
  return schema;
}

const NATS_FLOW = `flow: orders
components:
  Orders:
    type: nats
    url: nats://localhost:4222
    subject: orders
  OrderTopic:
    type: kafka
    brokers: ["localhost:9092"]
    topic: orders
connections:
  - from: Orders
    to: OrderTopic
    select: { limit: 10 }
`;

let version = 0;
function documentAt(textWithCaret: string) {
  const offset = textWithCaret.indexOf('|');
  const text = textWithCaret.slice(0, offset) + textWithCaret.slice(offset + 1);
  const document = TextDocument.create('test://test/nats.flow.yaml', 'flow-yaml', version++, text);
  return { document, position: document.positionAt(offset) };
}

const labels = (items: readonly CompletionItem[]) => items.map((item) => item.label);

describe('a new component type from the schema alone', () => {
  const nats = withNats();
  const service = getFlowLanguageService({ fs: { exists: () => true }, schema: nats });

  it('reads the new type\'s facts, and the shipped schema does not know it', () => {
    assert.deepEqual(componentTypes(nats).names, [...COMPONENT_TYPES, 'nats']);
    assert.equal(componentTypes(nats).inferKind('nats', 'kafka'), 'nats-to-kafka');
    assert.equal(componentTypes(nats).inferKind('nats', 'service'), 'processing');
    assert.equal(componentTypes().facts('nats'), undefined);
  });

  it('validates a flow with the type against the copy, as the shipped schema refuses it', () => {
    const shipped = checkFlow(NATS_FLOW).diagnostics.map((d) => d.code);
    assert.ok(shipped.includes('invalid-value'), shipped.join());
    assert.deepEqual(checkFlow(NATS_FLOW, { schema: nats }).diagnostics.map((d) => `${d.code}: ${d.message}`), []);
    assert.deepEqual(service.doValidation(documentAt(`${NATS_FLOW}|`).document).map((d) => d.code), []);
  });

  it('reports select fields the type does not read', () => {
    const text = NATS_FLOW.replace('select: { limit: 10 }', 'select: { limit: 10, query: "x" }');
    assert.deepEqual(checkFlow(text, { schema: nats }).diagnostics.map((d) => `${d.code}: ${d.message}`), [
      'select-field-not-applicable: `select.query` does not apply to a nats source; it takes `limit`',
    ]);
  });

  it('completes the new component\'s snippet, its type name and its keys', () => {
    const components = service.doComplete(documentAt('flow: f\ncomponents:\n  |').document, documentAt('flow: f\ncomponents:\n  |').position).items;
    const snippet = components.find((item) => item.label === 'nats component');
    assert.equal((snippet?.textEdit as { newText: string } | undefined)?.newText, '${1:NewSubject}:\n    type: nats\n    url: ${2:url}\n    subject: ${3:subject}');
    const type = documentAt('flow: f\ncomponents:\n  A:\n    type: |');
    assert.ok(labels(service.doComplete(type.document, type.position).items).includes('nats'));
    const keys = documentAt('flow: f\ncomponents:\n  A:\n    type: nats\n    |');
    assert.deepEqual(labels(service.doComplete(keys.document, keys.position).items).filter((l) => l === 'subject' || l === 'url' || l === 'topic'), ['url', 'subject']);
  });

  it('completes only the select fields the type reads, and the kind it infers', () => {
    const select = documentAt(NATS_FLOW.replace('select: { limit: 10 }', 'select:\n      |'));
    assert.deepEqual(labels(service.doComplete(select.document, select.position).items), ['limit']);
    const kind = documentAt(NATS_FLOW.replace('select: { limit: 10 }', 'kind: |'));
    assert.deepEqual(labels(service.doComplete(kind.document, kind.position).items), ['nats-to-kafka']);
  });

  it('hovers the new type\'s keys with their docs, and connections with their kind', () => {
    const key = documentAt(NATS_FLOW.replace('    subject: orders', '    sub|ject: orders'));
    const hover = service.doHover(key.document, key.position);
    assert.match((hover?.contents as MarkupContent).value, /^\*\*subject\*\* \(required\)\n\nThe NATS subject the component reads from or publishes to\./);
    const end = documentAt(NATS_FLOW.replace('  - from: Orders', '  - from: Ord|ers'));
    assert.match((service.doHover(end.document, end.position)?.contents as MarkupContent).value, /Connection kind: `nats-to-kafka` \(inferred\)/);
  });

  it('names its connections in the document symbols', () => {
    const symbols = service.findDocumentSymbols(documentAt(`${NATS_FLOW}|`).document);
    assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [['nats', '1 component'], ['kafka', '1 component'], ['connections', '1']]);
    assert.equal(symbols[2]!.children![0]!.detail, 'nats-to-kafka');
  });

  it('draws it as a typed node with its headline setting, and the edge with its kind', () => {
    const model = parseFlow(NATS_FLOW).model;
    const diagram = flowToDiagram(model, nats);
    assert.deepEqual(diagram.nodes.map((n) => [n.name, n.type, n.keySetting]), [['Orders', 'nats', 'subject orders'], ['OrderTopic', 'kafka', 'topic orders']]);
    assert.deepEqual(diagram.edges.map((e) => e.label), ['nats-to-kafka']);
    assert.deepEqual(diagramToElk(diagram).edges!.map((e) => e.labels?.[0]?.text), ['nats-to-kafka']);
    assert.deepEqual(flowToDiagram(model).nodes.map((n) => [n.name, n.type]), [['Orders', undefined], ['OrderTopic', 'kafka']]);
    assert.deepEqual(flowToDiagram(model).edges.map((e) => e.label), ['?']);
  });

  it('generates a New Flow with the type\'s template lines that the copy accepts', () => {
    const text = generateFlow({ id: 'pair', components: [{ name: 'OrderEvents', type: 'nats' }, { name: 'Target', type: 'kafka' }], connections: [{ from: 'OrderEvents', to: 'Target' }] }, nats);
    assert.match(text, /\n {2}OrderEvents:\n {4}type: nats {14}# NATS core\n {4}url: nats:\/\/localhost:4222\n {4}subject: order-events\n/);
    assert.deepEqual(checkFlow(text, { path: '/w/pair.flow.yaml', schema: nats }).diagnostics.map((d) => `${d.code}: ${d.message}`), []);
  });

  it('refuses a type definition without its facts, naming the type', () => {
    const schema = withNats() as FlowSchema & { definitions: Record<string, { 'x-flowtracer'?: unknown }> };
    delete schema.definitions.natsComponent!['x-flowtracer'];
    assert.throws(() => componentTypes(schema), (error: unknown) => error instanceof ComponentFactsError && /component type `nats`: x-flowtracer is missing/.test(error.message));
  });

  it('infers, for every pair of the shipped types, a kind the schema lets a connection write', () => {
    const kinds = COMPONENT_TYPES.flatMap((from) => COMPONENT_TYPES.map((to) => componentTypes().inferKind(from, to)));
    assert.deepEqual(kinds.filter((kind) => kind === undefined || !componentTypes().kinds.includes(kind)), []);
  });

  it('has a connector for every type of the shipped schema (a new type also needs one)', () => {
    assert.deepEqual(Object.keys(CONNECTORS), [...COMPONENT_TYPES]);
    assert.equal(Object.hasOwn(CONNECTORS, 'nats'), false);
  });
});
