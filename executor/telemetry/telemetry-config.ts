// Tracing from the standard OpenTelemetry variables: OTEL_TRACES_EXPORTER=zipkin|otlp|none and its endpoint; off unless asked for.
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { maskUrlPasswords } from '../../flow/secret-mask';
import { NO_TELEMETRY, type Telemetry } from './hop-telemetry';
import { OtelTelemetry } from './otel-telemetry';

export type TracesExporter = 'zipkin' | 'otlp' | 'none';

export interface TelemetryConfig {
  readonly exporter: TracesExporter;
  /** The full URL spans are posted to. */
  readonly endpoint: string;
  readonly serviceName: string;
}

const DEFAULT_SERVICE_NAME = 'flowtracer';
const DEFAULT_ZIPKIN_ENDPOINT = 'http://localhost:9411/api/v2/spans';
const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/** A setting the executor cannot use: tracing stays off, and the sentence says why. */
export class TelemetryConfigError extends Error {}

/** The configuration the variables ask for; `none` (the default) when OTEL_TRACES_EXPORTER is unset or OTEL_SDK_DISABLED is true. */
export function telemetryConfigFrom(env: NodeJS.ProcessEnv): TelemetryConfig {
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME;
  const asked = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim().toLowerCase()).filter((e) => e !== '');
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || asked.length === 0 || asked.includes('none')) return { exporter: 'none', endpoint: '', serviceName };
  const unknown = asked.find((e) => e !== 'zipkin' && e !== 'otlp');
  if (unknown !== undefined || asked.length > 1) {
    throw new TelemetryConfigError(`OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER ?? ''}: FlowTracer exports to one of zipkin, otlp or none; traces are not exported`);
  }
  const exporter = asked[0] as 'zipkin' | 'otlp';
  if (exporter === 'otlp' && env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() === 'grpc') {
    throw new TelemetryConfigError('OTEL_EXPORTER_OTLP_PROTOCOL=grpc: FlowTracer sends OTLP over HTTP (JSON, port 4318); traces are not exported');
  }
  const endpoint = exporter === 'zipkin'
    ? env.OTEL_EXPORTER_ZIPKIN_ENDPOINT?.trim() || DEFAULT_ZIPKIN_ENDPOINT
    : env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || `${(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
  try {
    new URL(endpoint);
  } catch {
    throw new TelemetryConfigError(`${maskUrlPasswords(endpoint)} is not a URL to send ${exporter} spans to; traces are not exported`);
  }
  return { exporter, endpoint, serviceName };
}

/** The process's telemetry for a configuration: spans batched to Zipkin or an OTLP receiver, or none. */
export function createTelemetry(config: TelemetryConfig): Telemetry {
  if (config.exporter === 'none') return NO_TELEMETRY;
  const exporter = config.exporter === 'zipkin'
    ? new ZipkinExporter({ url: config.endpoint, serviceName: config.serviceName })
    : new OTLPTraceExporter({ url: config.endpoint, timeoutMillis: 10_000 });
  return new OtelTelemetry({ exporter, serviceName: config.serviceName, destination: `${config.exporter} at ${maskUrlPasswords(config.endpoint)}` });
}

/** Telemetry from the environment; a setting it cannot use is said once through `warn`, and tracing stays off. */
export function telemetryFromEnv(env: NodeJS.ProcessEnv, warn: (message: string) => void): Telemetry {
  try {
    return createTelemetry(telemetryConfigFrom(env));
  } catch (error) {
    if (!(error instanceof TelemetryConfigError)) throw error;
    warn(error.message);
    return NO_TELEMETRY;
  }
}
