/**
 * Node catalog types: what Kapacitor's `pipeline/*.go` types expose to TICKscript through reflection
 * (chaining methods, property methods/fields, edge types, desc strings, validate()).
 */
import type { PipelineNode } from '../pipeline.ts';

/** Argument types, named after the TICKscript value types (SPEC 2.5). `node` = another pipeline node (union/join). */
export type ArgType = 'string' | 'int' | 'float' | 'bool' | 'duration' | 'lambda' | 'regex' | 'star' | 'node' | 'timeDimension';

/** One parameter: the set of accepted types (e.g. sample accepts int or duration). */
export type Param = ArgType | readonly ArgType[];

export interface Signature {
  /** fixed leading parameters */
  readonly params: readonly Param[];
  /** variadic tail (Go `...T`) */
  readonly rest?: Param;
}

export interface PropSpec {
  readonly sig: Signature;
  /**
   * Go struct field set by reflection (single value) rather than a method: decides which of Kapacitor's two
   * type-error texts applies (`reflect.Set: value of type … is not assignable to type …` vs `reflect: Call using …`).
   */
  readonly field?: boolean;
  /** alert handlers: a property that switches the receiver to a handler with its own properties */
  readonly handler?: HandlerSpec;
}

export interface HandlerSpec {
  /** Go type printed in errors, e.g. *pipeline.PostHandler */
  readonly goType: string;
  readonly props: Readonly<Record<string, PropSpec>>;
}

export type EdgeRule = 'parent' | 'stream' | 'batch';

export interface NodeSpec {
  /** chaining method (TICKscript name) that creates the node */
  readonly kind: string;
  /** Kapacitor's desc string used in node names (`groupby`, `k8s_autoscale`, `movingAverage`) — SPEC 7.1 */
  readonly desc: string;
  /** Go type printed in errors, e.g. *pipeline.DerivativeNode */
  readonly goType: string;
  readonly wants: EdgeRule | 'noedge';
  readonly provides: EdgeRule | 'noedge';
  /** arguments of the chaining method */
  readonly args: Signature;
  readonly props: Readonly<Record<string, PropSpec>>;
  /** which chaining methods the node offers: all of CHAIN_METHODS, none (outputs), or a fixed list (sources) */
  readonly chains: 'all' | 'none' | readonly string[];
  /** Kapacitor's validate(): returns the error text or undefined */
  readonly validate?: (n: PipelineNode) => string | undefined;
  /** defaults of properties, for node runtimes and property reads (`node.prop`) */
  readonly defaults?: Readonly<Record<string, unknown>>;
}

// ---- small helpers to keep the catalog files declarative ----

export const sig = (...params: Param[]): Signature => ({ params });
export const variadic = (rest: Param, ...params: Param[]): Signature => ({ params, rest });
/** a Go struct field of the given type */
export const field = (t: Param): PropSpec => ({ sig: { params: [t] }, field: true });
/** a Go method with the given parameters */
export const method = (...params: Param[]): PropSpec => ({ sig: { params } });
export const varMethod = (rest: Param, ...params: Param[]): PropSpec => ({ sig: { params, rest } });
/** a flag method without arguments, e.g. .nonNegative() */
export const flag: PropSpec = { sig: { params: [] } };
export const ANY_VALUE: readonly ArgType[] = ['float', 'int', 'string', 'bool'];
