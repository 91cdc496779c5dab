/**
 * Where /write hands parsed points, and the ingress statistics Kapacitor keeps per (database, retention policy,
 * measurement). The runtime's TaskMaster implements PointSink (model/point.ts: routing points to tasks); until a sink is plugged
 * in, CountingSink stands in. Ingress counts are kept here, before the sink, so every accepted point is counted
 * whether or not a task consumes it — as Kapacitor's `ingress` statistic (task_master=main) does.
 */
import type { Point, PointSink } from '../../model/point.ts';

/** One `ingress` statistic as /kapacitor/v1/debug/vars shows it (SPEC 5.5). */
export interface IngressStat {
  name: 'ingress';
  tags: { task_master: string; database: string; retention_policy: string; measurement: string };
  values: { points_received: number };
}

interface Counter { value: number }

export class IngressStats {
  /** db → rp → measurement → counter; nested so recording needs no string building per point. */
  private readonly byDb = new Map<string, Map<string, Map<string, Counter>>>();

  constructor(readonly taskMaster = 'main') {}

  /** Counts a request's points; consecutive points of one measurement cost one map lookup per run. */
  record(db: string, rp: string, points: readonly Point[]): void {
    const n = points.length;
    if (n === 0) return;
    let byRp = this.byDb.get(db);
    if (!byRp) this.byDb.set(db, (byRp = new Map()));
    let byName = byRp.get(rp);
    if (!byName) byRp.set(rp, (byName = new Map()));
    let i = 0;
    while (i < n) {
      const name = points[i]!.name;
      let j = i + 1;
      while (j < n && points[j]!.name === name) j++;
      let c = byName.get(name);
      if (!c) byName.set(name, (c = { value: 0 }));
      c.value += j - i;
      i = j;
    }
  }

  /** points_received for one series of counters, 0 when never seen. */
  pointsReceived(db: string, rp: string, measurement: string): number {
    return this.byDb.get(db)?.get(rp)?.get(measurement)?.value ?? 0;
  }

  /** Every counter, sorted by database, retention policy, measurement. */
  snapshot(): IngressStat[] {
    const out: IngressStat[] = [];
    for (const db of [...this.byDb.keys()].sort()) {
      const byRp = this.byDb.get(db)!;
      for (const rp of [...byRp.keys()].sort()) {
        const byName = byRp.get(rp)!;
        for (const measurement of [...byName.keys()].sort()) {
          out.push({
            name: 'ingress',
            tags: { task_master: this.taskMaster, database: db, retention_policy: rp, measurement },
            values: { points_received: byName.get(measurement)!.value },
          });
        }
      }
    }
    return out;
  }

  reset(): void {
    this.byDb.clear();
  }
}

/** A sink that only counts: what the server uses until a TaskMaster is plugged in, and a test double. */
export class CountingSink implements PointSink {
  points = 0;
  writes = 0;
  /** the last batch written, for tests that inspect what was routed */
  last: { db: string; rp: string; points: Point[] } | undefined;

  writePoints(db: string, rp: string, points: Point[]): void {
    this.points += points.length;
    this.writes++;
    this.last = { db, rp, points };
  }
}
