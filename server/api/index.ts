/**
 * The /kapacitor/v1 task API as one fastify plugin: tasks (SPEC 5.3), templates (5.4), debug vars (5.5), each
 * also under /kapacitor/v1preview as Kapacitor mirrors them. Every part is an encapsulated child plugin, so its
 * raw-body parsing and error format do not leak into other routes (e.g. /write).
 */
import type { FastifyInstance } from 'fastify';
import { tasksRoutes, type ReplayLookup } from './tasks-routes.ts';
import { autoscaleRoutes } from './autoscale-routes.ts';
import { whatifRoutes, type RecordingSource } from './whatif-routes.ts';
import { templatesRoutes } from './templates-routes.ts';
import { debugVarsRoutes, type DebugVarsOptions } from './debug-vars.ts';
import { logLevelRoutes } from './loglevel-routes.ts';
import { sideloadRoutes } from './sideload-routes.ts';
import { alertsRoutes } from './alerts-routes.ts';
import type { AlertService } from '../../alerting/service.ts';
import { TaskService } from './task-service.ts';
import { TemplateService } from './template-service.ts';

export { TaskService } from './task-service.ts';
export { TemplateService } from './template-service.ts';
export type { ScriptPort, TaskRunnerPort, RunningTaskPort } from './ports.ts';

export const API_BASES = ['/kapacitor/v1', '/kapacitor/v1preview'] as const;

export interface TaskApiOptions extends Omit<DebugVarsOptions, 'base' | 'tasks'> {
  readonly tasks: TaskService;
  readonly templates: TemplateService;
  /** the server logger whose level `POST /loglevel` sets; the route is absent without it */
  readonly logger?: { level: string } | undefined;
  /** the alert service whose topics and handlers /alerts serves; the routes are absent without it */
  readonly alerts?: AlertService | undefined;
  /** running replays, for `GET /tasks/<id>?replay-id=` (server/replay) */
  readonly replays?: ReplayLookup | undefined;
  /** finished recordings, for what-if replays of `"recording": "<id>"` (server/replay) */
  readonly recordings?: RecordingSource | undefined;
}

export async function taskApi(app: FastifyInstance, opts: TaskApiOptions): Promise<void> {
  for (const base of API_BASES) {
    await app.register(autoscaleRoutes, { tasks: opts.tasks, base });
    await app.register(whatifRoutes, { tasks: opts.tasks, base, ...(opts.recordings ? { recordings: opts.recordings } : {}) });
    await app.register(tasksRoutes, { tasks: opts.tasks, base, replays: opts.replays });
    await app.register(templatesRoutes, { tasks: opts.tasks, templates: opts.templates, base });
    await app.register(debugVarsRoutes, { ...opts, base });
    if (opts.logger) await app.register(logLevelRoutes, { base, logger: opts.logger });
    await app.register(sideloadRoutes, { base });
    if (opts.alerts) await app.register(alertsRoutes, { base, alerts: opts.alerts });
  }
}
