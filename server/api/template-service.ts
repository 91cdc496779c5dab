/**
 * Templates (SPEC 5.4): a script with typed var declarations; tasks reference it by `template-id` and supply
 * `vars`. Updating a template re-evaluates every task built from it (all must still evaluate, or nothing
 * changes) and reloads the ones that are executing.
 */
import type { TaskRecord, TemplateRecord, TaskType } from '../store/types.ts';
import { ApiError, checkFields, optString } from './http.ts';
import { checkId, checkScriptSize } from './task-request.ts';
import type { TaskService } from './task-service.ts';
import type { Pipeline } from '../../tickscript/pipeline.ts';

export const TEMPLATE_FIELDS = ['id', 'type', 'script'] as const;

export interface TemplateRequest {
  readonly id?: string | undefined;
  readonly type?: TaskType | undefined;
  readonly script?: string | undefined;
}

export function parseTemplateRequest(body: Record<string, unknown>): TemplateRequest {
  checkFields(body, TEMPLATE_FIELDS, 'template');
  const type = optString(body, 'type');
  if (type !== undefined && type !== '' && type !== 'stream' && type !== 'batch') throw new ApiError(400, `invalid task type: ${type}`);
  const script = optString(body, 'script');
  if (script !== undefined) checkScriptSize(script);
  return {
    id: optString(body, 'id'),
    type: type === '' ? undefined : (type as TaskType | undefined),
    script: script === '' ? undefined : script,
  };
}

export class TemplateService {
  constructor(private readonly tasks: TaskService, private readonly now: () => bigint) {}

  private get store() { return this.tasks.store; }

  evaluate(script: string): Pipeline {
    let pipeline: Pipeline;
    try {
      pipeline = this.tasks.script.evaluateTemplate(script);
    } catch (e) {
      throw new ApiError(400, `invalid TICKscript: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.tasks.checkSupported(pipeline);
    return pipeline;
  }

  get(id: string): TemplateRecord {
    const t = this.store.getTemplate(id);
    if (!t) throw new ApiError(404, 'no template exists');
    return t;
  }

  create(req: TemplateRequest): TemplateRecord {
    const id = req.id === undefined || req.id === '' ? crypto.randomUUID() : req.id;
    checkId(id, 'template');
    if (this.store.getTemplate(id)) throw new ApiError(400, `template ${id} already exists`);
    if (req.script === undefined) throw new ApiError(400, 'must provide TICKscript');
    const pipeline = this.evaluate(req.script);
    const now = this.now();
    const rec: TemplateRecord = { id, type: pipeline.type, script: req.script, created: now, modified: now };
    this.store.createTemplate(rec);
    return rec;
  }

  /**
   * PATCH: validates the new template and every task using it, stores all of it in one transaction, then
   * reloads executing tasks. Reload failures are saved in those tasks' `error` and reported as a 500.
   */
  update(id: string, req: TemplateRequest): TemplateRecord {
    const existing = this.store.getTemplate(id);
    if (!existing) throw new ApiError(404, 'template does not exist, cannot update');
    const newId = req.id !== undefined && req.id !== '' ? req.id : id;
    if (newId !== id) {
      checkId(newId, 'template');
      if (this.store.getTemplate(newId)) throw new ApiError(400, `template ${newId} already exists`);
    }
    const script = req.script ?? existing.script;
    const pipeline = this.evaluate(script);
    const now = this.now();
    const rec: TemplateRecord = { ...existing, id: newId, type: pipeline.type, script, modified: now };
    const updated: { task: TaskRecord; pipeline: Pipeline }[] = [];
    for (const t of this.store.tasksOfTemplate(id)) {
      let compiled;
      try {
        compiled = this.tasks.compile(script, t.vars, undefined, t.dbrps);
      } catch (e) {
        throw new ApiError(400, `error reloading associated task ${t.id}: ${(e as Error).message}`);
      }
      updated.push({
        task: { ...t, templateId: newId, script, type: compiled.pipeline.type, dbrps: compiled.dbrps, modified: now },
        pipeline: compiled.pipeline,
      });
    }
    this.store.replaceTemplate(id, rec, updated.map((u) => u.task));
    const failures: string[] = [];
    for (const { task, pipeline: p } of updated) {
      if (!this.tasks.runner.getTask(task.id)) continue;
      this.tasks.runner.stopTask(task.id);
      try {
        this.tasks.start(task, p);
      } catch (e) {
        failures.push(`task ${task.id}: ${(e as Error).message}`);
      }
    }
    if (failures.length) throw new ApiError(500, `template updated but reloading failed for ${failures.join('; ')}`);
    return rec;
  }

  delete(id: string): void {
    this.store.deleteTemplate(id);
  }
}
