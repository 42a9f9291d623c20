import * as assert from 'node:assert/strict';
import { traceUrl, tracingEnv } from '../../../client/runs/tracing-settings';

describe('tracing settings for the executor child', () => {
  it('passes nothing when no tracing setting is set, so the variables VS Code has apply', () => {
    assert.deepEqual(tracingEnv({}), {});
  });

  it('passes the exporter, its endpoint under the variable of that exporter, and the service name', () => {
    assert.deepEqual(tracingEnv({ exporter: 'zipkin', endpoint: 'http://zipkin:9411/api/v2/spans', serviceName: 'replays' }), {
      OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans', OTEL_SERVICE_NAME: 'replays',
    });
    assert.deepEqual(tracingEnv({ exporter: 'otlp', endpoint: 'http://collector:4318' }), { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    assert.deepEqual(tracingEnv({ exporter: 'none', endpoint: 'http://collector:4318' }), { OTEL_TRACES_EXPORTER: 'none' });
  });

  it('links a trace through the UI template, or Zipkin\'s /traces path without one', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    assert.equal(traceUrl('http://localhost:16686/trace/${traceId}', id), `http://localhost:16686/trace/${id}`);
    assert.equal(traceUrl('http://zipkin.internal:9411/zipkin/', id), `http://zipkin.internal:9411/zipkin/traces/${id}`);
    assert.equal(traceUrl('', id), `http://localhost:9411/zipkin/traces/${id}`);
  });
});
