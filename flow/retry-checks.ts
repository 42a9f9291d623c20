// Retry checks beyond the schema: an exponential `maxDelay` below its `delay`; a custom `maxAttempts` that disagrees with its `delays`; `retryOn` listing a class never retried.
import { type Diagnostic, DiagnosticSeverity, makeDiagnostic } from './diagnostic';
import { parseDuration } from './durations';
import { NEVER_RETRIED } from './error-classes';
import type { ParsedFlow } from './parse';
import { RETRY_DEFAULTS } from './schema';
import { valueSpanAt } from './yaml-path';

type Path = readonly (string | number)[];

export function checkRetries(parsed: ParsedFlow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const value = parsed.value as { defaults?: { retry?: unknown }; components?: Record<string, { retry?: unknown }> } | null | undefined;
  if (!value || typeof value !== 'object') return diagnostics;
  const retries: [Path, unknown][] = [[['defaults', 'retry'], value.defaults?.retry]];
  const components = value.components && typeof value.components === 'object' ? value.components : {};
  for (const [name, component] of Object.entries(components)) {
    if (component && typeof component === 'object') retries.push([['components', name, 'retry'], component.retry]);
  }
  for (const [path, retry] of retries) {
    if (!retry || typeof retry !== 'object' || Array.isArray(retry)) continue;
    const settings = retry as Record<string, unknown>;
    const strategy = settings.strategy ?? RETRY_DEFAULTS.strategy;
    if (strategy === 'exponential') maxDelayBelowDelay(parsed, path, settings, diagnostics);
    if (strategy === 'custom') attemptsAgainstDelays(parsed, path, settings, diagnostics);
    neverRetried(parsed, path, settings, diagnostics);
  }
  return diagnostics;
}

function maxDelayBelowDelay(parsed: ParsedFlow, path: Path, retry: Record<string, unknown>, diagnostics: Diagnostic[]): void {
  const { delay = RETRY_DEFAULTS.delay, maxDelay } = retry;
  if (maxDelay === undefined) return;
  const delayMs = parseDuration(delay);
  const maxDelayMs = parseDuration(maxDelay);
  if (delayMs === undefined || maxDelayMs === undefined || maxDelayMs >= delayMs) return;
  const span = valueSpanAt(parsed.document, [...path, 'maxDelay']);
  if (!span) return;
  diagnostics.push(makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Error, 'max-delay-below-delay',
    `\`maxDelay\` (${String(maxDelay)}) is below \`delay\` (${String(delay)}); no wait could ever be that short`,
    { delay, maxDelay }));
}

/**
 * A custom schedule waits `delays[i]` before retry i+1, and `maxAttempts` (default: one more than the delays)
 * counts the first attempt too. More attempts than that repeat the last delay; fewer leave delays unused.
 */
function attemptsAgainstDelays(parsed: ParsedFlow, path: Path, retry: Record<string, unknown>, diagnostics: Diagnostic[]): void {
  const { delays, maxAttempts } = retry;
  // An empty or mistyped list, or a maxAttempts below 1, is the schema's to report.
  if (!Array.isArray(delays) || delays.length === 0 || !Number.isInteger(maxAttempts) || (maxAttempts as number) < 1) return;
  const attempts = maxAttempts as number;
  const retries = attempts - 1;
  const plural = (n: number, word: string) => `${n} ${n === 1 ? word : word === 'retry' ? 'retries' : `${word}s`}`;
  if (retries > delays.length) {
    const span = valueSpanAt(parsed.document, [...path, 'maxAttempts']);
    const last = String(delays[delays.length - 1]);
    const again = retries - delays.length === 1 ? `retry ${retries}` : `retries ${delays.length + 1} to ${retries}`;
    if (span) {
      diagnostics.push(makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Warning, 'retry-attempts-beyond-delays',
        `\`maxAttempts: ${attempts}\` allows ${plural(retries, 'retry')} but \`delays\` lists ${plural(delays.length, 'wait')}: the last one (\`${last}\`) is waited again before ${again}`,
        { maxAttempts: attempts, delays: delays.length }));
    }
  } else if (retries < delays.length) {
    const first = valueSpanAt(parsed.document, [...path, 'delays', retries]);
    const lastSpan = valueSpanAt(parsed.document, [...path, 'delays', delays.length - 1]);
    const unused = delays.slice(retries).map((d) => `\`${String(d)}\``).join(', ');
    const used = retries === 0 ? 'no retry, so none of the' : `${plural(retries, 'retry')}, so only the first ${retries === 1 ? '' : `${retries} `}of the`;
    if (first && lastSpan) {
      diagnostics.push(makeDiagnostic(parsed.lines, { start: first.start, end: lastSpan.end }, DiagnosticSeverity.Warning, 'retry-delays-unused',
        `\`maxAttempts: ${attempts}\` allows ${used} ${plural(delays.length, 'delay')} ${retries === 1 ? 'is' : 'are'} used; ${unused} ${delays.length - retries === 1 ? 'is' : 'are'} never waited`,
        { maxAttempts: attempts, delays: delays.length }));
    }
  }
}

/** The schema accepts every error class in `retryOn`; the executor still never retries these, so the entry does nothing. */
function neverRetried(parsed: ParsedFlow, path: Path, retry: Record<string, unknown>, diagnostics: Diagnostic[]): void {
  if (!Array.isArray(retry.retryOn)) return;
  retry.retryOn.forEach((entry, i) => {
    const errorClass = String(entry);
    const why = NEVER_RETRIED.get(errorClass);
    const span = why === undefined ? undefined : valueSpanAt(parsed.document, [...path, 'retryOn', i]);
    if (!span) return;
    diagnostics.push(makeDiagnostic(parsed.lines, span, DiagnosticSeverity.Warning, 'retry-never-retried', `\`${errorClass}\` is never retried: ${why}`, { errorClass }));
  });
}
