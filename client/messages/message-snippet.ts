// Messages written in the editor as `.ndjson` lines (no vscode import): a JSON or YAML list of messages, one JSON or YAML object, or `.ndjson` lines as they are.

/** A YAML reader (the `yaml` package's `parse`, which the client loads lazily). */
export type YamlParse = (text: string) => unknown;

const isMessageLike = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A YAML list of messages or one YAML message as `.ndjson` lines; undefined when the text is no such YAML. */
function yamlLines(text: string, parseYaml: YamlParse): string | undefined {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isMessageLike)) return parsed.map((item) => JSON.stringify(item)).join('\n');
  return isMessageLike(parsed) ? JSON.stringify(parsed) : undefined;
}

/**
 * The `.ndjson` lines a selection or snippet stands for: a JSON array gives one line per item, a
 * single JSON object one line, `.ndjson` lines stay as they are, and with `parseYaml` a YAML list of
 * messages or one YAML message is read too; anything else is taken as lines (the executor says
 * which line is no message).
 */
export function snippetLines(text: string, parseYaml?: YamlParse): string {
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
    return trimmed;
  }
  return (parseYaml && yamlLines(trimmed, parseYaml)) ?? trimmed;
}
