/**
 * The pipeline description: what evaluating a TICKscript produces and what the runtime instantiates.
 * This file is the contract between tickscript/ (producer) and runtime/ + nodes/ (consumers).
 *
 * Kapacitor splits a node into its *definition* (pipeline/<node>.go: properties, defaults, validation) and
 * its *runtime* (<node>.go). Here the definition side is the node catalog (tickscript/catalog/) plus the
 * property calls recorded below; the runtime side lives in nodes/<kind>.ts and reads the calls as the typed
 * settings of its catalog entry (tickscript/catalog/settings.ts). The accessors at the bottom of this file serve the
 * catalog's validation only (test/tickscript/catalog-settings.test.ts keeps nodes/ from reading properties by name).
 */
import type { LambdaExpression } from './lambda-contract.ts';

export type EdgeType = 'stream' | 'batch' | 'noedge';

/** A source position: 1-based line, 1-based column (byte offset since the last newline, + 1). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * A typed TICKscript value as it reaches a node (vars already substituted).
 * int → bigint, float → number, duration → bigint nanoseconds.
 */
export type TickValue =
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'duration'; readonly value: bigint }
  | { readonly type: 'regex'; readonly value: RegExp; readonly source: string }
  | { readonly type: 'lambda'; readonly value: LambdaExpression }
  | { readonly type: 'star' }
  | { readonly type: 'list'; readonly value: readonly TickValue[] }
  /** `time(d)` in batch `groupBy(time(1m))` (Kapacitor's TimeDimension); value in nanoseconds */
  | { readonly type: 'timeDimension'; readonly value: bigint };

/** One property-method call on a node, e.g. `.unit(1s)` → { method: 'unit', args: [duration 1s] }. */
export interface PropertyCall {
  /** canonical (catalog) method name, first letter lower-cased: `.Kind()` is recorded as `kind` */
  readonly method: string;
  readonly args: readonly TickValue[];
  readonly pos: Position;
}

export interface PipelineNode {
  /** creation order while the script is evaluated; stream/batch = 0 */
  readonly id: number;
  /** the chaining method (catalog name) that created the node: 'stream', 'from', 'derivative', 'groupBy', 'sum', 'k8sAutoscale', … */
  readonly kind: string;
  /** `<desc><id>` as Kapacitor names it: stream0, from1, groupby3, k8s_autoscale6, movingAverage5 */
  readonly name: string;
  /** arguments of the chaining method, e.g. derivative('value') → [string 'value'] */
  readonly args: readonly TickValue[];
  /** property calls in script order (a repeated property appears once per call) */
  readonly calls: readonly PropertyCall[];
  readonly parents: readonly number[];
  readonly children: readonly number[];
  readonly wants: EdgeType;
  readonly provides: EdgeType;
  /** where the chaining method was written (for errors at task start) */
  readonly pos: Position;
  /** `stats` nodes only: the id of the node whose counters they emit (stats is a source: no parents) */
  readonly watches?: number;
}

export interface DBRP {
  readonly db: string;
  readonly rp: string;
}

export interface Pipeline {
  /** 'stream' or 'batch', inferred from the script's source node */
  readonly type: 'stream' | 'batch';
  /** nodes indexed by id (nodes[i].id === i) */
  readonly nodes: readonly PipelineNode[];
  /** dbrp statements written in the script */
  readonly dbrps: readonly DBRP[];
  /** declared vars (name → type and value), for templates and `vars` in task JSON */
  readonly vars: Readonly<Record<string, DeclaredVar>>;
}

export interface DeclaredVar {
  readonly type: 'int' | 'float' | 'bool' | 'string' | 'regex' | 'duration' | 'lambda' | 'list' | 'star';
  /** undefined for a typed declaration (`var x int`) without a supplied value (templates) */
  readonly value: TickValue | undefined;
  readonly description: string;
}

// ---- accessors used by node runtimes -------------------------------------------------------------

/** Arguments of the last call of `method`, or undefined when never called. */
export function lastCall(node: PipelineNode, method: string): readonly TickValue[] | undefined {
  for (let i = node.calls.length - 1; i >= 0; i--) {
    const c = node.calls[i]!;
    if (c.method === method) return c.args;
  }
  return undefined;
}

/** Every call of `method`, in script order (for repeatable properties such as where, field, tag, header). */
export function allCalls(node: PipelineNode, method: string): (readonly TickValue[])[] {
  const out: (readonly TickValue[])[] = [];
  for (const c of node.calls) if (c.method === method) out.push(c.args);
  return out;
}

/** True when a flag property (no args, e.g. `.nonNegative()`) was called. */
export function hasCall(node: PipelineNode, method: string): boolean {
  return node.calls.some((c) => c.method === method);
}

/** The plain JS value of a TickValue (lambda → LambdaExpression, star → '*', list → array of plain values). */
export function plain(v: TickValue): unknown {
  switch (v.type) {
    case 'star': return '*';
    case 'list': return v.value.map(plain);
    default: return v.value;
  }
}

/** First argument of the last call of `method` as a plain value, or `dflt`. */
export function prop<T>(node: PipelineNode, method: string, dflt: T): T {
  const args = lastCall(node, method);
  if (!args || args.length === 0) return dflt;
  return plain(args[0]!) as T;
}
