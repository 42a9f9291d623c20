// Checks a message from the Messages panel webview against its declared shape (messages-view.ts) before the host uses it.
import type { BrowseRequest } from './executor-events';
import { MESSAGES_PANEL_MAX_LIMIT, type MessagesViewToHost } from './messages-view';
import { checkByType, integer, list, object, optional, string, type Check, type Checked, type Fields } from './shape-checks';

const limit: Check = (v, at) => integer(v, at) ?? ((v as number) >= 1 && (v as number) <= MESSAGES_PANEL_MAX_LIMIT ? undefined : `${at} is not between 1 and ${MESSAGES_PANEL_MAX_LIMIT}`);
const nullableString: Check = (v, at) => (v === null ? undefined : string(v, at));

const browseRequest = object({
  from: optional(string),
  partitions: optional(list(integer, 10_000)),
  limit,
  search: optional(object({ text: optional(string), key: optional(string), header: optional(string) })),
} satisfies Readonly<Record<keyof BrowseRequest, Check>>);

const traceIdCheck: Check = (v, at) => string(v, at) ?? (/^[0-9a-f]{32}$/.test(v as string) ? undefined : `${at} is not a trace id (32 hex digits)`);

const MESSAGES: Readonly<Record<MessagesViewToHost['type'], Fields>> = {
  ready: { type: string },
  browse: { type: string, request: browseRequest },
  stop: { type: string },
  export: { type: string, request: browseRequest },
  redrive: { type: string },
  'open-trace': { type: string, traceId: traceIdCheck },
  shown: { type: string, keys: list(nullableString, MESSAGES_PANEL_MAX_LIMIT), status: string },
};

/** The message as the declared type, or why it is not one (the host drops it and logs the reason). */
export function checkMessagesViewMessage(value: unknown): Checked<MessagesViewToHost> {
  return checkByType<MessagesViewToHost>(MESSAGES, value);
}
