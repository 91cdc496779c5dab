/**
 * A what-if replay: run a task's pipeline over recorded points in an isolated TaskMaster whose k8sAutoscale nodes
 * scale a simulated cluster (whatif/sim-cluster.ts), collect every decision and the load each resource saw, and
 * simulate what the decisions would have cost (whatif/simulate.ts). Nothing touches the live tasks, the task store
 * or a real cluster; the result depends on the points and the options only.
 */
import pino, { type Logger } from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import type { Point } from '../model/point.ts';
import type { DBRP, Pipeline } from '../tickscript/pipeline.ts';
import type { DecisionRecord } from '../autoscale/types.ts';
import { DECISION_REASONS } from '../autoscale/types.ts';
import { SimulatedCluster } from './sim-cluster.ts';
import { simulate, type LoadSample, type ResourceCost, type ScaleEvent } from './simulate.ts';
import { autoscaleNodes, defaultLoadField } from './load-field.ts';
import { builtinNodes } from '../nodes/index.ts';

export interface PointChunk {
  readonly db: string;
  readonly rp: string;
  readonly points: Point[];
}

export interface WhatIfOptions {
  readonly initialReplicas: number;
  readonly podCapacity: number;
  /** ns */
  readonly startup: bigint;
  /** the field holding the load at the autoscale node's input (default: the replicas lambda's first field) */
  readonly loadField?: string;
}

export interface WhatIfTask {
  readonly id: string;
  readonly pipeline: Pipeline;
  readonly dbrps: readonly DBRP[];
}

export interface ResourceReport extends ResourceCost {
  readonly task: string;
  readonly node: string;
  readonly resource: string;
  readonly reasons: Record<string, number>;
  readonly events: (ScaleEvent & { readonly from: number; readonly adjustedBy?: string })[];
  readonly samples: LoadSample[];
}

export interface TaskReport {
  readonly task: string;
  readonly loadField: string;
  readonly points: number;
  readonly resources: ResourceReport[];
}

interface Collected {
  node: string;
  samples: LoadSample[];
  events: ResourceReport['events'];
  reasons: Record<string, number>;
  /** the count before the first decision (the simulated cluster's first read) */
  first: number | undefined;
}

export async function runWhatIf(task: WhatIfTask, source: AsyncIterable<PointChunk> | Iterable<PointChunk>, o: WhatIfOptions,
  logger: Logger = pino({ level: 'silent' })): Promise<TaskReport> {
  if (autoscaleNodes(task.pipeline).length === 0) throw new Error(`task ${task.id} has no k8sAutoscale node: a what-if replay needs one`);
  const loadField = o.loadField ?? defaultLoadField(task.pipeline);
  if (loadField === undefined || loadField === '') throw new Error(`task ${task.id}: cannot tell which field is the load (the replicas lambda reads no field); give the load field`);
  const cluster = new SimulatedCluster(o.initialReplicas);
  const perResource = new Map<string, Collected>();
  const collected = (node: string, resource: string): Collected => {
    let c = perResource.get(resource);
    if (c === undefined) {
      c = { node, samples: [], events: [], reasons: Object.fromEntries(DECISION_REASONS.map((r) => [r, 0])), first: undefined };
      perResource.set(resource, c);
    }
    return c;
  };
  const tm = new TaskMaster({
    nodes: builtinNodes,
    logger,
    services: {
      kubernetes: cluster,
      autoscaleLimits: { ringSize: 1 },
      autoscaleObserver: {
        point(_task, node, resource, p) {
          const v = p.fields[loadField];
          const load = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
          if (load !== undefined && Number.isFinite(load)) collected(node, resource).samples.push({ time: p.time, load });
        },
        decided(_task, node, r: DecisionRecord) {
          const c = collected(node, r.resource);
          c.reasons[r.reason] = (c.reasons[r.reason] ?? 0) + 1;
          if (c.first === undefined && r.reason !== 'error') c.first = r.current;
          if (r.reason === 'scaled') {
            c.events.push({ time: r.time, replicas: r.final, from: r.current, reason: r.reason, ...(r.adjustedBy ? { adjustedBy: r.adjustedBy } : {}) });
          }
        },
      },
    },
  });
  let points = 0;
  try {
    const running = tm.startTask(task.id, task.pipeline, task.dbrps);
    const views = running.autoscalers() as unknown as { whenIdle(): Promise<void> }[];
    for await (const chunk of source) {
      tm.writePoints(chunk.db, chunk.rp, chunk.points);
      points += chunk.points.length;
      // first reads of new resources answer in microtasks; let them settle so memory stays bounded
      for (const v of views) await v.whenIdle();
    }
    for (const v of views) await v.whenIdle();
  } finally {
    tm.stopAll();
  }
  const resources: ResourceReport[] = [];
  for (const [resource, c] of [...perResource].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const cost = simulate(c.samples, c.events, { initialReplicas: c.first ?? o.initialReplicas, podCapacity: o.podCapacity, startup: o.startup });
    resources.push({ task: task.id, node: c.node, resource, reasons: c.reasons, events: c.events, samples: c.samples, ...cost });
  }
  return { task: task.id, loadField, points, resources };
}
