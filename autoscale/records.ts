/**
 * The decision log of one autoscale node: a bounded ring of the most recent records (every evaluated point),
 * queried by resource and data time. Older records fall off; the SQLite copy of the non-`unchanged` ones
 * (server/store) outlives the ring and restarts.
 */
import type { DecisionRecord } from './types.ts';

export const DEFAULT_RING_SIZE = 10_000;

export interface RecordQuery {
  /** exact resource key `namespace/kind/name`, or a bare name matching any namespace/kind */
  readonly resource?: string;
  /** data time, ns: records with time >= since */
  readonly since?: bigint;
  /** at most this many, the newest ones, returned oldest first */
  readonly limit?: number;
  /** only these reasons */
  readonly reasons?: ReadonlySet<string>;
}

export class RecordRing {
  private readonly buf: (DecisionRecord | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity = DEFAULT_RING_SIZE) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new Error(`decision ring size must be a positive integer, got ${capacity}`);
    this.buf = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(r: DecisionRecord): void {
    this.buf[this.next] = r;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Newest last. */
  query(q: RecordQuery = {}): DecisionRecord[] {
    const limit = q.limit ?? 100;
    const out: DecisionRecord[] = [];
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const r = this.buf[(this.next - i + this.capacity) % this.capacity]!;
      if (!matches(r, q)) continue;
      out.push(r);
    }
    return out.reverse();
  }
}

export function matches(r: DecisionRecord, q: RecordQuery): boolean {
  if (q.since !== undefined && r.time < q.since) return false;
  if (q.reasons !== undefined && !q.reasons.has(r.reason)) return false;
  if (q.resource !== undefined && q.resource !== '' && r.resource !== q.resource && !r.resource.endsWith('/' + q.resource)) return false;
  return true;
}
