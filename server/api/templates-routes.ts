/**
 * SPEC 5.4: /kapacitor/v1/templates — list, create, get, update, delete.
 * Template JSON (client/v1 `Template`): link, id, type, script, vars (declared vars with defaults and
 * descriptions), dot, error, created, modified.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TemplateRecord } from '../store/types.ts';
import { ApiError, parseJsonObject, sendJson } from './http.ts';
import { parseIntParam, queryList, queryOne, useRawBodies } from './body.ts';
import { matcher } from './tasks-routes.ts';
import { parseTemplateRequest, type TemplateService } from './template-service.ts';
import type { TaskService } from './task-service.ts';
import { formatTime, parseScriptFormat, type ScriptFormat } from './task-view.ts';
import { declaredVarsToRecord } from './vars.ts';

export const TEMPLATE_VIEW_FIELDS = ['link', 'id', 'type', 'script', 'vars', 'dot', 'error', 'created', 'modified'] as const;

export interface TemplatesRoutesOptions {
  readonly tasks: TaskService;
  readonly templates: TemplateService;
  readonly base: string;
}

function templateView(svc: TaskService, t: TemplateRecord, fields: readonly string[], scriptFormat: ScriptFormat): Record<string, unknown> {
  let pipeline;
  let error = '';
  try {
    pipeline = svc.script.evaluateTemplate(t.script);
  } catch (e) {
    error = (e as Error).message;
  }
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    switch (f) {
      case 'link': out[f] = { rel: 'self', href: `/kapacitor/v1/templates/${t.id}` }; break;
      case 'id': out[f] = t.id; break;
      case 'type': out[f] = t.type; break;
      case 'script': {
        let s = t.script;
        if (scriptFormat === 'formatted') { try { s = svc.script.format(t.script); } catch { /* keep raw */ } }
        out[f] = s;
        break;
      }
      case 'vars': out[f] = pipeline ? declaredVarsToRecord(pipeline.vars, (v) => svc.script.lambdaSource(v)) : {}; break;
      case 'dot': out[f] = pipeline ? svc.script.staticDot(t.id, pipeline) : ''; break;
      case 'error': out[f] = error; break;
      case 'created': out[f] = formatTime(t.created); break;
      case 'modified': out[f] = formatTime(t.modified); break;
      default: throw new ApiError(400, `unsupported field ${JSON.stringify(f)}`);
    }
  }
  return out;
}

export async function templatesRoutes(app: FastifyInstance, opts: TemplatesRoutesOptions): Promise<void> {
  const { tasks: svc, templates, base } = opts;
  useRawBodies(app);

  // Kapacitor serves the collection with and without a trailing slash
  for (const path of [`${base}/templates`, `${base}/templates/`]) app.get(path, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const requested = queryList(q['fields']);
    for (const f of requested) {
      if (!(TEMPLATE_VIEW_FIELDS as readonly string[]).includes(f)) throw new ApiError(400, `unsupported field ${JSON.stringify(f)}`);
    }
    const fields = requested.length === 0 ? TEMPLATE_VIEW_FIELDS : [...new Set([...requested, 'id', 'link'])];
    const scriptFormat = parseScriptFormat(queryOne(q['script-format']));
    const offset = parseIntParam('offset', queryOne(q['offset']), 0);
    const limit = parseIntParam('limit', queryOne(q['limit']), 100);
    const match = matcher(queryOne(q['pattern']) ?? '');
    const page = svc.store.listTemplates().filter((t) => match(t.id)).slice(offset, offset + limit);
    const list = page.map((t) => {
      const v = templateView(svc, t, fields, scriptFormat);
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = v[k];
      return sorted;
    });
    return sendJson(reply, 200, { templates: list });
  });

  for (const path of [`${base}/templates`, `${base}/templates/`]) app.post(path, async (req, reply) => {
    const t = templates.create(parseTemplateRequest(parseJsonObject(req.body)));
    return sendJson(reply, 200, templateView(svc, t, TEMPLATE_VIEW_FIELDS, 'formatted'));
  });

  app.get(`${base}/templates/:id`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const scriptFormat = parseScriptFormat(queryOne((req.query as Record<string, unknown>)['script-format']));
    return sendJson(reply, 200, templateView(svc, templates.get(req.params.id), TEMPLATE_VIEW_FIELDS, scriptFormat));
  });

  app.patch(`${base}/templates/:id`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const t = templates.update(req.params.id, parseTemplateRequest(parseJsonObject(req.body)));
    return sendJson(reply, 200, templateView(svc, t, TEMPLATE_VIEW_FIELDS, 'formatted'));
  });

  app.delete(`${base}/templates/:id`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    templates.delete(req.params.id);
    return reply.code(204).send();
  });
}
