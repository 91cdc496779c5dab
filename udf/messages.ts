/**
 * The messages of Kapacitor's UDF protocol (udf/agent/udf.proto, package `agent`) as plain TypeScript values.
 * Field numbers live in codec.ts. int64 values are bigint so times (ns) and int fields stay exact; maps are
 * plain records. A Request goes from tickstream to the agent, a Response from the agent back.
 */

export type EdgeTypeName = 'stream' | 'batch';
/** proto enum EdgeType: STREAM = 0, BATCH = 1 */
export const EDGE_TYPES: readonly EdgeTypeName[] = ['stream', 'batch'];

/** proto enum ValueType, by number: BOOL = 0, INT = 1, DOUBLE = 2, STRING = 3, DURATION = 4 */
export type ValueTypeName = 'BOOL' | 'INT' | 'DOUBLE' | 'STRING' | 'DURATION';
export const VALUE_TYPES: readonly ValueTypeName[] = ['BOOL', 'INT', 'DOUBLE', 'STRING', 'DURATION'];

export interface InfoResponse {
  readonly wants: EdgeTypeName;
  readonly provides: EdgeTypeName;
  /** option name → the types of its arguments, in order */
  readonly options: Readonly<Record<string, readonly ValueTypeName[]>>;
}

/** OptionValue: `type` plus the oneof member that matches it (int and duration are bigint ns/int64). */
export type OptionValue =
  | { readonly type: 'BOOL'; readonly value: boolean }
  | { readonly type: 'INT'; readonly value: bigint }
  | { readonly type: 'DOUBLE'; readonly value: number }
  | { readonly type: 'STRING'; readonly value: string }
  | { readonly type: 'DURATION'; readonly value: bigint };

export interface Option {
  readonly name: string;
  readonly values: readonly OptionValue[];
}

export interface InitRequest {
  readonly options: readonly Option[];
  readonly taskID: string;
  readonly nodeID: string;
}

export interface BeginBatch {
  readonly name: string;
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly size: bigint;
  readonly byName: boolean;
}

/** A point; inside a batch only time, group, tags and fields are meaningful (Kapacitor sends no name/db/rp there). */
export interface UdfPoint {
  readonly time: bigint;
  readonly name: string;
  readonly database: string;
  readonly retentionPolicy: string;
  readonly group: string;
  readonly dimensions: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly fieldsDouble: Readonly<Record<string, number>>;
  readonly fieldsInt: Readonly<Record<string, bigint>>;
  readonly fieldsString: Readonly<Record<string, string>>;
  readonly fieldsBool: Readonly<Record<string, boolean>>;
  readonly byName: boolean;
}

export interface EndBatch {
  readonly name: string;
  readonly group: string;
  readonly tmax: bigint;
  readonly tags: Readonly<Record<string, string>>;
  readonly byName: boolean;
}

export type Request =
  | { readonly kind: 'info' }
  | { readonly kind: 'init'; readonly init: InitRequest }
  | { readonly kind: 'keepalive'; readonly time: bigint }
  | { readonly kind: 'snapshot' }
  | { readonly kind: 'restore'; readonly snapshot: Uint8Array }
  | { readonly kind: 'begin'; readonly begin: BeginBatch }
  | { readonly kind: 'point'; readonly point: UdfPoint }
  | { readonly kind: 'end'; readonly end: EndBatch };

export type Response =
  | { readonly kind: 'info'; readonly info: InfoResponse }
  | { readonly kind: 'init'; readonly success: boolean; readonly error: string }
  | { readonly kind: 'keepalive'; readonly time: bigint }
  | { readonly kind: 'snapshot'; readonly snapshot: Uint8Array }
  | { readonly kind: 'restore'; readonly success: boolean; readonly error: string }
  | { readonly kind: 'error'; readonly error: string }
  | { readonly kind: 'begin'; readonly begin: BeginBatch }
  | { readonly kind: 'point'; readonly point: UdfPoint }
  | { readonly kind: 'end'; readonly end: EndBatch };
