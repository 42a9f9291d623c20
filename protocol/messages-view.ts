// The postMessage protocol between the extension (host) and the Messages panel webview, declared once.
import type { BrowseRequest, MessageView } from './executor-events';

/** The Messages panel's view type (its serializer restores panels after a reload). */
export const MESSAGES_VIEW_TYPE = 'flowtracer.messages';

/** The most messages one browse of the panel shows (the panel holds only what it shows). */
export const MESSAGES_PANEL_MAX_LIMIT = 5000;

/** The component a panel shows: what its header says and which controls apply (start position and partitions: Kafka only). */
export interface MessagesTarget {
  readonly flow: string;
  readonly component: string;
  readonly componentType: 'kafka' | 'mq';
  /** The topic or queue, as written in the flow. */
  readonly where: string;
  /** The flow file's URI: the panel keeps it in its state, so that a reload restores the panel. */
  readonly flowUri: string;
}

/** What a Messages panel keeps across a reload (its webview state): the flow and the component it shows. */
export interface MessagesViewState {
  readonly uri: string;
  readonly component: string;
}

/** Host -> Messages webview. */
export type HostToMessagesView =
  /** `browse`: browse at once (a panel opened by the user); a panel restored after a reload waits for Browse. */
  | { readonly type: 'target'; readonly target: MessagesTarget; readonly browse: boolean }
  | { readonly type: 'theme'; readonly kind: 'light' | 'dark' | 'high-contrast' }
  /** A browse started: the rows shown so far are cleared. */
  | { readonly type: 'browsing'; readonly request: BrowseRequest }
  /** The next messages of the browse, in the order read. */
  | { readonly type: 'page'; readonly messages: readonly MessageView[] }
  /** The browse ended: how many it showed, what it left behind (RabbitMQ: now redelivered), or why it failed. */
  | { readonly type: 'finished'; readonly count: number; readonly note?: string; readonly error?: string };

/** Messages webview -> host. */
export type MessagesViewToHost =
  | { readonly type: 'ready' }
  /** Browse the component with these settings (the panel's form). */
  | { readonly type: 'browse'; readonly request: BrowseRequest }
  /** Stop the browse going on (a RabbitMQ browse then gives its messages back). */
  | { readonly type: 'stop' }
  /** Export what the form asks for to an .ndjson file (Export Messages…). */
  | { readonly type: 'export'; readonly request: BrowseRequest }
  /** Redrive the component's dead letters (Redrive Dead Letters…). */
  | { readonly type: 'redrive' }
  /** Open a message's trace (its traceparent's trace id) in the trace UI. */
  | { readonly type: 'open-trace'; readonly traceId: string }
  /** What the panel now shows: its rows' keys in order and its status line (tests read it). */
  | { readonly type: 'shown'; readonly keys: readonly (string | null)[]; readonly status: string };
