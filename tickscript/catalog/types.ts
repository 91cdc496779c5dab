/**
 * Node catalog types: what Kapacitor's `pipeline/*.go` types expose to TICKscript through reflection
 * (chaining methods, property methods/fields, edge types, desc strings, validate()).
 */
import type { PipelineNode, TickValue } from '../pipeline.ts';

/** Argument types, named after the TICKscript value types (SPEC 2.5). `node` = another pipeline node (union/join). */
export type ArgType = 'string' | 'int' | 'float' | 'bool' | 'duration' | 'lambda' | 'regex' | 'star' | 'node' | 'timeDimension';

/** One parameter: the set of accepted types (e.g. sample accepts int or duration). */
export type Param = ArgType | readonly ArgType[];

/** `P`/`R` keep the literal parameter types, so a node's settings type can be derived from its entry (settings.ts). */
export interface Signature<P extends readonly Param[] = readonly Param[], R extends Param = Param> {
  /** fixed leading parameters */
  readonly params: P;
  /** variadic tail (Go `...T`) */
  readonly rest?: R;
}

export interface PropSpec<P extends readonly Param[] = readonly Param[], R extends Param = Param> {
  readonly sig: Signature<P, R>;
  /**
   * Go struct field set by reflection (single value) rather than a method: decides which of Kapacitor's two
   * type-error texts applies (`reflect.Set: value of type … is not assignable to type …` vs `reflect: Call using …`).
   */
  readonly field?: boolean;
  /**
   * a single-parameter method whose every call counts (Go appends, e.g. from's `.where()` ANDs its lambdas): its
   * setting is every call's arguments rather than the last value
   */
  readonly appends?: boolean;
  /** alert handlers: a property that switches the receiver to a handler with its own properties */
  readonly handler?: HandlerSpec;
  /**
   * The text of an argument error found when a node's settings are read (settings.ts), for a property whose node
   * words it better than the generic `.x() expects a string, got int`. Only a hand-built definition gets there: the
   * evaluator reports Kapacitor's own text when a script is defined.
   */
  readonly argError?: (args: readonly TickValue[]) => string;
}

/** `P` keeps the handler's property types literal, so its settings type can be derived too (settings.ts). */
export interface HandlerSpec<P extends Readonly<Record<string, PropSpec>> = Readonly<Record<string, PropSpec>>> {
  /** Go type printed in errors, e.g. *pipeline.PostHandler */
  readonly goType: string;
  readonly props: P;
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

// The property helpers keep their parameter types literal (`const` type parameters): settings.ts derives each node's
// settings type from them.
export const sig = (...params: Param[]): Signature => ({ params });
export const variadic = (rest: Param, ...params: Param[]): Signature => ({ params, rest });
/** a Go struct field of the given type */
export const field = <const T extends Param>(t: T): PropSpec<readonly [T], never> & { readonly field: true } =>
  ({ sig: { params: [t] }, field: true });
/** a Go method with the given parameters */
export const method = <const P extends readonly Param[]>(...params: P): PropSpec<P, never> => ({ sig: { params } });
/** a single-parameter Go method that appends: every call counts (see PropSpec.appends) */
export const appending = <const T extends Param>(t: T): PropSpec<readonly [T], never> & { readonly appends: true } =>
  ({ sig: { params: [t] }, appends: true });
export const varMethod = <const R extends Param, const P extends readonly Param[]>(rest: R, ...params: P): PropSpec<P, R> & { readonly sig: { readonly rest: R } } =>
  ({ sig: { params, rest } });
/** a flag method without arguments, e.g. .nonNegative() */
export const flag: PropSpec<readonly [], never> = { sig: { params: [] } };
export const ANY_VALUE = ['float', 'int', 'string', 'bool'] as const satisfies readonly ArgType[];
