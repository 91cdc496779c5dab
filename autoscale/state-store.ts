/**
 * What the engine persists, as an interface (implemented over SQLite in server/store/autoscale-store.ts):
 * per resource the decided count, the cooldown clocks and the actuation state, written on every change, and
 * the decision records other than `unchanged`. One scope per (task, node).
 */
import type { DecisionRecord } from './types.ts';

export interface PersistedResource {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  /** decided replicas */
  readonly current: number;
  readonly lastIncrease: bigint | undefined;
  readonly lastDecrease: bigint | undefined;
  /** the count the actuator is asked to reach */
  readonly desired: number;
  /** the count the cluster was last known to hold (undefined: never confirmed) */
  readonly applied: number | undefined;
}

export interface AutoscaleStateScope {
  loadResources(): PersistedResource[];
  saveResource(r: PersistedResource): void;
  /** insert or update (by seq) */
  saveRecords(records: readonly DecisionRecord[]): void;
  /** the newest `limit` records, oldest first */
  loadRecords(limit: number): DecisionRecord[];
}

export interface AutoscaleStateStore {
  scope(taskId: string, node: string): AutoscaleStateScope;
}
