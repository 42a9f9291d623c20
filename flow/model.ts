// The flow model: what a parsed .flow.yaml says, with the source range of every part.

/** Offsets into the document text, end exclusive. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export const VALIDATION_MODES = ['off', 'warn', 'strict', 'dry-run'] as const;
export type ValidationMode = (typeof VALIDATION_MODES)[number];

export interface FlowComponent {
  readonly name: string;
  /** The written type; may be unknown when the flow is invalid. */
  readonly type: string | undefined;
  /** Every property as written (plain JS values), `type` included. */
  readonly props: Readonly<Record<string, unknown>>;
  readonly nameSpan: TextSpan;
  /** The whole `Name: {...}` pair. */
  readonly span: TextSpan;
}

export interface FlowConnection {
  readonly index: number;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly fromSpan: TextSpan | undefined;
  readonly toSpan: TextSpan | undefined;
  /** The written kind, if any. */
  readonly kind: string | undefined;
  readonly props: Readonly<Record<string, unknown>>;
  readonly span: TextSpan;
}

export interface FlowModel {
  readonly id: string | undefined;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly defaults: Readonly<Record<string, unknown>>;
  /** In document order. Duplicate names keep the first occurrence here. */
  readonly components: readonly FlowComponent[];
  readonly connections: readonly FlowConnection[];
  readonly access: Readonly<Record<string, unknown>> | undefined;
  /** The flow's `journal` settings (which payloads a run stores), as written. */
  readonly journal?: Readonly<Record<string, unknown>>;
}

export function componentByName(model: FlowModel, name: string | undefined): FlowComponent | undefined {
  return name === undefined ? undefined : model.components.find((c) => c.name === name);
}
