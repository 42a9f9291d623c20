// Retry checks beyond the schema: an exponential `maxDelay` below its `delay`.
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import { parseDuration } from './durations';
import type { ParsedFlow } from './parse';
import { RETRY_DEFAULTS } from './schema';
import { valueSpanAt } from './yaml-path';

export function checkRetries(parsed: ParsedFlow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const value = parsed.value as { defaults?: { retry?: unknown }; components?: Record<string, { retry?: unknown }> } | null | undefined;
  if (!value || typeof value !== 'object') return diagnostics;
  const retries: [(string | number)[], unknown][] = [[['defaults', 'retry'], value.defaults?.retry]];
  const components = value.components && typeof value.components === 'object' ? value.components : {};
  for (const [name, component] of Object.entries(components)) {
    if (component && typeof component === 'object') retries.push([['components', name, 'retry'], component.retry]);
  }
  for (const [path, retry] of retries) {
    if (!retry || typeof retry !== 'object') continue;
    const { strategy = RETRY_DEFAULTS.strategy, delay, maxDelay } = retry as Record<string, unknown>;
    if (strategy !== 'exponential' || maxDelay === undefined) continue;
    const delayMs = parseDuration(delay ?? RETRY_DEFAULTS.delay);
    const maxDelayMs = parseDuration(maxDelay);
    if (delayMs === undefined || maxDelayMs === undefined || maxDelayMs >= delayMs) continue;
    const span = valueSpanAt(parsed.document, [...path, 'maxDelay']);
    if (!span) continue;
    diagnostics.push(makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Error, 'max-delay-below-delay',
      `\`maxDelay\` (${String(maxDelay)}) is below \`delay\` (${String(delay ?? RETRY_DEFAULTS.delay)}); no wait could ever be that short`,
      { delay: delay ?? RETRY_DEFAULTS.delay, maxDelay }));
  }
  return diagnostics;
}
