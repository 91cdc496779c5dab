/**
 * Routes written points to tasks (SPEC 3.3, Kapacitor 1.8 `task_master.go` forkPoint): a point reaches a
 * stream task iff its (db, rp) is one of the task's dbrps and its measurement equals the `.measurement()` of one
 * of the task's `from` nodes, or some `from` has no measurement.
 *
 * Cost follows matching tasks, not all tasks: tasks are indexed by (db, rp) and measurement, and the resolved
 * target list per measurement is cached, so a point costs one lookup (skipped while consecutive points share a
 * measurement) plus one push per matching task.
 */
import type { Point } from '../model/point.ts';

/** What the router needs from a task. */
export interface Routable {
  readonly id: string;
  readonly dbrps: readonly { readonly db: string; readonly rp: string }[];
  /** null = every measurement */
  readonly measurements: readonly string[] | null;
  /** scratch buffer the router fills during one write */
  readonly pending: Point[];
  feed(points: readonly Point[]): void;
}

const EMPTY: readonly Routable[] = Object.freeze([]);
/** Bound on cached measurement names per dbrp (names come from clients; never grow without limit). */
const MAX_CACHED_NAMES = 10000;

class DbrpRoutes {
  readonly byName = new Map<string, Routable[]>();
  readonly all: Routable[] = [];
  private cache = new Map<string, readonly Routable[]>();

  targets(name: string): readonly Routable[] {
    let t = this.cache.get(name);
    if (t === undefined) {
      const specific = this.byName.get(name);
      if (!specific) t = this.all.length ? this.all.slice() : EMPTY;
      else if (!this.all.length) t = specific.slice();
      else t = mergeInStartOrder(this.all, specific);
      if (this.cache.size >= MAX_CACHED_NAMES) this.cache = new Map();
      this.cache.set(name, t);
    }
    return t;
  }

  invalidate(): void {
    this.cache = new Map();
  }

  get empty(): boolean {
    return this.all.length === 0 && this.byName.size === 0;
  }
}

/** Order of delivery between tasks follows start order (stable, deterministic). */
function mergeInStartOrder(a: readonly Routable[], b: readonly Routable[]): Routable[] {
  const seen = new Set<Routable>();
  const out: Routable[] = [];
  for (const t of [...a, ...b]) if (!seen.has(t)) { seen.add(t); out.push(t); }
  return out.sort((x, y) => order.get(x)! - order.get(y)!);
}
const order = new WeakMap<Routable, number>();
let nextOrder = 0;

export class Router {
  private readonly dbrps = new Map<string, DbrpRoutes>();
  private readonly touched: Routable[] = [];

  add(task: Routable): void {
    order.set(task, nextOrder++);
    for (const { db, rp } of task.dbrps) {
      const key = db + '\u0000' + rp;
      let r = this.dbrps.get(key);
      if (!r) { r = new DbrpRoutes(); this.dbrps.set(key, r); }
      if (task.measurements === null) {
        if (!r.all.includes(task)) r.all.push(task);
      } else {
        for (const m of task.measurements) {
          let l = r.byName.get(m);
          if (!l) { l = []; r.byName.set(m, l); }
          if (!l.includes(task)) l.push(task);
        }
      }
      r.invalidate();
    }
  }

  remove(task: Routable): void {
    for (const [key, r] of this.dbrps) {
      const i = r.all.indexOf(task);
      if (i >= 0) r.all.splice(i, 1);
      for (const [m, l] of r.byName) {
        const j = l.indexOf(task);
        if (j >= 0) l.splice(j, 1);
        if (l.length === 0) r.byName.delete(m);
      }
      r.invalidate();
      if (r.empty) this.dbrps.delete(key);
    }
  }

  /** Deliver `points` (all written to db/rp) to every matching task, in order, synchronously. */
  route(db: string, rp: string, points: readonly Point[]): void {
    const r = this.dbrps.get(db + '\u0000' + rp);
    if (!r || points.length === 0) return;
    // Fast path: every point goes to the same target list (one measurement per write, the common case) —
    // hand the caller's array to those tasks without copying.
    let name = points[0]!.name;
    const first = r.targets(name);
    let i = 1;
    for (; i < points.length; i++) {
      const n = points[i]!.name;
      if (n === name) continue;
      name = n;
      if (r.targets(n) !== first) break;
    }
    if (i === points.length) {
      for (let k = 0; k < first.length; k++) first[k]!.feed(points);
      return;
    }
    // General case: split per task, keeping each task's points in write order.
    const touched = this.touched;
    let lastName: string | undefined;
    let targets: readonly Routable[] = EMPTY;
    for (let j = 0; j < points.length; j++) {
      const p = points[j]!;
      if (p.name !== lastName) { lastName = p.name; targets = r.targets(p.name); }
      for (let k = 0; k < targets.length; k++) {
        const t = targets[k]!;
        if (t.pending.length === 0) touched.push(t);
        t.pending.push(p);
      }
    }
    // Tasks in start order, as in the fast path.
    touched.sort((x, y) => order.get(x)! - order.get(y)!);
    for (let k = 0; k < touched.length; k++) {
      const t = touched[k]!;
      try {
        t.feed(t.pending);
      } finally {
        t.pending.length = 0;
      }
    }
    touched.length = 0;
  }
}
