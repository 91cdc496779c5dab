/**
 * What the task API needs from the rest of tickstream, as narrow interfaces. The real implementations are the
 * TICKscript evaluator (tickscript/index.ts) and the runtime's TaskMaster (runtime/task-master.ts), wired in
 * server/services.ts; tests substitute small fakes.
 */
import type { DBRP, Pipeline, TickValue } from '../../tickscript/pipeline.ts';
import type { VarsRecord } from '../store/types.ts';
import type { AutoscaleView } from '../../autoscale/view.ts';

export type DotView = 'attributes' | 'labels';

/** `stats` of an executing task, as GET task returns it (SPEC 5.3 / 7.2). */
export interface ExecutionStats {
  readonly 'task-stats': Readonly<Record<string, unknown>>;
  readonly 'node-stats': Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface RunningTaskPort {
  dot(view: DotView): string;
  stats(): ExecutionStats;
  /** set when the task died after starting */
  readonly error?: string | undefined;
  /** the task's autoscale nodes (decision records, counters, resources) */
  autoscalers?(): readonly AutoscaleView[];
  /**
   * the node instances and their out-edges' counts, for the `nodes` and `edges` statistics of /debug/vars
   * (runtime/task.ts Task; a clustered instance's task view has none)
   */
  graph?(): readonly TaskNodeView[];
}

/** One node instance of a running task (runtime/task.ts TaskNodeView). */
export interface TaskNodeView {
  readonly name: string;
  /** the edge type the node emits */
  readonly provides: string;
  readonly outs: readonly { readonly child: string; readonly processed: number }[];
}

/** The subset of runtime/task-master.ts TaskMaster the API drives. */
export interface TaskRunnerPort {
  /**
   * Define-time check: why this pipeline can never run here (`line 3 char 5: node "sideload" is not supported yet`
   * for the first node kind the runtime does not execute), or undefined. The API answers 400 and stores nothing.
   */
  unsupported(pipeline: Pipeline): string | undefined;
  /** throws Error (e.g. `node "alert" is not supported yet`) when the task cannot start */
  startTask(id: string, pipeline: Pipeline, dbrps: readonly DBRP[]): RunningTaskPort;
  stopTask(id: string): void;
  /** a task was deleted: what outlives its runs goes too (its anonymous alert topics) */
  taskDeleted?(id: string): void;
  getTask(id: string): RunningTaskPort | undefined;
  /** cached httpOut body of a running task's endpoint, undefined when the task has no such endpoint */
  httpOut(taskId: string, endpoint: string): string | undefined;
}

/** Thrown by ScriptPort.evaluate for parse and evaluation errors; message without the `invalid TICKscript: ` prefix. */
export interface ScriptPort {
  /** Evaluates a script with the given vars (task vars override the script's own `var` values). */
  evaluate(script: string, vars: VarsRecord): Pipeline;
  /**
   * Evaluates a template script: typed declarations (`var x int`) may lack a value. The pipeline's `vars`
   * lists every declared var.
   */
  evaluateTemplate(script: string): Pipeline;
  /** Canonical formatting (SPEC 2.8); throws like evaluate on a script that does not parse. */
  format(script: string): string;
  /** TICKscript source of a lambda value (template var listings show lambdas as text) */
  lambdaSource(v: TickValue): string;
  /** DOT of a task that is not executing (SPEC 7.3) */
  staticDot(taskId: string, pipeline: Pipeline): string;
}
