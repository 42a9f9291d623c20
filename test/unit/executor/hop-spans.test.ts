import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { ConnectorError } from '../../../executor/connectors/connector';
import { startRun, type EngineDeps } from '../../../executor/engine';
import { OtelTelemetry } from '../../../executor/telemetry/otel-telemetry';
import { telemetryConfigFrom, TelemetryConfigError } from '../../../executor/telemetry/telemetry-config';
import { parseTraceparent } from '../../../executor/tracing';
import { environmentSecrets } from '../../../executor/values';
import type { ExecutorEvent } from '../../../protocol/executor-events';
import { FakeClock } from './fake-clock';
import { memoryWorld, seed, type MemoryWorld } from './memory-connectors';

const FLOW = join(__dirname, 'fixtures', 'pipeline.flow.yaml');
const SECRET = 'pa55-w0rd-xyz';

describe('hop spans (OpenTelemetry, in-memory exporter)', () => {
  let runsDir: string;
  let world: MemoryWorld;
  let events: ExecutorEvent[];
  let exporter: InMemorySpanExporter;
  let telemetry: OtelTelemetry;
  const deps = (): EngineDeps => ({
    connectors: world.factory, secrets: environmentSecrets({ FLOWTRACER_SECRET_RABBIT_PASSWORD: SECRET }), env: {},
    emit: (e) => events.push(e), runsDir, signal: new AbortController().signal, clock: new FakeClock(), random: () => 0.5, telemetry,
  });
  const spansOf = (traceId: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

  beforeEach(() => {
    runsDir = mkdtempSync(join(tmpdir(), 'ft-runs-'));
    world = memoryWorld();
    events = [];
    exporter = new InMemorySpanExporter();
    telemetry = new OtelTelemetry({ exporter, serviceName: 'flowtracer', destination: 'memory' });
    seed(world, 'Orders', [{ orderId: 1 }, { orderId: 2 }, { orderId: 3 }]);
    seed(world, 'Audit', [{ a: 1 }]);
  });
  afterEach(async () => {
    await telemetry.shutdown();
    rmSync(runsDir, { recursive: true, force: true });
  });

  it('records each hop as a process span and a send span, chained into one trace per message, the sent traceparent being the send span', async () => {
    const result = await startRun(FLOW, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    const sent = parseTraceparent(world.stores.get('OrderQueue')![0]!.headers.traceparent)!;
    const spans = spansOf(sent.traceId);
    assert.deepEqual(spans.map((s) => s.name).sort(), ['process OrderQueue', 'process OrderService reply', 'process Orders', 'send OrderQueue', 'send OrderService', 'send Processed']);
    const byName = new Map(spans.map((s) => [s.name, s]));
    const chain = ['process Orders', 'send OrderQueue', 'process OrderQueue', 'send OrderService', 'process OrderService reply', 'send Processed'].map((n) => byName.get(n)!);
    assert.equal(parentOf(chain[0]!), undefined, 'the message came without a traceparent: a new trace');
    for (let i = 1; i < chain.length; i++) assert.equal(parentOf(chain[i]!), chain[i - 1]!.spanContext().spanId, `${chain[i]!.name} is a child of ${chain[i - 1]!.name}`);
    assert.equal(byName.get('send OrderQueue')!.spanContext().spanId, sent.spanId);
    assert.deepEqual(chain.map((s) => s.kind), [SpanKind.CONSUMER, SpanKind.PRODUCER, SpanKind.CONSUMER, SpanKind.PRODUCER, SpanKind.CONSUMER, SpanKind.PRODUCER]);
    // A consumer span links to the context the message came with.
    assert.deepEqual(byName.get('process OrderQueue')!.links.map((l) => l.context.spanId), [sent.spanId]);
    assert.deepEqual(byName.get('process Orders')!.links, []);
    assert.equal(byName.get('process Orders')!.attributes['flowtracer.connection'], 'Orders -> OrderQueue');
    assert.equal(byName.get('process Orders')!.attributes['flowtracer.run.id'], result.runId);
    assert.equal(byName.get('process Orders')!.attributes['flowtracer.outcome'], 'delivered');
    // The journal's trace id is the exported one.
    const delivered = events.filter((e) => e.type === 'message-delivered' && e.traceId === sent.traceId).map((e) => (e as { connection: string }).connection);
    assert.deepEqual(delivered, ['Orders -> OrderQueue', 'OrderQueue -> OrderService', 'OrderService -> Processed']);
    assert.equal(exporter.getFinishedSpans().length, 3 * 6 + 2, 'every hop of every message, and the audit one');
  });

  it('records retries as events on the send span, and a parked message ends its spans with an error status, secrets masked', async () => {
    world.failing = (component, m) => (component === 'OrderService' && m.key === 'k1' ? new ConnectorError(`HTTP 503 from amqp://guest:${SECRET}@rabbit`, '5xx') : undefined);
    const result = await startRun(FLOW, {}, deps());
    assert.equal(result.parked, 1);
    const parked = events.find((e) => e.type === 'message-parked')!;
    const spans = spansOf((parked as { traceId: string }).traceId);
    const send = spans.find((s) => s.name === 'send OrderService')!;
    const process = spans.find((s) => s.name === 'process OrderQueue')!;
    assert.deepEqual(send.events.map((e) => [e.name, e.attributes!['flowtracer.retry.attempt'], e.attributes!['flowtracer.retry.wait_ms'], e.attributes!['error.type']]), [
      ['retry', 1, 1000, '5xx'], ['retry', 2, 1000, '5xx'],
    ]);
    assert.equal(send.events[0]!.attributes!['exception.message'], 'HTTP 503 from amqp://guest:••••@rabbit');
    for (const span of [send, process]) {
      assert.equal(span.status.code, SpanStatusCode.ERROR, span.name);
      assert.equal(span.attributes['error.type'], '5xx');
      assert.ok(!JSON.stringify(span.status).includes(SECRET) && !JSON.stringify(span.attributes).includes(SECRET));
    }
    assert.equal(process.attributes['flowtracer.outcome'], 'parked');
    assert.ok(!spans.some((s) => s.name === 'process OrderService reply'), 'nothing went downstream of the parked message');
  });

  it('counts the spans an exporter could not take, once per flush', async () => {
    await exporter.shutdown(); // a shut exporter refuses every batch, as a dead collector does
    const result = await startRun(FLOW, {}, deps());
    assert.equal(result.status, 'succeeded', result.error);
    const logs = events.filter((e) => e.type === 'log' && e.message.startsWith('tracing:')).map((e) => (e as { message: string }).message);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /^tracing: 20 spans could not be exported to memory and were dropped/);
  });
});

describe('tracing configuration (OTEL_* variables)', () => {
  it('is off unless OTEL_TRACES_EXPORTER asks for an exporter', () => {
    assert.deepEqual(telemetryConfigFrom({}), { exporter: 'none', endpoint: '', serviceName: 'flowtracer' });
    assert.equal(telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'none' }).exporter, 'none');
    assert.equal(telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_SDK_DISABLED: 'true' }).exporter, 'none');
  });

  it('reads the endpoints and service name, with the standard defaults', () => {
    assert.deepEqual(telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'zipkin' }), { exporter: 'zipkin', endpoint: 'http://localhost:9411/api/v2/spans', serviceName: 'flowtracer' });
    assert.deepEqual(telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans', OTEL_SERVICE_NAME: 'orders-replay' }),
      { exporter: 'zipkin', endpoint: 'http://zipkin:9411/api/v2/spans', serviceName: 'orders-replay' });
    assert.equal(telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'otlp' }).endpoint, 'http://localhost:4318/v1/traces');
    assert.equal(telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).endpoint, 'http://collector:4318/v1/traces');
    assert.equal(telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom' }).endpoint, 'http://collector:4318/custom');
  });

  it('refuses, in a sentence, what it cannot export to', () => {
    assert.throws(() => telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'jaeger' }), (e: unknown) => e instanceof TelemetryConfigError && /one of zipkin, otlp or none/.test(e.message));
    assert.throws(() => telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), TelemetryConfigError);
    assert.throws(() => telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'not a url' }), TelemetryConfigError);
  });
});
