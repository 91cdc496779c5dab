/**
 * What /metrics reports about tasks, read once per scrape from the task store and the running tasks' own
 * counters (RunningTask.stats(), the numbers GET task shows as `stats`, SPEC 7.2). Nothing here runs per point.
 */

import type { AutoscaleView } from '../../autoscale/view.ts';

/** The stats of a running task as the runtime reports them (runtime/task.ts Task.stats()). */
export interface RunningTaskStats {
  stats(): {
    readonly 'task-stats': Readonly<Record<string, unknown>>;
    readonly 'node-stats': Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  };
  /** set when the task died after starting */
  readonly error?: string | undefined;
  /** the task's autoscale nodes */
  autoscalers?(): readonly AutoscaleView[];
}

/** The task store and task master, as narrow as /metrics needs them. */
export interface TaskSource {
  /** every defined task (id and status) */
  listTasks(): Iterable<{ readonly id: string; readonly status: string }>;
  /** the running instance of a task, undefined when it is not executing */
  getTask(id: string): RunningTaskStats | undefined;
}

/** One node of one running task. */
export interface NodeSample {
  readonly task: string;
  /** Kapacitor's node name, `<kind><id>`: from1, k8s_autoscale6 */
  readonly node: string;
  /** the name without its id: from, k8s_autoscale (the `kind` tag of Kapacitor's node statistics) */
  readonly kind: string;
  readonly collected: number;
  readonly emitted: number;
  readonly errors: number;
  readonly workingCardinality: number;
  readonly avgExecTimeNs: number;
  /** node-specific counters (increase_events, alerts_triggered, …) by name */
  readonly counters: ReadonlyMap<string, number>;
}

export interface TaskSnapshot {
  readonly enabled: number;
  readonly disabled: number;
  /** enabled tasks that are running without an error */
  readonly executing: number;
  /** task id → points/s the source node collected over the last second (SPEC 7.2 `throughput`) */
  readonly throughput: ReadonlyMap<string, number>;
  readonly nodes: readonly NodeSample[];
  /** autoscale nodes of the executing tasks */
  readonly autoscalers: readonly { readonly task: string; readonly view: AutoscaleView }[];
}

/** The statistics every node has (SPEC 7.2); every other number in a node's stats is a node-specific counter. */
const GENERIC = new Set(['avg_exec_time_ns', 'collected', 'emitted', 'errors', 'working_cardinality']);

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function readTasks(source: TaskSource): TaskSnapshot {
  let enabled = 0;
  let disabled = 0;
  let executing = 0;
  const throughput = new Map<string, number>();
  const nodes: NodeSample[] = [];
  const autoscalers: { task: string; view: AutoscaleView }[] = [];
  for (const t of source.listTasks()) {
    if (t.status !== 'enabled') {
      disabled++;
      continue;
    }
    enabled++;
    const rt = source.getTask(t.id);
    // a task that died after starting is not executing (the task API stops it and saves its error on the next read)
    if (!rt || rt.error) continue;
    executing++;
    for (const view of rt.autoscalers?.() ?? []) autoscalers.push({ task: t.id, view });
    const stats = rt.stats();
    throughput.set(t.id, num(stats['task-stats']['throughput']));
    for (const [node, values] of Object.entries(stats['node-stats'])) {
      const counters = new Map<string, number>();
      for (const [k, v] of Object.entries(values)) {
        if (!GENERIC.has(k) && typeof v === 'number') counters.set(k, v);
      }
      nodes.push({
        task: t.id,
        node,
        kind: node.replace(/\d+$/, ''),
        collected: num(values['collected']),
        emitted: num(values['emitted']),
        errors: num(values['errors']),
        workingCardinality: num(values['working_cardinality']),
        avgExecTimeNs: num(values['avg_exec_time_ns']),
        counters,
      });
    }
  }
  return { enabled, disabled, executing, throughput, nodes, autoscalers };
}
