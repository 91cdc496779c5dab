/**
 * A node's typed settings: its property calls (tickscript/pipeline.ts) read once, at node construction, into an
 * object whose type is derived from the node's catalog entry. A node runtime reads `s.as`, never a property by its
 * name as a string, so a renamed or misspelled property is a compile error.
 *
 * What a property's setting is follows from its catalog signature:
 * - a flag (no parameters, e.g. `.nonNegative()`) → `boolean`, true when called;
 * - one parameter (a Go field, or a method that sets) → the last call's value, the catalog default when never
 *   called, else `undefined`;
 * - several parameters, a variadic tail or an appending method (`appending(...)`) → every call's arguments, in
 *   script order (repeatable properties such as `.tag(k, v)`, `.where()`);
 * - an alert handler (`.post(url)`, `.slack()`) → every call, in script order, as a HandlerSettings: the call's
 *   arguments and the settings of the handler's own properties chained after it (`.header(k, v)`), typed from the
 *   handler's spec by the same rules.
 * Values are plain: string → string, int/duration/time(d) → bigint, float → number, bool → boolean, regex → RegExp,
 * lambda → LambdaExpression, `*` → STAR (kept apart from the string '*', which Kapacitor treats as a tag name).
 */
import type { LambdaExpression } from '../lambda-contract.ts';
import type { PipelineNode, Position, PropertyCall, TickValue } from '../pipeline.ts';
import type { ArgType, HandlerSpec, NodeSpec, Param, PropSpec } from './types.ts';

/** the value of a `*` argument */
export const STAR: unique symbol = Symbol('*');

interface ValueOfType {
  string: string;
  int: bigint;
  float: number;
  bool: boolean;
  duration: bigint;
  timeDimension: bigint;
  regex: RegExp;
  lambda: LambdaExpression;
  star: typeof STAR;
  node: never;
}

/** the plain value of an argument accepted by parameter P */
export type ValueOf<P> = P extends ArgType ? ValueOfType[P]
  : P extends readonly (infer A)[] ? (A extends ArgType ? ValueOfType[A] : never)
  : never;

type ParamsOf<S> = S extends PropSpec<infer P, Param> ? P : never;
type RestOf<S> = S extends { readonly sig: { readonly rest: infer R } } ? R : never;

/** one call's arguments: the fixed parameters' values, then the variadic tail's */
export type ArgsOf<S> = ParamsOf<S> extends infer P extends readonly Param[]
  ? readonly [...{ -readonly [I in keyof P]: ValueOf<P[I]> }, ...([RestOf<S>] extends [never] ? [] : ValueOf<RestOf<S>>[])]
  : never;

type Shape<S> = S extends { readonly handler: object } ? 'handler' : [RestOf<S>] extends [never]
  ? (ParamsOf<S> extends readonly [] ? 'flag' : S extends { readonly appends: true } ? 'all' : ParamsOf<S> extends readonly [Param] ? 'last' : 'all')
  : 'all';

type SettingOf<S, Defaulted extends boolean> = Shape<S> extends 'flag' ? boolean
  : Shape<S> extends 'last' ? (Defaulted extends true ? ValueOf<ParamsOf<S>[0]> : ValueOf<ParamsOf<S>[0]> | undefined)
  : Shape<S> extends 'handler' ? readonly HandlerSettings<S>[]
  : readonly ArgsOf<S>[];

type DefaultsOf<S> = S extends { readonly defaults: infer D } ? D : object;

/** the settings of properties P, defaults D (keys of D are never undefined) */
type PropsSettings<P, D> = { readonly [K in keyof P]: SettingOf<P[K], K extends keyof D ? true : false> };

/**
 * a handler's own properties: PropSpec's optional `handler` (any HandlerSpec) intersects with the literal one, so
 * the string index signature it brings is dropped, leaving the literal properties
 */
type HandlerPropsOf<S> = S extends { readonly handler: HandlerSpec<infer P> } ? { [K in keyof P as string extends K ? never : K]: P[K] } : never;

/**
 * One handler call of an alert node (`.post('http://x').header('a', 'b')`): its own arguments, its properties'
 * settings, and where it stands among ALL the node's handler calls (handlers of different kinds interleave in a
 * script, and Kapacitor registers them in script order).
 */
export interface HandlerSettings<S> {
  readonly args: ArgsOf<S>;
  readonly props: PropsSettings<HandlerPropsOf<S>, object>;
  /** position of this call among the node's handler calls, from 0 */
  readonly order: number;
  readonly pos: Position;
  /** where each handler property that the script set was last set (a runtime rejects what it does not implement) */
  readonly called: { readonly [K in keyof HandlerPropsOf<S>]?: Position };
}

/** What settings are read from: a catalog entry, or the shared properties of a family of kinds (InfluxQL functions). */
export type SettingsSpec = Pick<NodeSpec, 'kind' | 'props' | 'defaults'>;

/** The settings object of a node whose catalog entry is S (declared with `satisfies NodeSpec`). */
export type SettingsOf<S extends SettingsSpec> = PropsSettings<S['props'], DefaultsOf<S>>;

function shapeOf(p: PropSpec): 'flag' | 'last' | 'all' | 'handler' {
  if (p.handler !== undefined) return 'handler';
  if (p.sig.rest !== undefined || p.appends === true) return 'all';
  if (p.sig.params.length === 0) return 'flag';
  return p.sig.params.length === 1 ? 'last' : 'all';
}

function accepts(p: Param, t: string): boolean {
  return typeof p === 'string' ? p === t : p.includes(t as ArgType);
}

const NAMED: Record<ArgType, string> = {
  string: 'a string', int: 'an int', float: 'a float', bool: 'a bool', duration: 'a duration', regex: 'a regex',
  lambda: 'a lambda expression', star: 'a star', node: 'a node', timeDimension: 'a time dimension',
};

function describe(p: Param): string {
  return typeof p === 'string' ? NAMED[p] : p.map((t) => NAMED[t]).join(' or ');
}

/** the error for call `c` of property `p`: the property's own words when it has them */
function argError(p: PropSpec, c: PropertyCall, node: string, generic: string): Error {
  return new Error(`${node}: ${p.argError !== undefined ? p.argError(c.args) : generic}`);
}

/** the plain value of argument `i` of call `c` for parameter `param` of `p`, or a clear error naming the node and property */
function valueFor(c: PropertyCall, i: number, param: Param, p: PropSpec, node: string, method: string): unknown {
  const v = c.args[i];
  if (v === undefined || !accepts(param, v.type)) {
    throw argError(p, c, node, `.${method}() expects ${describe(param)}, got ${v === undefined ? 'nothing' : v.type}`);
  }
  if (v.type === 'star') return STAR;
  return v.value;
}

/** every argument of call `c` checked against `p`'s parameters (all fixed ones present), as plain values */
function argsFor(c: PropertyCall, p: PropSpec, node: string, method: string): unknown[] {
  const args: unknown[] = [];
  const n = Math.max(c.args.length, p.sig.params.length);
  for (let i = 0; i < n; i++) {
    const param = i < p.sig.params.length ? p.sig.params[i]! : p.sig.rest;
    if (param === undefined) throw argError(p, c, node, `.${method}() takes ${p.sig.params.length} arguments, got ${c.args.length}`);
    args.push(valueFor(c, i, param, p, node, method));
  }
  return args;
}

/** the initial setting of every property in `props` (flags false, lists empty, single values their default) */
function initial(props: Readonly<Record<string, PropSpec>>, defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(props)) {
    const shape = shapeOf(p);
    if (shape === 'flag') out[name] = false;
    else if (shape === 'last') out[name] = defaults[name];
    else out[name] = [];
  }
  return out;
}

/** record call `c` of property `p` (not a handler) into `out` */
function apply(out: Record<string, unknown>, c: PropertyCall, p: PropSpec, name: string, node: string): void {
  const shape = shapeOf(p);
  if (shape === 'flag') out[name] = true;
  else if (shape === 'last') out[name] = valueFor(c, 0, p.sig.params[0]!, p, node, name);
  else (out[name] as unknown[][]).push(argsFor(c, p, node, name));
}

interface MutableHandler {
  args: unknown[];
  props: Record<string, unknown>;
  order: number;
  pos: Position;
  called: Record<string, Position>;
}

/**
 * Read `def`'s property calls as described by `spec` (the catalog entry of `def.kind`, or of a family of kinds
 * sharing its properties, such as the InfluxQL functions). `catalogProps` are the properties the catalog lists for
 * `def.kind`: a spec that does not describe them is a programming error, reported at task start.
 * A handler's properties are recorded as `<handler>.<prop>` calls after it (tickscript/evaluate.ts): they belong
 * to the latest call of that handler.
 */
export function buildSettings<S extends SettingsSpec>(spec: S, def: PipelineNode, catalogProps: Readonly<Record<string, PropSpec>> | undefined): SettingsOf<S> {
  if (catalogProps === undefined) throw new Error(`${def.name}: no catalog entry for node kind ${def.kind}`);
  for (const name of Object.keys(catalogProps)) {
    if (name !== 'quiet' && !(name in spec.props)) throw new Error(`${def.name}: settings of ${spec.kind} do not describe .${name}() of ${def.kind}`);
  }
  for (const name of Object.keys(spec.props)) {
    if (!(name in catalogProps)) throw new Error(`${def.name}: ${def.kind} has no property .${name}() (settings of ${spec.kind})`);
  }
  const out = initial(spec.props, spec.defaults ?? {});
  let handlers = 0;
  for (const c of def.calls) {
    const p = Object.hasOwn(spec.props, c.method) ? spec.props[c.method] : undefined;
    if (p === undefined) {
      const dot = c.method.indexOf('.');
      if (dot > 0) handlerProperty(out, spec, c, c.method.slice(0, dot), c.method.slice(dot + 1), def.name);
      continue; // `.quiet()`: read by the runtime's Node
    }
    if (p.handler === undefined) {
      apply(out, c, p, c.method, def.name);
      continue;
    }
    const h: MutableHandler = {
      args: argsFor(c, p, def.name, c.method), props: initial(p.handler.props, {}), order: handlers++, pos: c.pos, called: {},
    };
    (out[c.method] as MutableHandler[]).push(h);
  }
  return out as SettingsOf<S>;
}

/** `.header(k, v)` after `.post(url)`: recorded into the latest `post` handler */
function handlerProperty(out: Record<string, unknown>, spec: SettingsSpec, c: PropertyCall, handler: string, name: string, node: string): void {
  const hp = Object.hasOwn(spec.props, handler) ? spec.props[handler]!.handler : undefined;
  const p = hp !== undefined && Object.hasOwn(hp.props, name) ? hp.props[name] : undefined;
  const h = (out[handler] as MutableHandler[] | undefined)?.at(-1);
  if (p === undefined || h === undefined) throw new Error(`${node}: .${name}() (line ${c.pos.line}) is not a property of a preceding .${handler}() handler`);
  apply(h.props, c, p, name, node);
  h.called[name] = c.pos;
}
