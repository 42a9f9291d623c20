// The OTLP exporter against a real HTTP receiver: spans posted as OTLP/HTTP JSON to {endpoint}/v1/traces, named and attributed as for Zipkin.
import * as assert from 'node:assert/strict';
import { createTelemetry, telemetryConfigFrom } from '../../../executor/telemetry/telemetry-config';
import { RecordingHttpServer } from './recording-http-server';

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: readonly { readonly key: string; readonly value: { readonly stringValue?: string; readonly intValue?: string | number } }[];
}

describe('OTLP export (OpenTelemetry Collector protocol over HTTP)', () => {
  let receiver: RecordingHttpServer;

  afterEach(() => receiver.stop());

  it('posts each hop\'s spans as OTLP JSON to the endpoint\'s /v1/traces, with the service name', async () => {
    receiver = new RecordingHttpServer(() => ({ status: 200, body: '{}' }));
    const base = (await receiver.start('/')).replace(/\/$/, '');
    const telemetry = createTelemetry(telemetryConfigFrom({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_SERVICE_NAME: 'otlp-test' }));
    const redact = (text: string): string => text;
    const hop = telemetry.startHop({
      runId: '20261202-000000-ab12', connection: 'Orders -> Intake', redact,
      source: { name: 'process orders', kind: 'consumer', attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' } },
      target: { name: 'publish amq.default:intake', kind: 'producer', attributes: { 'messaging.system': 'rabbitmq' } },
    }, { key: 'order-1', value: Buffer.from('{}'), headers: {}, position: 'orders/0@7' }, undefined);
    hop.delivered({ position: '(default)/intake#1' }, false);
    const report = await telemetry.shutdown();
    assert.deepEqual(report, { dropped: 0, exported: 2, destination: `otlp at ${base}/v1/traces` });

    assert.deepEqual(receiver.requests.map((r) => [r.method, r.path, r.headers['content-type']]), [['POST', '/v1/traces', 'application/json']]);
    const body = JSON.parse(receiver.requests[0]!.body) as { resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };
    const resource = body.resourceSpans[0]!;
    assert.equal(resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue, 'otlp-test');
    const spans = resource.scopeSpans.flatMap((s) => s.spans);
    const process = spans.find((s) => s.name === 'process orders')!;
    const send = spans.find((s) => s.name === 'publish amq.default:intake')!;
    assert.equal(send.parentSpanId, process.spanId);
    assert.equal(send.traceId, hop.context.traceId);
    assert.equal(send.spanId, hop.context.spanId);
    assert.equal(process.attributes.find((a) => a.key === 'messaging.destination.name')?.value.stringValue, 'orders');
  });
});
