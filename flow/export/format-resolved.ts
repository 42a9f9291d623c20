// Writes a resolved flow as YAML (block style, the format's key order) or JSON.
import { stringify } from 'yaml';

export const EXPORT_FORMATS = ['yaml', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function formatResolvedFlow(flow: Readonly<Record<string, unknown>>, format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(flow, null, 2)}\n`;
  return stringify(flow, { lineWidth: 0, aliasDuplicateObjects: false });
}
