/**
 * Node state snapshots (issue 18, checkpoints): a node that can save and rebuild its state implements the optional
 * `Snapshottable` pair. A task snapshots every node (runtime/task.ts) and a clustered partition stores the result
 * with the stream sequence it has processed, so a new owner restores it and replays only what came after.
 *
 * A snapshot is a tree of plain values (`SnapshotValue`). It must be EXACT — bigint nanosecond times and int64
 * fields stay bigints, floats stay floats (NaN, ±Infinity and -0 included) — and DETERMINISTIC: the same input
 * data gives the same bytes, whatever the batching (nodes list groups in their maps' insertion order, which is
 * data order). `encodeSnapshot` turns the tree into JSON text with a few tagged objects for what JSON cannot
 * carry; `decodeSnapshot` gives the identical tree back.
 *
 * A node that cannot snapshot its current state (a stateful lambda function, a first read still outstanding)
 * throws `SnapshotUnsupported` with the reason; the caller then falls back (a full replay in a cluster).
 */
import type { Batch, BatchPoint, Dimensions, Fields, Point, Tags } from '../model/point.ts';
import { makeDimensions } from '../model/point.ts';
import { makeBatchPoint, makePoint } from '../model/build.ts';
import type * as A from '../tickscript/ast.ts';
import type { TickValue } from '../tickscript/pipeline.ts';
import { FUNCTIONS } from '../tickscript/lambda/functions.ts';

export type SnapshotValue =
  | null | undefined | boolean | number | bigint | string
  | readonly SnapshotValue[]
  | { readonly [k: string]: SnapshotValue };

/** The optional node contract: `snapshot()` then `restore()` on a fresh node of the same definition is the identity. */
export interface Snapshottable {
  /** this node's state; throws SnapshotUnsupported when it cannot be saved */
  snapshot(): SnapshotValue;
  /** rebuild the state saved by snapshot() (called on a freshly constructed node, before any message) */
  restore(state: SnapshotValue): void;
}

export class SnapshotUnsupported extends Error {
  override name = 'SnapshotUnsupported';
}

export function isSnapshottable(n: object): n is Snapshottable {
  const s = n as Partial<Snapshottable>;
  return typeof s.snapshot === 'function' && typeof s.restore === 'function';
}

// ---- encoding ------------------------------------------------------------------------------------------------

/** JSON text of a snapshot tree: bigints `{"$n":"…"}`, odd floats `{"$f":"NaN"}`, undefined `{"$u":0}`. */
export function encodeSnapshot(v: SnapshotValue): string {
  return JSON.stringify(toJson(v));
}

export function decodeSnapshot(text: string): SnapshotValue {
  return fromJson(JSON.parse(text) as unknown);
}

function toJson(v: SnapshotValue): unknown {
  switch (typeof v) {
    case 'bigint': return { $n: v.toString() };
    case 'number':
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { $f: Object.is(v, -0) ? '-0' : String(v) };
    case 'undefined': return { $u: 0 };
    case 'string': case 'boolean': return v;
    default:
  }
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(toJson);
  const o = v as { readonly [k: string]: SnapshotValue };
  const keys = Object.keys(o);
  // user data (tag and field names) may start with '$': such objects travel as a list of pairs
  if (keys.some((k) => k.startsWith('$'))) return { $o: keys.map((k) => [k, toJson(o[k])]) };
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = toJson(o[k]);
  return out;
}

function fromJson(j: unknown): SnapshotValue {
  if (j === null || typeof j !== 'object') return j as SnapshotValue;
  if (Array.isArray(j)) return j.map(fromJson);
  const o = j as Record<string, unknown>;
  if ('$n' in o) return BigInt(o['$n'] as string);
  if ('$f' in o) return o['$f'] === '-0' ? -0 : Number(o['$f']);
  if ('$u' in o) return undefined;
  if ('$o' in o) {
    const out: Record<string, SnapshotValue> = {};
    for (const [k, v] of o['$o'] as [string, unknown][]) out[k] = fromJson(v);
    return out;
  }
  const out: Record<string, SnapshotValue> = {};
  for (const k of Object.keys(o)) out[k] = fromJson(o[k]);
  return out;
}

// ---- helpers for node authors ----------------------------------------------------------------------------------

/** A snapshot value read back as `T` (nodes know the shape they wrote). */
export function as<T>(v: SnapshotValue): T {
  return v as unknown as T;
}

export function dimsState(d: Dimensions): SnapshotValue {
  return [d.byName, d.tagNames];
}

export function dimsFrom(s: SnapshotValue): Dimensions {
  const [byName, names] = as<[boolean, string[]]>(s);
  return makeDimensions(names, byName);
}

export function pointState(p: Point): SnapshotValue {
  return [p.name, p.db, p.rp, p.tags, p.fields, p.time, dimsState(p.dims), p.group];
}

export function pointFrom(s: SnapshotValue): Point {
  const [name, db, rp, tags, fields, time, dims, group] = as<[string, string, string, Tags, Fields, bigint, SnapshotValue, string]>(s);
  return makePoint(name, db, rp, tags, fields, time, dimsFrom(dims), group);
}

export function batchPointState(bp: BatchPoint): SnapshotValue {
  return [bp.time, bp.fields, bp.tags];
}

export function batchPointFrom(s: SnapshotValue): BatchPoint {
  const [time, fields, tags] = as<[bigint, Fields, Tags]>(s);
  return makeBatchPoint(time, fields, tags);
}

/** A batch header (everything but tmax and points). */
export function headerState(h: Omit<Batch, 'tmax' | 'points'>): SnapshotValue {
  return [h.name, h.db, h.rp, h.tags, dimsState(h.dims), h.group];
}

export function headerFrom(s: SnapshotValue): Omit<Batch, 'tmax' | 'points'> {
  const [name, db, rp, tags, dims, group] = as<[string, string, string, Tags, SnapshotValue, string]>(s);
  return { name, db, rp, tags, dims: dimsFrom(dims), group };
}

/**
 * Whether a lambda keeps state between evaluations (count(), sigma(), spread() …). Per-group evaluators of a
 * stateless lambda are rebuilt fresh on restore; a stateful one cannot be snapshotted (yet).
 */
export function lambdaIsStateful(v: TickValue | undefined): boolean {
  return v !== undefined && v.type === 'lambda' && hasStatefulCall(v.value as unknown as A.Expr);
}

function hasStatefulCall(e: A.Expr): boolean {
  switch (e.kind) {
    case 'function': return FUNCTIONS[e.name]?.stateful === true || e.args.some(hasStatefulCall);
    case 'unary': return hasStatefulCall(e.operand);
    case 'binary': return hasStatefulCall(e.left) || hasStatefulCall(e.right);
    case 'lambda': return hasStatefulCall(e.expr);
    case 'chain': return hasStatefulCall(e.left) || hasStatefulCall(e.right);
    default: return false;
  }
}
