// Builds a language service and documents from strings with a `|` caret marker, as the service tests feed them.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver-types';
import { getFlowLanguageService } from '../../../server/language-service';

export const service = getFlowLanguageService({ fs: { exists: () => true } });

let version = 0;

/** A document of `text` (the caret marker removed) and the caret's position. */
export function documentAt(textWithCaret: string): { document: TextDocument; position: Position } {
  const offset = textWithCaret.indexOf('|');
  const text = offset < 0 ? textWithCaret : textWithCaret.slice(0, offset) + textWithCaret.slice(offset + 1);
  const document = TextDocument.create('test://test/test.flow.yaml', 'flow-yaml', version++, text);
  return { document, position: document.positionAt(Math.max(offset, 0)) };
}

export const EXAMPLE = `flow: orders
components:
  OrderTopic:
    type: kafka
    brokers: ["localhost:9092"]
    topic: orders
  OrderQueue:
    type: mq
    url: amqp://guest:hunter2@localhost:5672
    queue: orders
  OrderService:
    type: service
    url: http://localhost:8080/orders
    headers: { Authorization: "Bearer \${secret:token}" }
  OrderDB:
    type: database
    url: postgres://localhost:5432/orders
connections:
  - from: OrderTopic
    to: OrderQueue
  - from: OrderQueue
    to: OrderService
`;
