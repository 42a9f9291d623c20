// Messages written in the editor as `.ndjson` lines (no vscode import): a JSON array of messages, one JSON object, or `.ndjson` lines as they are.

/**
 * The `.ndjson` lines a selection or snippet stands for: a JSON array gives one line per item, a
 * single JSON object one line, anything else is taken as `.ndjson` lines (the executor says which
 * line is no message).
 */
export function snippetLines(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n'))) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map((item) => JSON.stringify(item)).join('\n');
      return JSON.stringify(parsed);
    } catch {
      // Not one JSON value: read as lines below.
    }
  }
  if (trimmed.startsWith('{')) {
    try {
      return JSON.stringify(JSON.parse(trimmed));
    } catch {
      // Several lines of objects: .ndjson.
    }
  }
  return trimmed;
}
