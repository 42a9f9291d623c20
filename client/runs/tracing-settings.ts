// The `flowtracer.tracing.*` settings as the executor child's OTEL_* variables, and the trace UI's link (no vscode import, so unit-testable).

export type TracingExporter = 'none' | 'zipkin' | 'otlp';

export interface TracingSettings {
  /** Set only when the user chose one: unset, the variables VS Code was started with apply. */
  readonly exporter?: TracingExporter;
  /** The collector's URL (user settings only): Zipkin's spans endpoint, or the OTLP/HTTP base URL. */
  readonly endpoint?: string;
  readonly serviceName?: string;
}

/** Where a trace is shown when `flowtracer.tracing.uiUrl` is not set: a local Zipkin. */
export const DEFAULT_TRACE_UI = 'http://localhost:9411/zipkin/traces/${traceId}';

/** The standard OpenTelemetry variables that carry the settings to the executor. */
export function tracingEnv(settings: TracingSettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.exporter) env.OTEL_TRACES_EXPORTER = settings.exporter;
  const endpoint = settings.endpoint?.trim();
  if (endpoint && settings.exporter === 'zipkin') env.OTEL_EXPORTER_ZIPKIN_ENDPOINT = endpoint;
  if (endpoint && settings.exporter === 'otlp') env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  if (settings.serviceName?.trim()) env.OTEL_SERVICE_NAME = settings.serviceName.trim();
  return env;
}

/** The trace's page: `${traceId}` in the template replaced, else `/traces/<id>` appended (Zipkin's path). */
export function traceUrl(template: string, traceId: string): string {
  const base = template.trim() || DEFAULT_TRACE_UI;
  return base.includes('${traceId}') ? base.split('${traceId}').join(traceId) : `${base.replace(/\/+$/, '')}/traces/${traceId}`;
}
