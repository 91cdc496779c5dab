/**
 * A node's typed settings: its property calls (tickscript/pipeline.ts) read once, at node construction, into an
 * object whose type is derived from the node's catalog entry. A node runtime reads `s.as`, never a property by its
 * name as a string, so a renamed or misspelled property is a compile error.
 *
 * What a property's setting is follows from its catalog signature:
 * - a flag (no parameters, e.g. `.nonNegative()`) → `boolean`, true when called;
 * - one parameter (a Go field, or a method that sets) → the last call's value, the catalog default when never
 *   called, else `undefined`;
 * - several parameters, a variadic tail, an appending method (`appending(...)`) or an alert handler → every call's
 *   arguments, in script order (repeatable properties such as `.tag(k, v)`, `.where()`, `.post(url)`).
 * Values are plain: string → string, int/duration/time(d) → bigint, float → number, bool → boolean, regex → RegExp,
 * lambda → LambdaExpression, `*` → STAR (kept apart from the string '*', which Kapacitor treats as a tag name).
 */
import type { LambdaExpression } from '../lambda-contract.ts';
import type { PipelineNode, TickValue } from '../pipeline.ts';
import type { ArgType, NodeSpec, Param, PropSpec } from './types.ts';

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

type Shape<S> = S extends { readonly handler: object } ? 'all' : [RestOf<S>] extends [never]
  ? (ParamsOf<S> extends readonly [] ? 'flag' : S extends { readonly appends: true } ? 'all' : ParamsOf<S> extends readonly [Param] ? 'last' : 'all')
  : 'all';

type SettingOf<S, Defaulted extends boolean> = Shape<S> extends 'flag' ? boolean
  : Shape<S> extends 'last' ? (Defaulted extends true ? ValueOf<ParamsOf<S>[0]> : ValueOf<ParamsOf<S>[0]> | undefined)
  : readonly ArgsOf<S>[];

type DefaultsOf<S> = S extends { readonly defaults: infer D } ? D : object;

/** What settings are read from: a catalog entry, or the shared properties of a family of kinds (InfluxQL functions). */
export type SettingsSpec = Pick<NodeSpec, 'kind' | 'props' | 'defaults'>;

/** The settings object of a node whose catalog entry is S (declared with `satisfies NodeSpec`). */
export type SettingsOf<S extends SettingsSpec> = {
  readonly [K in keyof S['props']]: SettingOf<S['props'][K], K extends keyof DefaultsOf<S> ? true : false>;
};

function shapeOf(p: PropSpec): 'flag' | 'last' | 'all' {
  if (p.sig.rest !== undefined || p.appends === true || p.handler !== undefined) return 'all';
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

/** the plain value of `v` for parameter `p`, or a clear error naming the node and property */
function valueFor(v: TickValue | undefined, p: Param, node: string, method: string): unknown {
  if (v === undefined || !accepts(p, v.type)) {
    throw new Error(`${node}: .${method}() expects ${describe(p)}, got ${v === undefined ? 'nothing' : v.type}`);
  }
  if (v.type === 'star') return STAR;
  if (v.type === 'list') return v.value;
  return v.value;
}

/**
 * Read `def`'s property calls as described by `spec` (the catalog entry of `def.kind`, or of a family of kinds
 * sharing its properties, such as the InfluxQL functions). `catalogProps` are the properties the catalog lists for
 * `def.kind`: a spec that does not describe them is a programming error, reported at task start.
 */
export function buildSettings<S extends SettingsSpec>(spec: S, def: PipelineNode, catalogProps: Readonly<Record<string, PropSpec>> | undefined): SettingsOf<S> {
  if (catalogProps === undefined) throw new Error(`${def.name}: no catalog entry for node kind ${def.kind}`);
  for (const name of Object.keys(catalogProps)) {
    if (name !== 'quiet' && !(name in spec.props)) throw new Error(`${def.name}: settings of ${spec.kind} do not describe .${name}() of ${def.kind}`);
  }
  const out: Record<string, unknown> = {};
  const defaults = spec.defaults ?? {};
  for (const [name, p] of Object.entries(spec.props)) {
    if (!(name in catalogProps)) throw new Error(`${def.name}: ${def.kind} has no property .${name}() (settings of ${spec.kind})`);
    const shape = shapeOf(p);
    if (shape === 'flag') out[name] = false;
    else if (shape === 'last') out[name] = defaults[name];
    else out[name] = [];
  }
  for (const c of def.calls) {
    const p = spec.props[c.method];
    if (p === undefined) continue; // `.quiet()` and handler properties: read elsewhere
    const shape = shapeOf(p);
    if (shape === 'flag') {
      out[c.method] = true;
    } else if (shape === 'last') {
      out[c.method] = valueFor(c.args[0], p.sig.params[0]!, def.name, c.method);
    } else {
      const args: unknown[] = [];
      for (let i = 0; i < c.args.length; i++) {
        const param = i < p.sig.params.length ? p.sig.params[i]! : p.sig.rest;
        if (param === undefined) throw new Error(`${def.name}: .${c.method}() takes ${p.sig.params.length} arguments, got ${c.args.length}`);
        args.push(valueFor(c.args[i], param, def.name, c.method));
      }
      (out[c.method] as unknown[][]).push(args);
    }
  }
  return out as SettingsOf<S>;
}
