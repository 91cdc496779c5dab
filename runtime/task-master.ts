/**
 * Owns the running tasks of one server: starts/stops them, routes written points to them (PointSink), serves
 * their httpOut endpoints. Kapacitor's `task_master.go`.
 */
import type { Logger } from 'pino';
import type { DBRP, Pipeline } from '../tickscript/pipeline.ts';
import type { Point, PointSink } from '../model/point.ts';
import { Router, type Routable } from './router.ts';
import type { RuntimeServices } from './services.ts';
import { Task, type RunningTask } from './task.ts';
import type { NodeRegistry } from './node-registry.ts';

export type { RuntimeServices } from './services.ts';
export type { RunningTask } from './task.ts';

export interface TaskMasterOptions {
  logger: Logger;
  /** the node kinds tasks may use: nodes/index.ts `builtinNodes` (passed in: runtime/ does not import nodes/) */
  nodes: NodeRegistry;
  services?: RuntimeServices;
  /** [stats] timing-sample-rate (default 0.10) */
  timingSampleRate?: number;
  /** [stats] timing-movavg-size (default 1000) */
  timingMovAvgSize?: number;
}

/** Loopback rounds routed within one write before the rest is dropped (a cycle between tasks). */
const MAX_LOOPBACK_ROUNDS = 1000;

export class TaskMaster implements PointSink {
  /** points written by kapacitorLoopback nodes, routed after the write being processed */
  private readonly loopback: Point[] = [];
  private readonly tasks = new Map<string, Task>();
  private readonly router = new Router();
  private readonly logger: Logger;
  private readonly services: RuntimeServices;
  private readonly timing: { sampleRate: number; movAvgSize: number };
  private readonly nodes: NodeRegistry;

  constructor(opts: TaskMasterOptions) {
    this.logger = opts.logger;
    this.nodes = opts.nodes;
    this.services = { ...opts.services, loopback: { write: (p: Point) => { this.loopback.push(p); } } };
    const sampleRate = opts.timingSampleRate ?? 0.1;
    const movAvgSize = opts.timingMovAvgSize ?? 1000;
    if (!(sampleRate >= 0 && sampleRate <= 1)) throw new Error(`timing-sample-rate must be within [0, 1], got ${sampleRate}`);
    if (!Number.isInteger(movAvgSize) || movAvgSize < 1) throw new Error(`timing-movavg-size must be a positive integer, got ${movAvgSize}`);
    this.timing = { sampleRate, movAvgSize };
  }

  /**
   * Why `pipeline` can never run here: the first node whose kind has no runtime (define-time check of the task
   * API, so the user gets a 400 naming the node and where it is written), or undefined.
   */
  unsupported(pipeline: Pipeline): string | undefined {
    for (const n of pipeline.nodes) {
      if (this.nodes.factory(n.kind) === undefined) return `line ${n.pos.line} char ${n.pos.column}: node "${n.kind}" is not supported yet`;
    }
    return undefined;
  }

  /** Start a task; throws an Error with a clear message (unsupported node, bad property, mismatched edges, …). */
  startTask(id: string, pipeline: Pipeline, dbrps: readonly DBRP[]): RunningTask {
    if (this.tasks.has(id)) throw new Error(`task ${id} is already running`);
    if (dbrps.length === 0) throw new Error(`task ${id}: must specify dbrp`);
    const task = new Task(id, pipeline, dbrps, { logger: this.logger, services: this.services, timing: this.timing, nodes: this.nodes });
    this.tasks.set(id, task);
    this.router.add(task);
    return task;
  }

  /** Stop a running task (no-op when not running); its httpOut endpoints disappear. */
  stopTask(id: string): void {
    const task = this.tasks.get(id);
    if (!task) return;
    this.router.remove(task);
    this.tasks.delete(id);
    task.stop();
  }

  /** A deleted task's anonymous alert topics are deleted with it (Kapacitor's deleteAlertHook). */
  taskDeleted(id: string): void {
    this.services.alerts?.deleteTaskTopics(id);
  }

  /**
   * Adds a tap: something that receives the points of its dbrps/measurements like a task does (a stream
   * recording). Costs nothing on the write path while no tap exists; `feed` must not throw.
   */
  addTap(tap: Routable): void {
    this.router.add(tap);
  }

  removeTap(tap: Routable): void {
    this.router.remove(tap);
  }

  /** The httpOut endpoint names of a running task (replays snapshot them when they end). */
  endpointNames(taskId: string): string[] {
    return this.tasks.get(taskId)?.endpointNames() ?? [];
  }

  getTask(id: string): RunningTask | undefined {
    return this.tasks.get(id);
  }

  /**
   * Synchronous: returns after the points went through every matching task, and after the points those tasks wrote
   * back with kapacitorLoopback (queued while a write is being routed, then routed in order, per dbrp).
   */
  writePoints(db: string, rp: string, points: Point[]): void {
    this.router.route(db, rp, points);
    if (this.loopback.length > 0) this.drainLoopback();
  }

  /**
   * Routes the loopback queue until it is empty. Tasks that feed each other through loopback could cycle forever
   * (in Kapacitor too); after MAX_LOOPBACK_ROUNDS rounds within one write the rest is dropped and logged.
   */
  private drainLoopback(): void {
    for (let round = 0; this.loopback.length > 0; round++) {
      const pts = this.loopback.splice(0);
      if (round === MAX_LOOPBACK_ROUNDS) {
        this.logger.error({ dropped: pts.length }, 'kapacitorLoopback: points keep looping between tasks; dropping them');
        return;
      }
      let start = 0;
      for (let i = 1; i <= pts.length; i++) {
        const a = pts[start]!;
        const b = pts[i];
        if (b !== undefined && b.db === a.db && b.rp === a.rp) continue;
        this.router.route(a.db, a.rp, pts.slice(start, i));
        start = i;
      }
    }
  }

  /** JSON body of an httpOut endpoint (SPEC 3.12), or undefined when the task or endpoint does not exist. */
  httpOut(taskId: string, endpoint: string): string | undefined {
    return this.tasks.get(taskId)?.endpoint(endpoint)?.renderJSON();
  }

  stopAll(): void {
    for (const id of [...this.tasks.keys()]) this.stopTask(id);
  }
}
