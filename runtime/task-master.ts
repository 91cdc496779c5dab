/**
 * Owns the running tasks of one server: starts/stops them, routes written points to them (PointSink), serves
 * their httpOut endpoints. Kapacitor's `task_master.go`.
 */
import type { Logger } from 'pino';
import type { DBRP, Pipeline } from '../tickscript/pipeline.ts';
import type { Point } from './point.ts';
import { Router, type Routable } from './router.ts';
import type { RuntimeServices } from './services.ts';
import { Task, type RunningTask } from './task.ts';

export type { RuntimeServices } from './services.ts';
export type { RunningTask } from './task.ts';

/** Where ingest hands parsed points. */
export interface PointSink {
  writePoints(db: string, rp: string, points: Point[]): void;
}

export interface TaskMasterOptions {
  logger: Logger;
  services?: RuntimeServices;
  /** [stats] timing-sample-rate (default 0.10) */
  timingSampleRate?: number;
  /** [stats] timing-movavg-size (default 1000) */
  timingMovAvgSize?: number;
}

export class TaskMaster implements PointSink {
  private readonly tasks = new Map<string, Task>();
  private readonly router = new Router();
  private readonly logger: Logger;
  private readonly services: RuntimeServices;
  private readonly timing: { sampleRate: number; movAvgSize: number };

  constructor(opts: TaskMasterOptions) {
    this.logger = opts.logger;
    this.services = opts.services ?? {};
    const sampleRate = opts.timingSampleRate ?? 0.1;
    const movAvgSize = opts.timingMovAvgSize ?? 1000;
    if (!(sampleRate >= 0 && sampleRate <= 1)) throw new Error(`timing-sample-rate must be within [0, 1], got ${sampleRate}`);
    if (!Number.isInteger(movAvgSize) || movAvgSize < 1) throw new Error(`timing-movavg-size must be a positive integer, got ${movAvgSize}`);
    this.timing = { sampleRate, movAvgSize };
  }

  /** Start a task; throws an Error with a clear message (unsupported node, bad property, mismatched edges, …). */
  startTask(id: string, pipeline: Pipeline, dbrps: readonly DBRP[]): RunningTask {
    if (this.tasks.has(id)) throw new Error(`task ${id} is already running`);
    if (dbrps.length === 0) throw new Error(`task ${id}: must specify dbrp`);
    const task = new Task(id, pipeline, dbrps, { logger: this.logger, services: this.services, timing: this.timing });
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

  /** Synchronous: returns after the points went through every matching task. */
  writePoints(db: string, rp: string, points: Point[]): void {
    this.router.route(db, rp, points);
  }

  /** JSON body of an httpOut endpoint (SPEC 3.12), or undefined when the task or endpoint does not exist. */
  httpOut(taskId: string, endpoint: string): string | undefined {
    return this.tasks.get(taskId)?.endpoint(endpoint)?.renderJSON();
  }

  stopAll(): void {
    for (const id of [...this.tasks.keys()]) this.stopTask(id);
  }
}
