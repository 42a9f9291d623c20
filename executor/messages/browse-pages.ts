// The event channel's `browse`: a component's messages sent on as pages of `messages-page` events, then `browse-finished`.
import type { BrowseRequest, EventSink, MessageView } from '../../protocol/executor-events';
import type { BrowseOptions } from '../connectors/connector';
import { Redactor } from '../redaction';
import type { SecretProvider } from '../values';
import { browseComponent, connectorFor, loadComponent } from './component-messages';
import { messageRecord } from './message-lines';

/** Messages per `messages-page` event: the panel shows them as they come, and the channel never carries a whole queue. */
const BROWSE_PAGE = 50;

/** A browse request of the event channel (the panel's form, Export Messages…) as the connector's options. */
export function browseOptionsOf(request: BrowseRequest): BrowseOptions {
  return { ...(request.from ? { from: request.from } : {}), ...(request.partitions ? { partitions: request.partitions } : {}), limit: request.limit };
}

export async function browsePages(flowFile: string, name: string, request: BrowseRequest, secrets: SecretProvider, signal: AbortSignal, emit: EventSink): Promise<void> {
  let count = 0;
  let note: string | undefined;
  let page: MessageView[] = [];
  const flush = (): void => {
    if (page.length > 0) emit({ type: 'messages-page', component: name, messages: page });
    page = [];
  };
  try {
    const { component } = loadComponent(flowFile, name);
    const connector = await connectorFor(component, signal, secrets);
    try {
      await browseComponent(connector, browseOptionsOf(request), request.search ?? {}, signal, (m) => {
        count += 1;
        page.push(messageRecord(m, true) as unknown as MessageView);
        if (page.length >= BROWSE_PAGE) flush();
      }, (said) => (note = said));
    } finally {
      await connector.close();
    }
    flush();
    emit({ type: 'browse-finished', component: name, count, ...(note ? { note } : {}) });
  } catch (error) {
    flush();
    emit({ type: 'browse-finished', component: name, count, ...(note ? { note } : {}), error: new Redactor().redact(error instanceof Error ? error.message : String(error)) });
  }
}
