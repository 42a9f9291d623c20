// Document symbols: components grouped by type, connections as `A → B`.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentSymbol, Range, SymbolKind } from 'vscode-languageserver-types';
import { inferKind } from '../../flow/component-types';
import type { FlowModel, TextSpan } from '../../flow/model';
import { flowSchema, type FlowSchema } from '../../flow/schema';
import { componentNamed } from './component-lookup';

export function findDocumentSymbols(document: TextDocument, model: FlowModel, root: FlowSchema = flowSchema): DocumentSymbol[] {
  const text = document.getText();
  const range = (span: TextSpan): Range => {
    // Spans of flow collections may run over the line break; symbols end at the last character.
    let end = span.end;
    while (end > span.start && /\s/.test(text[end - 1] ?? '')) end--;
    return Range.create(document.positionAt(span.start), document.positionAt(end));
  };
  const byType = new Map<string, DocumentSymbol[]>();
  for (const component of model.components) {
    const type = component.type ?? 'untyped';
    const symbol = DocumentSymbol.create(component.name, type, SymbolKind.Object, range(component.span), range(component.nameSpan));
    byType.set(type, [...(byType.get(type) ?? []), symbol]);
  }
  const symbols: DocumentSymbol[] = [];
  for (const [type, children] of byType) {
    const start = children[0]!.range.start;
    const end = children[children.length - 1]!.range.end;
    symbols.push(DocumentSymbol.create(type, `${children.length} component${children.length === 1 ? '' : 's'}`, SymbolKind.Namespace, Range.create(start, end), Range.create(start, start), children));
  }
  const connections = model.connections.map((connection) => {
    const name = `${connection.from ?? '?'} → ${connection.to ?? '?'}`;
    const selection = connection.fromSpan ?? connection.span;
    const kind = connection.kind ?? inferKind(componentNamed(model, connection.from)?.type, componentNamed(model, connection.to)?.type, root);
    return DocumentSymbol.create(name, kind ?? '', SymbolKind.Event, range(connection.span), range(selection));
  });
  if (connections.length) {
    const start = connections[0]!.range.start;
    symbols.push(DocumentSymbol.create('connections', `${connections.length}`, SymbolKind.Array, Range.create(start, connections[connections.length - 1]!.range.end), Range.create(start, start), connections));
  }
  return symbols;
}
