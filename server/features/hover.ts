// Hover: a key's docs; on a component reference its type and main settings (secrets masked); a connection's kind.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { MarkupKind, Range, type Hover, type Position } from 'vscode-languageserver-types';
import { isScalar } from 'yaml';
import type { CheckedFlow } from '../../flow/check';
import { inferKind } from '../../flow/component-types';
import type { FlowComponent, FlowModel } from '../../flow/model';
import { flowSchema, type FlowSchema } from '../../flow/schema';
import { componentNamed } from './component-lookup';
import { propertiesAt } from './flow-vocabulary';
import { isSecretComponent } from '../../flow/secret-mask';
import { maskedSetting } from './secret-mask';
import { nodeAt } from './yaml-node-at';

const SHOWN_LATER = new Set(['type', 'description', 'retry']);

/** `root`: the flow schema whose docs and types are shown (default: the shipped one). */
export function doHover(document: TextDocument, position: Position, checked: CheckedFlow, root: FlowSchema = flowSchema): Hover | null {
  const { document: yaml, model } = checked.parsed;
  const found = nodeAt(yaml, document.offsetAt(position));
  if (!found?.scalar) return null;
  const range = found.scalar.range;
  if (!range) return null;
  const hoverRange = Range.create(document.positionAt(range[0]), document.positionAt(range[1]));
  const connectionIndex = found.path[0] === 'connections' && typeof found.path[1] === 'number' ? found.path[1] : undefined;

  if (found.on === 'key' && isScalar(found.pair?.key)) {
    const key = String(found.pair.key.value);
    if (found.path.length === 1 && found.path[0] === 'components') return markdown(componentSummary(componentNamed(model, key)), hoverRange);
    const componentType = found.path[0] === 'components' ? componentNamed(model, String(found.path[1]))?.type : undefined;
    const property = propertiesAt(found.path, componentType, root)?.find((candidate) => candidate.name === key);
    const parts = property ? [`**${key}**${property.required ? ' (required)' : ''}`, property.doc] : [];
    if (connectionIndex !== undefined && found.path.length === 2) parts.push(kindLine(model, connectionIndex, root));
    return parts.length ? markdown(parts.join('\n\n'), hoverRange) : null;
  }
  if (found.on === 'value' && connectionIndex !== undefined && found.path.length === 3) {
    const key = found.path[2];
    if (key === 'from' || key === 'to') {
      const summary = componentSummary(componentNamed(model, String((found.scalar as { value?: unknown }).value)));
      return markdown([summary, kindLine(model, connectionIndex, root)].join('\n\n'), hoverRange);
    }
    if (key === 'kind') return markdown(kindLine(model, connectionIndex, root), hoverRange);
  }
  return null;
}

function markdown(value: string, range: Range): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

function kindLine(model: FlowModel, index: number, root: FlowSchema): string {
  const connection = model.connections[index];
  const inferred = inferKind(componentNamed(model, connection?.from)?.type, componentNamed(model, connection?.to)?.type, root);
  if (!inferred) return 'Connection kind: unknown until both ends name components';
  return connection?.kind ? `Connection kind: \`${connection.kind}\` (inferred: \`${inferred}\`)` : `Connection kind: \`${inferred}\` (inferred)`;
}

function componentSummary(component: FlowComponent | undefined): string {
  if (!component) return 'Unknown component';
  const lines = [`**${component.name}** · \`${component.type ?? 'untyped'}\``];
  if (typeof component.props.description === 'string') lines.push(component.props.description);
  const settings = Object.entries(component.props)
    .filter(([key]) => !SHOWN_LATER.has(key))
    .map(([key, value]) => `- \`${key}\`: ${maskedSetting(key, value, isSecretComponent(component.props))}`);
  if (settings.length) lines.push(settings.join('\n'));
  return lines.join('\n\n');
}
