/**
 * Task lifecycle (Kapacitor's services/task_store): create, update (enable/disable/rename/script/dbrps/vars),
 * delete, start/stop through the TaskMaster, restart of enabled tasks at boot. HTTP-independent so that the
 * routes, the boot sequence and template updates share one implementation.
 *
 * Rules kept from Kapacitor: a request is validated completely (script evaluated, dbrps resolved) before anything
 * is stored; starting a task happens after it is stored, and a start failure is saved in `error` and reported
 * as a 500 while the task keeps its status.
 */
import type { DBRP, Pipeline } from '../../tickscript/pipeline.ts';
import { nowNs } from '../../model/time.ts';
import type { TaskStore } from '../store/store.ts';
import type { DBRPRecord, TaskRecord, VarsRecord } from '../store/types.ts';
import { ApiError } from './http.ts';
import type { RunningTaskPort, ScriptPort, TaskRunnerPort } from './ports.ts';
import { checkId, type TaskRequest } from './task-request.ts';
import { ScriptLimitError } from '../../tickscript/index.ts';
import type { LimitStats } from '../http/limits.ts';

export interface ApiLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TaskServiceDeps {
  readonly store: TaskStore;
  readonly runner: TaskRunnerPort;
  readonly script: ScriptPort;
  readonly logger?: ApiLogger | undefined;
  /** clock for created/modified/last-enabled (tests pin it) */
  readonly now?: (() => bigint) | undefined;
  /** [limits] max-tasks (0 = no limit) and where refusals by a limit are counted */
  readonly limits?: { readonly maxTasks: number; readonly stats: LimitStats } | undefined;
}

export interface Compiled {
  readonly pipeline: Pipeline;
  readonly dbrps: readonly DBRPRecord[];
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class TaskService {
  readonly store: TaskStore;
  readonly runner: TaskRunnerPort;
  readonly script: ScriptPort;
  private readonly logger: ApiLogger | undefined;
  private readonly now: () => bigint;
  private readonly limits: TaskServiceDeps['limits'];

  constructor(deps: TaskServiceDeps) {
    this.store = deps.store;
    this.runner = deps.runner;
    this.script = deps.script;
    this.logger = deps.logger;
    this.now = deps.now ?? nowNs;
    this.limits = deps.limits;
  }

  /** Evaluates a script (400 `invalid TICKscript: ...` on failure). */
  evaluate(script: string, vars: VarsRecord): Pipeline {
    try {
      return this.script.evaluate(script, vars);
    } catch (e) {
      if (e instanceof ScriptLimitError) this.limits?.stats.refused(e.limit);
      throw new ApiError(400, `invalid TICKscript: ${errorMessage(e)}`);
    }
  }

  /**
   * Evaluates a task's script and resolves its dbrps: the request's (`explicit`), the script's `dbrp`
   * statements, or — for an update that sets neither — the stored ones (`previous`).
   */
  compile(script: string, vars: VarsRecord, explicit: readonly DBRPRecord[] | undefined, previous: readonly DBRPRecord[] = []): Compiled {
    const pipeline = this.evaluate(script, vars);
    this.checkSupported(pipeline);
    const implicit = pipeline.dbrps;
    if (explicit && explicit.length > 0 && implicit.length > 0) {
      throw new ApiError(400, 'cannot specify dbrp in both implicitly and explicitly');
    }
    let dbrps: readonly DBRPRecord[];
    if (implicit.length > 0) dbrps = implicit.map((d) => ({ db: d.db, rp: d.rp }));
    else if (explicit && explicit.length > 0) dbrps = explicit;
    else dbrps = previous;
    if (dbrps.length === 0) throw new ApiError(400, 'must specify dbrp');
    return { pipeline, dbrps };
  }

  /** 400 when the runtime cannot execute a node of `pipeline` (checked at define time, before anything is stored). */
  checkSupported(pipeline: Pipeline): void {
    const why = this.runner.unsupported(pipeline);
    if (why !== undefined) throw new ApiError(400, why);
  }

  private templateScript(templateId: string): string {
    const tpl = this.store.getTemplate(templateId);
    if (!tpl) throw new ApiError(400, `unknown template ${templateId}: err: no template exists`);
    return tpl.script;
  }

  get(id: string): TaskRecord {
    const t = this.store.getTask(id);
    if (!t) throw new ApiError(404, 'no task exists');
    return t;
  }

  /** [limits] max-tasks: a new task past the cap is refused before anything is compiled or stored. */
  private checkTaskCount(): void {
    const max = this.limits?.maxTasks ?? 0;
    if (max <= 0) return;
    const total = this.store.countTasks().total;
    if (total >= max) {
      this.limits!.stats.refused('max-tasks');
      throw new ApiError(403, `cannot create task: the server already holds ${total} tasks, the [limits] max-tasks limit (${max}); delete a task first`);
    }
  }

  create(req: TaskRequest): TaskRecord {
    const id = req.id === undefined || req.id === '' ? crypto.randomUUID() : req.id;
    checkId(id, 'task');
    if (this.store.getTask(id)) throw new ApiError(400, `task ${id} already exists`);
    this.checkTaskCount();
    let script = req.script;
    const templateId = req.templateId ?? '';
    if (templateId !== '') {
      if (script !== undefined) throw new ApiError(400, 'cannot specify both template-id and script: a template task runs its template\'s script');
      script = this.templateScript(templateId);
    }
    if (script === undefined) throw new ApiError(400, 'must provide TICKscript');
    const vars = req.vars ?? {};
    const { pipeline, dbrps } = this.compile(script, vars, req.dbrps);
    const now = this.now();
    const status = req.status ?? 'disabled';
    const record: TaskRecord = {
      id, templateId, type: pipeline.type, dbrps, script, vars, status, error: '',
      created: now, modified: now, lastEnabled: status === 'enabled' ? now : undefined,
    };
    this.store.createTask(record);
    if (status === 'enabled') return this.start(record, pipeline);
    return record;
  }

  update(id: string, req: TaskRequest): TaskRecord {
    const existing = this.store.getTask(id);
    if (!existing) throw new ApiError(404, 'task does not exist, cannot update');
    const newId = req.id !== undefined && req.id !== '' ? req.id : existing.id;
    if (newId !== existing.id) {
      checkId(newId, 'task');
      if (this.store.getTask(newId)) throw new ApiError(400, `task ${newId} already exists`);
    }
    const templateId = req.templateId ?? existing.templateId;
    let script = req.script ?? existing.script;
    if (templateId !== '') {
      // a template task always runs its template's script (SPEC 5.4)
      if (req.script !== undefined) throw new ApiError(400, `cannot set the script of task ${id}: it is defined by template ${templateId}`);
      script = this.templateScript(templateId);
    }
    const vars = req.vars ?? existing.vars;
    const compiled = this.compile(script, vars, req.dbrps, existing.dbrps);
    const now = this.now();
    const status = req.status ?? existing.status;
    const running = this.runner.getTask(existing.id);
    const renamed = newId !== existing.id;
    // start when asked to enable a task that is not executing (first enable, or a retry after a failed start),
    // or to carry a running task over to its new id
    const enabling = status === 'enabled' && ((req.status === 'enabled' && !running) || (renamed && running !== undefined));
    const record: TaskRecord = {
      ...existing, id: newId, templateId, type: compiled.pipeline.type, dbrps: compiled.dbrps, script, vars, status,
      modified: now, lastEnabled: status === 'enabled' && existing.status !== 'enabled' ? now : existing.lastEnabled,
    };
    this.store.replaceTask(existing.id, record);
    // A running task keeps running its old definition until it is disabled and enabled again (SPEC 5.3),
    // except when it is renamed (its id changes) or disabled.
    if (running && (status === 'disabled' || renamed)) this.stopQuietly(existing.id);
    if (enabling) return this.start(record, compiled.pipeline);
    return record;
  }

  /** DELETE: stops a running task first; unknown ids are not an error (204 either way). */
  delete(id: string): void {
    if (this.runner.getTask(id)) this.stopQuietly(id);
    if (this.store.deleteTask(id)) this.runner.taskDeleted?.(id);
  }

  /**
   * Starts a stored task. Success clears `error`; failure saves the message and throws a 500 ApiError
   * (status stays as stored).
   */
  start(record: TaskRecord, pipeline?: Pipeline): TaskRecord {
    try {
      const p = pipeline ?? this.script.evaluate(record.script, record.vars);
      this.runner.startTask(record.id, p, record.dbrps as readonly DBRP[]);
    } catch (e) {
      const msg = errorMessage(e);
      this.store.setTaskError(record.id, msg);
      this.logger?.error({ task: record.id, err: msg }, 'failed to start task');
      throw new ApiError(500, msg);
    }
    if (record.error !== '') this.store.setTaskError(record.id, '');
    this.logger?.info({ task: record.id }, 'started task');
    return { ...record, error: '' };
  }

  private stopQuietly(id: string): void {
    try {
      this.runner.stopTask(id);
    } catch (e) {
      this.logger?.warn({ task: id, err: errorMessage(e) }, 'error stopping task');
    }
  }

  /**
   * The running instance of a task, if it is executing. A task that died after starting (its RunningTask
   * carries an error) is stopped and its error saved, as Kapacitor does; its status stays enabled.
   */
  running(record: TaskRecord): { running: RunningTaskPort | undefined; record: TaskRecord } {
    const rt = this.runner.getTask(record.id);
    if (rt && rt.error) {
      this.stopQuietly(record.id);
      this.store.setTaskError(record.id, rt.error);
      return { running: undefined, record: { ...record, error: rt.error } };
    }
    return { running: rt, record };
  }

  /** Boot: starts every enabled task; failures are saved in `error` and logged, never thrown. */
  startEnabled(): { started: number; failed: number } {
    let started = 0; let failed = 0;
    for (const t of this.store.listTasks()) {
      if (t.status !== 'enabled') continue;
      try {
        this.start(t);
        started++;
      } catch {
        failed++;
      }
    }
    return { started, failed };
  }

  /** Number of tasks and of enabled tasks (debug/vars). */
  counts(): { total: number; enabled: number } {
    return this.store.countTasks();
  }
}
