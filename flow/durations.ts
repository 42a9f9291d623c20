// Durations as flows write them (`250ms`, `2s`, `5m`, `1h`): parsing to milliseconds.

/** The one duration syntax; the schema's `duration` pattern says the same. */
const DURATION_PATTERN = /^([0-9]+)(ms|s|m|h)$/;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration, or undefined when it does not parse. */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
}

/** Why a written duration does not parse, as a sentence ending in the accepted forms. */
export function durationProblem(text: unknown): string | undefined {
  if (parseDuration(text) !== undefined) return undefined;
  const shown = typeof text === 'string' ? `\`${text}\`` : `\`${JSON.stringify(text)}\``;
  if (typeof text === 'number') return `${shown} has no unit; write a duration such as \`${text}ms\` or \`${text}s\``;
  return `${shown} is not a duration; write a whole number and a unit: \`250ms\`, \`2s\`, \`5m\` or \`1h\``;
}
