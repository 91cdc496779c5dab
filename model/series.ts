/**
 * Per-series memo carried by the tags objects the ingest parser shares between all points of one series.
 *
 * Why: nodes that set dimensions (from, groupBy) need the group ID of every point. It is a pure function of
 * (measurement, tags, dimensions), and all points of a series share one frozen tags object, so it can be computed
 * once per series. Keeping the result on the tags object itself costs one property load per point, where a
 * `WeakMap` keyed by the tags object costs a hash lookup (≈ 25 ns at 10^4 series, measured).
 *
 * The memo lives under a non-enumerable symbol key: `for…in`, `Object.keys`, spread, JSON and
 * `assert.deepStrictEqual` do not see it, so tags objects still look like plain `{tag: value}` records.
 * Tags objects built elsewhere (nodes, tests) have no memo; callers fall back to their own caches.
 */
import type { Tags } from './point.ts';

const MEMO: unique symbol = Symbol('tickstream.series');

export interface SeriesMemo {
  /** the measurement the tags were parsed with (group IDs with byName depend on it) */
  readonly name: string;
  /** cached values by slot (see memoSlot) */
  readonly slots: unknown[];
}

/** Attach a memo to a tags object that is about to be frozen (the parser does this once per series). */
export function attachSeriesMemo(tags: Tags, name: string): void {
  // four preallocated slots: the common pipelines use one or two (from, groupBy) without regrowing the array
  const memo: SeriesMemo = { name, slots: [undefined, undefined, undefined, undefined] };
  Object.defineProperty(tags, MEMO, { value: memo, enumerable: false, writable: false, configurable: false });
}

/** The memo of a parser-built tags object, or undefined. */
export function seriesMemo(tags: Tags): SeriesMemo | undefined {
  return (tags as { [MEMO]?: SeriesMemo })[MEMO];
}

/**
 * Slot numbers index `SeriesMemo.slots`; they are global so one property load and one array load find a value.
 * Two kinds:
 * - shared slots (`memoSlot(signature)`): for pure functions of the series, e.g. the group ID for fixed tag names;
 *   every user with the same signature computes the same value, so 1000 tasks grouping by `host` share one slot;
 * - owned slots (`acquireSlot`/`releaseSlot`): for one owner's data (a node's per-group state), OWNED_SLOT_WIDTH
 *   consecutive entries starting at the returned number, so the owner keeps its check values and its value inline
 *   in the memo (no entry object to chase: after a write has walked megabytes, each pointer hop is a cache miss).
 *   Values in such a slot must identify their owner, because a released slot is handed to the next owner while
 *   old series memos still hold the previous owner's values.
 * Bounded: a memo never grows past MAX_SLOTS entries; beyond that callers get -1 and use their own cache.
 */
/** entries per owned slot (runtime/group-state.ts: stamp, group ID, state) */
export const OWNED_SLOT_WIDTH = 3;
/** room for 48 owned slots, as many as before they were widened */
const MAX_SLOTS = 48 * OWNED_SLOT_WIDTH;
const slotsBySignature = new Map<string, number>();
/** released owned slots (shared slots are never released) */
const released: number[] = [];
let nextSlot = 0;

export function memoSlot(signature: string): number {
  let s = slotsBySignature.get(signature);
  if (s === undefined) {
    s = newSlot(1);
    if (s < 0) return -1;
    slotsBySignature.set(signature, s);
  }
  return s;
}

/** An owned slot (OWNED_SLOT_WIDTH entries from the returned index on), or -1 when none is free. Release it when the owner goes away. */
export function acquireSlot(): number {
  // most recently released first: a restarted task reuses its slots and overwrites its stale values soonest
  if (released.length > 0) return released.pop()!;
  return newSlot(OWNED_SLOT_WIDTH);
}

export function releaseSlot(slot: number): void {
  if (slot >= 0 && slot < nextSlot && !released.includes(slot)) released.push(slot);
}

function newSlot(width: number): number {
  if (nextSlot + width > MAX_SLOTS) return -1;
  const s = nextSlot;
  nextSlot += width;
  return s;
}
