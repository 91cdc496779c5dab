/**
 * How the API and /metrics see an autoscale node of a running task, without knowing the node class: its
 * decision log, its counters and its resources.
 */
import type { EngineCounters } from './engine.ts';
import type { RecordQuery } from './records.ts';
import type { DecisionRecord } from './types.ts';

export interface AutoscaleView {
  /** Kapacitor's node name, e.g. k8s_autoscale6 */
  readonly name: string;
  decisions(q: RecordQuery): DecisionRecord[];
  readonly autoscaleCounters: EngineCounters;
  /** per resource: decided and (last known) applied replicas */
  autoscaleResources(): Iterable<{ key: string; decided: number; applied: number | undefined }>;
}

export function isAutoscaleView(n: unknown): n is AutoscaleView {
  return typeof n === 'object' && n !== null && typeof (n as { decisions?: unknown }).decisions === 'function'
    && typeof (n as { autoscaleResources?: unknown }).autoscaleResources === 'function';
}
