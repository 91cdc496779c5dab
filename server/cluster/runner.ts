/**
 * The task runner of a clustered instance (server/api's TaskRunnerPort): the task API defines, enables and stops
 * tasks here as usual; each task runs once per partition this instance owns (server/cluster/partition-runner.ts).
 * `getTask` is a view over all those copies: DOT and stats summed over partitions (avg_exec_time_ns: the
 * largest), autoscale decisions merged in data-time order, httpOut series concatenated.
 */
import type { Logger } from 'pino';
import type { RunningTaskPort, TaskRunnerPort, ExecutionStats, DotView } from '../api/ports.ts';
import { TaskMaster, type RuntimeServices } from '../../runtime/task-master.ts';
import type { Task } from '../../runtime/task.ts';
import { nodeStatValues } from '../../runtime/task.ts';
import { sortedNodeIds } from '../../runtime/dot.ts';
import { formatGoDuration } from '../../gocompat/duration.ts';
import type { AutoscaleView } from '../../autoscale/view.ts';
import { EngineCounters } from '../../autoscale/engine.ts';
import type { RecordQuery } from '../../autoscale/records.ts';
import type { DecisionRecord } from '../../autoscale/types.ts';
import type { DBRP, Pipeline } from '../../tickscript/pipeline.ts';
import type { PartitionRunner, TaskDef } from './partition-runner.ts';
import { builtinNodes } from '../../nodes/index.ts';

export class ClusterRunner implements TaskRunnerPort {
  readonly defs = new Map<string, TaskDef>();
  readonly partitions = new Map<number, PartitionRunner>();
  /** validates a task the way a partition will start it, without keeping it running */
  private readonly probe: TaskMaster;
  /** called after the set of running tasks changed (the derived partition tag follows it) */
  onTasksChanged: (() => void) | undefined;

  constructor(logger: Logger, services: RuntimeServices) {
    this.probe = new TaskMaster({ nodes: builtinNodes, logger: logger.child({ component: 'cluster_probe' }), services: { ...services, autoscaleState: undefined } });
  }

  unsupported(pipeline: Pipeline): string | undefined {
    return this.probe.unsupported(pipeline);
  }

  /** a deleted task's anonymous alert topics go with it, on every partition this instance runs */
  taskDeleted(id: string): void {
    for (const pr of this.partitions.values()) pr.taskMaster.taskDeleted(id);
  }

  startTask(id: string, pipeline: Pipeline, dbrps: readonly DBRP[]): RunningTaskPort {
    if (this.defs.has(id)) throw new Error(`task ${id} is already running`);
    this.probe.startTask(id, pipeline, dbrps); // throws the task's start error (unsupported node, bad property …)
    this.probe.stopTask(id);
    const def = { pipeline, dbrps };
    this.defs.set(id, def);
    for (const pr of this.partitions.values()) pr.startTask(id, def);
    this.onTasksChanged?.();
    return this.getTask(id)!;
  }

  stopTask(id: string): void {
    if (!this.defs.delete(id)) return;
    for (const pr of this.partitions.values()) pr.stopTask(id);
    this.onTasksChanged?.();
  }

  getTask(id: string): RunningTaskPort | undefined {
    const def = this.defs.get(id);
    if (def === undefined) return undefined;
    const copies = (): Task[] => {
      const out: Task[] = [];
      for (const p of [...this.partitions.keys()].sort((a, b) => a - b)) {
        const t = this.partitions.get(p)!.task(id);
        if (t) out.push(t);
      }
      return out;
    };
    return new ClusterTaskView(id, def.pipeline, copies);
  }

  httpOut(taskId: string, endpoint: string): string | undefined {
    if (!this.defs.has(taskId)) return undefined;
    let found = false;
    const series: unknown[] = [];
    for (const pr of this.partitions.values()) {
      const body = pr.taskMaster.httpOut(taskId, endpoint);
      if (body === undefined) continue;
      found = true;
      const parsed = JSON.parse(body) as { series?: unknown[] };
      if (parsed.series) series.push(...parsed.series);
    }
    if (!found) return this.probeHasEndpoint(taskId, endpoint) ? '{}' : undefined;
    return series.length === 0 ? '{}' : JSON.stringify({ series });
  }

  private probeHasEndpoint(taskId: string, endpoint: string): boolean {
    const def = this.defs.get(taskId)!;
    return def.pipeline.nodes.some((n) => n.kind === 'httpOut' && n.args[0]?.type === 'string' && n.args[0].value === endpoint);
  }
}

/** One task as the API sees it on a clustered instance: the sum of its copies in the owned partitions. */
class ClusterTaskView implements RunningTaskPort {
  constructor(readonly id: string, private readonly pipeline: Pipeline, private readonly copies: () => Task[]) {}

  get error(): string | undefined {
    for (const t of this.copies()) if (t.error) return t.error;
    return undefined;
  }

  stats(): ExecutionStats {
    const tasks = this.copies();
    const nodeStats: Record<string, Record<string, number>> = {};
    let throughput = 0;
    for (const t of tasks) {
      throughput += t.throughput;
      for (const n of t.nodes) sumInto(nodeStats[n.name] ??= {}, nodeStatValues(n, true));
    }
    if (tasks.length === 0) for (const n of this.pipeline.nodes) nodeStats[n.name] = { avg_exec_time_ns: 0, collected: 0, emitted: 0, errors: 0, working_cardinality: 0 };
    return { 'task-stats': { throughput }, 'node-stats': nodeStats };
  }

  dot(view: DotView): string {
    const tasks = this.copies();
    const labels = view === 'labels';
    const stats = this.stats();
    const unit = this.pipeline.type === 'batch' ? 'batches' : 'points';
    const tp = (stats['task-stats'] as { throughput: number }).throughput.toFixed(2) + ' ' + unit + '/s';
    let s = 'digraph ' + this.id + ' {\n';
    s += labels ? 'graph [label="Throughput: ' + tp + '" forcelabels=true pad="0.8,0.5"];\n' : 'graph [throughput="' + tp + '"];\n';
    for (const id of sortedNodeIds(this.pipeline)) {
      const pn = this.pipeline.nodes[id]!;
      const ns = (stats['node-stats'] as Record<string, Record<string, number>>)[pn.name] ?? {};
      const shown: [string, string][] = [];
      for (const [k, v] of Object.entries(ns)) {
        if (k === 'collected' || k === 'emitted') continue;
        shown.push([k, k === 'avg_exec_time_ns' ? formatGoDuration(BigInt(Math.round(v))) : String(v)]);
      }
      shown.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const edges = [...pn.children].sort((a, b) => a - b).map((c) => {
        let processed = 0;
        for (const t of tasks) processed += t.nodes[id]!.outs.find((e) => e.child.name === this.pipeline.nodes[c]!.name)?.processed ?? 0;
        return { child: this.pipeline.nodes[c]!.name, processed };
      });
      if (labels) {
        s += '\n' + pn.name + ' [xlabel="' + shown.map(([k, v]) => k + '=' + v).join('\\r') + '"];\n';
        for (const e of edges) s += pn.name + ' -> ' + e.child + ' [label="processed=' + e.processed + '"];\n';
      } else {
        s += '\n' + pn.name + ' [';
        for (const [k, v] of shown) s += k + '="' + v + '" ';
        s += '];\n';
        for (const e of edges) s += pn.name + ' -> ' + e.child + ' [processed="' + e.processed + '"];\n';
      }
    }
    return s + '}';
  }

  autoscalers(): readonly AutoscaleView[] {
    const byName = new Map<string, AutoscaleView[]>();
    for (const t of this.copies()) {
      for (const a of t.autoscalers()) {
        let l = byName.get(a.name);
        if (!l) byName.set(a.name, (l = []));
        l.push(a);
      }
    }
    return [...byName].map(([name, views]) => mergedView(name, views));
  }
}

function sumInto(acc: Record<string, number>, v: Record<string, number>): void {
  for (const [k, x] of Object.entries(v)) acc[k] = k === 'avg_exec_time_ns' ? Math.max(acc[k] ?? 0, x) : (acc[k] ?? 0) + x;
}

function mergedView(name: string, views: AutoscaleView[]): AutoscaleView {
  const counters = new EngineCounters();
  for (const v of views) {
    const c = v.autoscaleCounters;
    for (const [r, n] of c.reasons) counters.reasons.set(r, (counters.reasons.get(r) ?? 0) + n);
    counters.increases += c.increases; counters.decreases += c.decreases; counters.holdOverflows += c.holdOverflows;
    counters.resourceLimitDrops += c.resourceLimitDrops; counters.readFailures += c.readFailures;
    counters.actuationFailures += c.actuationFailures; counters.actuationsApplied += c.actuationsApplied;
    counters.manualOverrides += c.manualOverrides; counters.persistFailures += c.persistFailures;
  }
  return {
    name,
    autoscaleCounters: counters,
    decisions(q: RecordQuery): DecisionRecord[] {
      const limit = q.limit ?? 100;
      const all: DecisionRecord[] = [];
      for (const v of views) all.push(...v.decisions(q));
      all.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : a.seq - b.seq));
      return all.slice(Math.max(0, all.length - limit));
    },
    *autoscaleResources() {
      for (const v of views) yield* v.autoscaleResources();
    },
  };
}
