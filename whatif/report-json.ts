/**
 * A what-if report as JSON (the answer of POST /kapacitor/v1/whatif, the input of the CLI's tables and HTML page):
 * data times in Go's RFC3339Nano, the load/replica series downsampled to at most SERIES_POINTS points per
 * resource (each point: the highest load, the fewest ready pods and the most desired pods of its stretch, so
 * spikes and shortfalls stay visible).
 */
import { formatRFC3339Nano } from '../model/time.ts';
import type { TaskReport } from './run.ts';

export const SERIES_POINTS = 600;

export interface WhatIfOptionsJSON {
  'initial-replicas': number;
  'pod-capacity': number;
  /** Go duration text, e.g. 30s */
  startup: string;
}

export interface ResourceJSON {
  resource: string;
  node: string;
  changes: number;
  'max-replicas': number;
  'min-replicas': number;
  'final-replicas': number;
  'pod-seconds': number;
  'under-provisioned-seconds': number;
  'span-seconds': number;
  reasons: Record<string, number>;
  events: { time: string; from: number; to: number; reason: string; 'adjusted-by'?: string }[];
  series: { time: string[]; load: number[]; ready: number[]; desired: number[] };
}

export interface TaskJSON {
  task: string;
  'load-field': string;
  points: number;
  resources: ResourceJSON[];
}

export interface WhatIfJSON {
  options: WhatIfOptionsJSON;
  tasks: TaskJSON[];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function taskJSON(r: TaskReport): TaskJSON {
  return {
    task: r.task, 'load-field': r.loadField, points: r.points,
    resources: r.resources.map((x) => {
      const n = x.samples.length;
      const step = Math.max(1, Math.ceil(n / SERIES_POINTS));
      const series: ResourceJSON['series'] = { time: [], load: [], ready: [], desired: [] };
      for (let i = 0; i < n; i += step) {
        let load = -Infinity;
        let ready = Infinity;
        let desired = -Infinity;
        for (let j = i; j < Math.min(n, i + step); j++) {
          load = Math.max(load, x.samples[j]!.load);
          ready = Math.min(ready, x.readyAtSample[j]!);
          desired = Math.max(desired, x.desiredAtSample[j]!);
        }
        series.time.push(formatRFC3339Nano(x.samples[i]!.time));
        series.load.push(round(load));
        series.ready.push(ready);
        series.desired.push(desired);
      }
      return {
        resource: x.resource, node: x.node, changes: x.changes, 'max-replicas': x.maxReplicas, 'min-replicas': x.minReplicas,
        'final-replicas': x.finalReplicas, 'pod-seconds': round(x.podSeconds), 'under-provisioned-seconds': round(x.underProvisionedSeconds),
        'span-seconds': round(x.spanSeconds), reasons: x.reasons,
        events: x.events.map((e) => ({ time: formatRFC3339Nano(e.time), from: e.from, to: e.replicas, reason: e.reason, ...(e.adjustedBy ? { 'adjusted-by': e.adjustedBy } : {}) })),
        series,
      };
    }),
  };
}
