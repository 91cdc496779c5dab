/**
 * SPEC 5.3: /kapacitor/v1/tasks — list, create, get, update, delete, and the httpOut endpoints of running tasks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, JSON_TYPE, parseJsonObject, sendJson } from './http.ts';
import { parseIntParam, queryList, queryOne, useRawBodies } from './body.ts';
import { globMatcher, BadPatternError } from '../../gocompat/glob.ts';
import { parseTaskRequest } from './task-request.ts';
import type { TaskService } from './task-service.ts';
import type { RunningTaskPort } from './ports.ts';
import { LIST_DEFAULT_FIELDS, TASK_VIEW_FIELDS, parseDotView, parseScriptFormat, taskView } from './task-view.ts';

/** Running replays' task instances (server/replay/service.ts), for `?replay-id=`. */
export interface ReplayLookup {
  /** throws ApiError 400 `no running replay with ID: R` / `replay R is not for task: T` (Kapacitor's texts) */
  replayTask(replayId: string, taskId: string): RunningTaskPort;
  /** httpOut body of a replay's task (running, or its final state once finished) */
  replayHttpOut(replayId: string, taskId: string, endpoint: string): string | undefined;
}

export interface TasksRoutesOptions {
  readonly tasks: TaskService;
  readonly replays?: ReplayLookup | undefined;
  /** '/kapacitor/v1' (also registered under '/kapacitor/v1preview') */
  readonly base: string;
}

type Q = Record<string, unknown>;

function sortedKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

export function matcher(pattern: string): (id: string) => boolean {
  try {
    return globMatcher(pattern);
  } catch (e) {
    if (e instanceof BadPatternError) throw new ApiError(400, `invalid pattern parameter: ${e.message}`);
    throw e;
  }
}

export async function tasksRoutes(app: FastifyInstance, opts: TasksRoutesOptions): Promise<void> {
  const svc = opts.tasks;
  const base = opts.base;
  useRawBodies(app);

  // Kapacitor serves the collection with and without a trailing slash
  for (const path of [`${base}/tasks`, `${base}/tasks/`]) app.get(path, async (req, reply) => {
    const q = req.query as Q;
    const requested = queryList(q['fields']);
    for (const f of requested) {
      if (!(TASK_VIEW_FIELDS as readonly string[]).includes(f)) throw new ApiError(400, `unsupported field ${JSON.stringify(f)}`);
    }
    const fields = requested.length === 0 ? LIST_DEFAULT_FIELDS : [...new Set([...requested, 'id', 'link'])];
    const dotView = parseDotView(queryOne(q['dot-view']));
    const scriptFormat = parseScriptFormat(queryOne(q['script-format']));
    const offset = parseIntParam('offset', queryOne(q['offset']), 0);
    const limit = parseIntParam('limit', queryOne(q['limit']), 100);
    const match = matcher(queryOne(q['pattern']) ?? '');
    const all = svc.store.listTasks().filter((t) => match(t.id));
    const page = all.slice(offset, offset + limit);
    const tasks = page.map((t) => sortedKeys(taskView(svc, t, fields, dotView, scriptFormat)));
    return sendJson(reply, 200, { tasks });
  });

  for (const path of [`${base}/tasks`, `${base}/tasks/`]) app.post(path, async (req, reply) => {
    const body = parseTaskRequest(parseJsonObject(req.body));
    const created = svc.create(body);
    return sendJson(reply, 200, taskView(svc, created, TASK_VIEW_FIELDS, 'attributes', 'formatted'));
  });

  app.get(`${base}/tasks/:id`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const q = req.query as Q;
    const dotView = parseDotView(queryOne(q['dot-view']));
    const scriptFormat = parseScriptFormat(queryOne(q['script-format']));
    const t = svc.get(req.params.id);
    // the real CLI always sends `replay-id` (empty: the live task)
    const replayId = queryOne(q['replay-id']) ?? '';
    let instance: RunningTaskPort | undefined;
    if (replayId !== '') {
      if (!opts.replays) throw new ApiError(400, `no running replay with ID: ${replayId}`);
      instance = opts.replays.replayTask(replayId, t.id);
    }
    return sendJson(reply, 200, taskView(svc, t, TASK_VIEW_FIELDS, dotView, scriptFormat, instance));
  });

  app.patch(`${base}/tasks/:id`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const body = parseTaskRequest(parseJsonObject(req.body));
    const updated = svc.update(req.params.id, body);
    return sendJson(reply, 200, taskView(svc, updated, TASK_VIEW_FIELDS, 'attributes', 'formatted'));
  });

  app.delete(`${base}/tasks/:id`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    svc.delete(req.params.id);
    return reply.code(204).send();
  });

  // httpOut endpoints of running tasks (SPEC 3.12): compact JSON, not pretty-printed.
  app.get(`${base}/tasks/:id/*`, async (req: FastifyRequest<{ Params: { id: string; '*': string } }>, reply) => {
    const { id } = req.params;
    const endpoint = req.params['*'];
    // tickstream: `?replay-id=R` reads the endpoint of replay R's instance of the task (docs/recordings.md)
    const replayId = queryOne((req.query as Q)['replay-id']) ?? '';
    if (replayId !== '') {
      const out = opts.replays?.replayHttpOut(replayId, id, endpoint);
      if (out === undefined) throw new ApiError(404, `no httpOut endpoint ${JSON.stringify(endpoint)} in replay ${JSON.stringify(replayId)} of task ${JSON.stringify(id)}`);
      return reply.code(200).type(JSON_TYPE).send(out);
    }
    const body = svc.runner.httpOut(id, endpoint);
    if (body === undefined) throw new ApiError(404, `no httpOut endpoint ${JSON.stringify(endpoint)} in running task ${JSON.stringify(id)}`);
    return reply.code(200).type(JSON_TYPE).send(body);
  });
}
