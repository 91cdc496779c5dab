/**
 * The alert API of Kapacitor 1.8 (`services/alert/api.go`): /kapacitor/v1/alerts/topics — list (pattern,
 * min-level), show, events, event, delete — and /alerts/topics/<t>/handlers — list, show, create (POST),
 * replace (PUT), patch (PATCH, RFC 6902), delete. Paths are dispatched as Kapacitor does: the first segment is
 * the topic, `<t>/events[/<id>]` and `<t>/handlers[/<id>]` select events and handlers. Links always use
 * /kapacitor/v1 (Kapacitor's httpd.BasePath).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AlertService, TopicStateView } from '../../alerting/service.ts';
import { HandlerSpecError } from '../../alerting/service.ts';
import type { EventState } from '../../alerting/event.ts';
import { handlerSpecFromJson, validateHandlerSpec, type HandlerSpec } from '../../alerting/handler-spec.ts';
import { levelName, parseLevel, type Level } from '../../alerting/levels.ts';
import { formatRFC3339Nano } from '../../model/time.ts';
import { formatGoDuration } from '../../gocompat/duration.ts';
import { ApiError, sendJson } from './http.ts';
import { queryOne, useRawBodies } from './body.ts';
import { compileGlob, BadPatternError } from '../../gocompat/glob.ts';
import { applyPatch, decodePatch } from './json-patch.ts';

export interface AlertsRoutesOptions {
  readonly alerts: AlertService;
  readonly base: string;
}

const TOPICS = '/kapacitor/v1/alerts/topics';
const link = (rel: string, href: string): { rel: string; href: string } => ({ rel, href });
// path.Join of Kapacitor's links
const join = (...parts: string[]): string => parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/');

function topicJson(t: TopicStateView): Record<string, unknown> {
  return {
    link: link('self', join(TOPICS, t.id)), id: t.id, level: levelName(t.level), collected: t.collected,
    'events-link': link('events', join(TOPICS, t.id, 'events')), 'handlers-link': link('handlers', join(TOPICS, t.id, 'handlers')),
  };
}

function eventJson(topic: string, e: EventState): Record<string, unknown> {
  return {
    link: link('self', join(TOPICS, topic, 'events', e.id)), id: e.id,
    state: { message: e.message, details: e.details, time: formatRFC3339Nano(e.time), duration: formatGoDuration(e.duration), level: levelName(e.level) },
  };
}

/** Go marshals maps with sorted keys, at every depth. */
function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedDeep((v as Record<string, unknown>)[k]);
  return out;
}

function handlerJson(s: HandlerSpec): Record<string, unknown> {
  return { link: link('self', join(TOPICS, s.topic, 'handlers', s.id)), id: s.id, kind: s.kind, options: sortedDeep(s.options), match: s.match };
}

function minLevel(q: Record<string, unknown>): Level {
  try {
    return parseLevel(queryOne(q['min-level']) ?? '');
  } catch (e) {
    throw new ApiError(400, (e as Error).message);
  }
}

function pattern(q: Record<string, unknown>): string {
  const p = queryOne(q['pattern']) ?? '';
  try {
    if (p !== '') compileGlob(p);
  } catch (e) {
    if (e instanceof BadPatternError) throw new ApiError(400, `invalid pattern: ${e.message}`);
    throw e;
  }
  return p;
}

function bodyJson(body: unknown, prefix: string): unknown {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, `${prefix}${(e as Error).message}`);
  }
}

/** The spec from a request body; 400 with Kapacitor's prefixes for bad JSON and an invalid spec. */
function specFromBody(topic: string, body: unknown, jsonPrefix: string): HandlerSpec {
  let spec: HandlerSpec;
  try {
    spec = handlerSpecFromJson(topic, bodyJson(body, jsonPrefix));
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, jsonPrefix + (e as Error).message);
  }
  return validated(spec);
}

function validated(spec: HandlerSpec): HandlerSpec {
  try {
    validateHandlerSpec(spec);
  } catch (e) {
    throw new ApiError(400, `invalid handler spec: ${(e as Error).message}`);
  }
  return spec;
}

/** Runs a change of handler specs: an invalid kind/options is 400, anything else (exists, store) 500. */
function change(prefix: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    throw new ApiError(e instanceof HandlerSpecError ? 400 : 500, prefix + (e as Error).message);
  }
}

export async function alertsRoutes(app: FastifyInstance, opts: AlertsRoutesOptions): Promise<void> {
  const { alerts, base } = opts;
  useRawBodies(app);
  type Req = FastifyRequest<{ Params: { '*': string } }>;
  // the part after /alerts/topics/, split as Kapacitor's path.Match patterns do
  const parts = (req: Req): { topic: string; rest: string[] } => {
    const segs = req.params['*'].split('/');
    return { topic: segs[0] ?? '', rest: segs.slice(1) };
  };
  /** `<t>/handlers/<id>` → id; undefined when the path is not a handler path */
  const handlerId = (req: Req): string | undefined => {
    const p = req.params['*'];
    const i = p.lastIndexOf('/');
    return i >= 0 && p.slice(0, i + 1).endsWith('handlers/') ? p.slice(i + 1) : undefined;
  };

  app.get(`${base}/alerts/topics`, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const p = pattern(q);
    const topics = alerts.topicStates(p, minLevel(q)).map(topicJson);
    return sendJson(reply, 200, { link: link('self', req.url), topics });
  });

  app.get(`${base}/alerts/topics/*`, async (req: Req, reply) => {
    const { topic, rest } = parts(req);
    const q = req.query as Record<string, unknown>;
    if (rest.length === 1 && rest[0] === 'events') {
      const level = minLevel(q);
      const events = alerts.eventStates(topic, level);
      if (!events) throw new ApiError(500, `failed to get topic events: unknown topic ${JSON.stringify(topic)}`);
      return sendJson(reply, 200, { link: link('self', join(TOPICS, topic, 'events')), topic, events: events.map((e) => eventJson(topic, e)) });
    }
    if (rest.length === 2 && rest[0] === 'events') {
      const e = alerts.eventState(topic, rest[1]!);
      if (!e) throw new ApiError(404, `unknown event ${JSON.stringify(rest[1])} in topic ${JSON.stringify(topic)}`);
      return sendJson(reply, 200, eventJson(topic, e));
    }
    if (rest.length === 1 && rest[0] === 'handlers') {
      const handlers = alerts.handlerSpecs(topic, pattern(q)).map(handlerJson);
      return sendJson(reply, 200, { link: link('self', req.url), topic, handlers });
    }
    if (rest.length === 2 && rest[0] === 'handlers') {
      const s = alerts.handlerSpec(topic, rest[1]!);
      if (!s) throw new ApiError(404, `unknown handler: ${JSON.stringify(rest[1])}`);
      return sendJson(reply, 200, handlerJson(s));
    }
    const t = alerts.topicState(topic);
    if (!t) throw new ApiError(404, `unknown topic: ${JSON.stringify(topic)}`);
    return sendJson(reply, 200, topicJson(t));
  });

  app.post(`${base}/alerts/topics/*`, async (req: Req, reply) => {
    const spec = specFromBody(parts(req).topic, req.body, 'invalid handler json: ');
    change('failed to create handler: ', () => alerts.registerHandlerSpec(spec));
    return sendJson(reply, 200, handlerJson(spec));
  });

  const existing = (req: Req): HandlerSpec => {
    const id = handlerId(req) ?? '';
    const s = alerts.handlerSpec(parts(req).topic, id);
    if (!s) throw new ApiError(404, `unknown handler: ${JSON.stringify(id)}`);
    return s;
  };

  app.put(`${base}/alerts/topics/*`, async (req: Req, reply) => {
    const old = existing(req);
    const spec = specFromBody(old.topic, req.body, 'failed to unmarshal JSON: ');
    change('failed to update handler: ', () => alerts.updateHandlerSpec(old, spec));
    return sendJson(reply, 200, handlerJson(spec));
  });

  app.patch(`${base}/alerts/topics/*`, async (req: Req, reply) => {
    const old = existing(req);
    let ops;
    try {
      ops = decodePatch(bodyJson(req.body, ''));
    } catch (e) {
      throw new ApiError(400, `invalid patch json: ${(e as Error).message}`);
    }
    let patched: unknown;
    try {
      patched = applyPatch({ id: old.id, topic: old.topic, kind: old.kind, options: old.options, match: old.match }, ops);
    } catch (e) {
      throw new ApiError(400, `failed to apply patch: ${(e as Error).message}`);
    }
    let spec: HandlerSpec;
    try {
      const o = patched as Record<string, unknown>;
      const topic = typeof o?.['topic'] === 'string' ? o['topic'] : old.topic;
      spec = handlerSpecFromJson(topic, patched);
    } catch (e) {
      throw new ApiError(500, `failed to unmarshal patched json: ${(e as Error).message}`);
    }
    validated(spec);
    change('failed to update handler: ', () => alerts.updateHandlerSpec(old, spec));
    return sendJson(reply, 200, handlerJson(spec));
  });

  app.delete(`${base}/alerts/topics/*`, async (req: Req, reply) => {
    const { topic } = parts(req);
    const id = handlerId(req);
    if (id === undefined) alerts.deleteTopic(topic);
    else change('failed to delete handler: ', () => alerts.deregisterHandlerSpec(topic, id));
    return reply.code(204).send();
  });
}
