// The postMessage protocol between the extension (host) and the diagram webview, declared once.

/** A component's state in a run, as the diagram shows it. */
export const NODE_RUN_STATES = ['pending', 'running', 'succeeded', 'failed', 'blocked', 'retrying', 'stopped'] as const;
export type NodeRunState = (typeof NODE_RUN_STATES)[number];

export interface ComponentRunStatus {
  readonly state: NodeRunState;
  /** Messages this component handled successfully in the run. */
  readonly processed: number;
  /** Messages parked after the last retry. */
  readonly parked: number;
  /** Delivery attempts that were retries. */
  readonly retries: number;
}

/** One run's status, keyed by component name and by connection index (document order). */
export interface RunStatus {
  readonly runId: string;
  readonly components: Readonly<Record<string, ComponentRunStatus>>;
  /** Messages moved across each connection, by connection index. */
  readonly moved: Readonly<Record<number, number>>;
  /** Messages parked on each connection, by connection index (absent or missing index: none). */
  readonly parked?: Readonly<Record<number, number>>;
  /** A dry run: nothing was written, the counts are what it would deliver. */
  readonly dryRun?: boolean;
}

/** A traced message's path: the components and connections it went through, in order. */
export interface TracePath {
  readonly traceId: string;
  readonly components: readonly string[];
  readonly connections: readonly number[];
  /** Each hop's duration in milliseconds by connection index, as the run measured it: from the in-flight record to the target's confirm (or the park). */
  readonly durations?: Readonly<Record<number, number>>;
}

/** What the webview keeps across hide/reload through setState (and the serializer receives). */
export interface DiagramViewState {
  readonly uri: string;
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
}

/** Host -> webview. */
export type HostToWebview =
  | { readonly type: 'flow'; readonly uri: string; readonly version: number; readonly text: string }
  | { readonly type: 'theme'; readonly kind: 'light' | 'dark' | 'high-contrast' }
  /** Run status to paint on nodes and edges; `undefined` clears it. */
  | { readonly type: 'status'; readonly status: RunStatus | undefined }
  /** A traced message's path to highlight; `undefined` clears it. */
  | { readonly type: 'trace'; readonly path: TracePath | undefined }
  /** The component under the editor's cursor; `undefined` when the cursor is in none. */
  | { readonly type: 'select'; readonly component: string | undefined }
  /** An edit request the host could not apply, with the reason for the user. */
  | { readonly type: 'editRefused'; readonly id: number; readonly reason: string };

/** A value the builder writes into a field: a scalar or a list of strings. */
export type BuilderValue = string | number | boolean | readonly string[];

/** What the visual builder asks the host to change in the flow's text (the host computes the edit). */
export type EditRequest =
  | { readonly kind: 'addComponent'; readonly name: string; readonly componentType: string }
  | { readonly kind: 'removeComponent'; readonly name: string }
  | { readonly kind: 'renameComponent'; readonly from: string; readonly to: string }
  /** Fields to set; `null` removes the field. */
  | { readonly kind: 'setFields'; readonly name: string; readonly fields: Readonly<Record<string, BuilderValue | null>> }
  | { readonly kind: 'addConnection'; readonly from: string; readonly to: string }
  /** The connection at `index` in document order. */
  | { readonly kind: 'removeConnection'; readonly index: number };

/** Timings the webview reports after each drawing, in milliseconds. */
export interface RenderTimings {
  readonly parse: number;
  readonly layout: number;
  readonly render: number;
  /** From receiving the flow message to the SVG being in the page. */
  readonly total: number;
}

/** Webview -> host. */
export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'reveal'; readonly component: string }
  /** The diagram of document `version` is drawn (tests and benchmarks wait for this). */
  | {
      readonly type: 'rendered';
      readonly version: number;
      readonly nodes: number;
      readonly edges: number;
      /** True when the previous positions were reused because the graph's shape did not change. */
      readonly reusedLayout: boolean;
      readonly timings: RenderTimings;
    }
  /** An export for the host to save: SVG text, or a PNG as a base64 data URL. */
  | { readonly type: 'export'; readonly format: 'svg' | 'png'; readonly data: string }
  /** The builder asks for an edit of the flow's text; `id` pairs it with a refusal. */
  | { readonly type: 'edit'; readonly id: number; readonly request: EditRequest }
  /** Something went wrong in the webview that the user should hear about. */
  | { readonly type: 'error'; readonly message: string }
  /** A run status is painted: what each node's status line and each edge's count now say (tests read it). */
  | { readonly type: 'statusPainted'; readonly runId: string | undefined; readonly nodes: Readonly<Record<string, string>>; readonly edges: Readonly<Record<number, string>> };

/** The webview panel's view type, used by the serializer and `webview/context` menus. */
export const DIAGRAM_VIEW_TYPE = 'flowtracer.diagram';

/** The `data-vscode-context` a node carries for the `webview/context` menu. */
export interface NodeMenuContext {
  readonly webviewSection: 'flowtracer.node';
  readonly flowtracerComponent: string;
  readonly flowtracerUri: string;
  /** The component's type, if known (menus use it: Show Messages on kafka and mq nodes). */
  readonly flowtracerType?: string;
  /** The component's state in the shown run, if any (menus use it: Retry only when failed). */
  readonly flowtracerState?: NodeRunState;
  readonly preventDefaultContextMenuItems: true;
}
