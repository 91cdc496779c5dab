/**
 * The SQLite side of the autoscale engine's persistence (autoscale/state-store.ts): decided state per resource,
 * written on every change, and decision records other than `unchanged`, kept up to RECORDS_PER_NODE per
 * (task, node). Shares the task store's database, hence its lock, WAL and crash safety.
 */
import type Database from 'better-sqlite3';
import type { AutoscaleStateScope, AutoscaleStateStore, PersistedResource } from '../../autoscale/state-store.ts';
import type { Actuation, DecisionReason, DecisionRecord } from '../../autoscale/types.ts';

/** Decision records kept per autoscale node; older ones are pruned as new ones arrive. */
export const RECORDS_PER_NODE = 100_000;

interface ResourceRow {
  namespace: string;
  kind: string;
  name: string;
  current: bigint;
  last_increase: bigint | null;
  last_decrease: bigint | null;
  desired: bigint;
  applied: bigint | null;
}

/** A record as stored: JSON cannot hold bigints, so times and the recommendation are decimal strings. */
interface StoredRecord {
  seq: number;
  time: string;
  resource: string;
  current: number;
  recommended: string | null;
  clamped: number | null;
  final: number;
  reason: DecisionReason;
  adjustedBy?: DecisionRecord['adjustedBy'];
  error?: string;
  actuation?: Actuation;
}

export class SqliteAutoscaleStore implements AutoscaleStateStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      resources: db.prepare<[string, string], ResourceRow>(
        'SELECT namespace, kind, name, current, last_increase, last_decrease, desired, applied FROM autoscale_resources WHERE task = ? AND node = ? ORDER BY namespace, kind, name'),
      saveResource: db.prepare(`INSERT OR REPLACE INTO autoscale_resources
        (task, node, namespace, kind, name, current, last_increase, last_decrease, desired, applied)
        VALUES (@task, @node, @namespace, @kind, @name, @current, @last_increase, @last_decrease, @desired, @applied)`),
      saveRecord: db.prepare('INSERT OR REPLACE INTO autoscale_decisions (task, node, seq, time, resource, record) VALUES (?, ?, ?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM autoscale_decisions WHERE task = ? AND node = ? AND seq <= ?'),
      records: db.prepare<[string, string, number], { record: string }>(
        'SELECT record FROM (SELECT seq, record FROM autoscale_decisions WHERE task = ? AND node = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq'),
      nodesOf: db.prepare<[string, string], { node: string }>(
        'SELECT DISTINCT node FROM autoscale_decisions WHERE task = ? UNION SELECT DISTINCT node FROM autoscale_resources WHERE task = ? ORDER BY node'),
      deleteResources: db.prepare('DELETE FROM autoscale_resources WHERE task = ?'),
      deleteRecords: db.prepare('DELETE FROM autoscale_decisions WHERE task = ?'),
    };
  }

  scope(task: string, node: string): AutoscaleStateScope {
    const s = this.stmts;
    const db = this.db;
    return {
      loadResources: (): PersistedResource[] => s.resources.all(task, node).map((r) => ({
        namespace: r.namespace, kind: r.kind, name: r.name, current: Number(r.current),
        lastIncrease: r.last_increase ?? undefined, lastDecrease: r.last_decrease ?? undefined,
        desired: Number(r.desired), applied: r.applied === null ? undefined : Number(r.applied),
      })),
      saveResource: (r: PersistedResource): void => {
        s.saveResource.run({
          task, node, namespace: r.namespace, kind: r.kind, name: r.name, current: r.current,
          last_increase: r.lastIncrease ?? null, last_decrease: r.lastDecrease ?? null, desired: r.desired, applied: r.applied ?? null,
        });
      },
      saveRecords: (records: readonly DecisionRecord[]): void => {
        db.transaction(() => {
          let maxSeq = 0;
          for (const r of records) {
            s.saveRecord.run(task, node, r.seq, r.time, r.resource, JSON.stringify(toStored(r)));
            if (r.seq > maxSeq) maxSeq = r.seq;
          }
          s.prune.run(task, node, maxSeq - RECORDS_PER_NODE);
        })();
      },
      loadRecords: (limit: number): DecisionRecord[] => s.records.all(task, node, limit).map((row) => fromStored(JSON.parse(row.record) as StoredRecord)),
    };
  }

  /** The autoscale nodes of a task that have saved anything (the decisions API of a stopped task). */
  nodesOf(task: string): string[] {
    return this.stmts.nodesOf.all(task, task).map((r) => r.node);
  }

  /** Forget a deleted task's state. */
  deleteTask(task: string): void {
    this.stmts.deleteResources.run(task);
    this.stmts.deleteRecords.run(task);
  }
}

function toStored(r: DecisionRecord): StoredRecord {
  const out: StoredRecord = {
    seq: r.seq, time: r.time.toString(), resource: r.resource, current: r.current,
    recommended: r.recommended === undefined ? null : r.recommended.toString(), clamped: r.clamped ?? null, final: r.final, reason: r.reason,
  };
  if (r.adjustedBy) out.adjustedBy = r.adjustedBy;
  if (r.error) out.error = r.error;
  if (r.actuation) out.actuation = { ...r.actuation };
  return out;
}

function fromStored(s: StoredRecord): DecisionRecord {
  const rec: DecisionRecord = {
    seq: s.seq, time: BigInt(s.time), resource: s.resource, current: s.current,
    recommended: s.recommended === null ? undefined : BigInt(s.recommended), clamped: s.clamped ?? undefined, final: s.final, reason: s.reason,
    ...(s.adjustedBy ? { adjustedBy: s.adjustedBy } : {}), ...(s.error ? { error: s.error } : {}),
  };
  if (s.actuation) rec.actuation = s.actuation;
  return rec;
}
