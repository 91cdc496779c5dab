/**
 * Kapacitor 1.8's recordings and replays API (services/replay/service.go routes), under /kapacitor/v1 and
 * /kapacitor/v1preview, plus ours: `POST /recordings/import` (line protocol → recording) and
 * `GET /recordings/<id>/data` (recording → line protocol in influx_inspect export layout).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { ApiError, optString, parseJsonObject, sendApiError, sendJson } from '../api/http.ts';
import { parseIntParam, queryList, queryOne, useRawBodies } from '../api/body.ts';
import { matcher } from '../api/tasks-routes.ts';
import { precisionMultiplier, parseRFC3339 } from '../../model/time.ts';
import { openRecording, pointLine } from '../../recordings/index.ts';
import type { ReplayService } from './service.ts';
import { recordingListEntry, recordingView, replayListEntry, replayView } from './views.ts';
import { importLineProtocol } from './import.ts';

export interface ReplayRoutesOptions {
  readonly replays: ReplayService;
  readonly base: string;
  /** ns wall clock (points without timestamp in an import) */
  readonly now: () => bigint;
}

type Q = Record<string, unknown>;

/** Kapacitor's offset/limit parsing (strconv.ParseInt error text); negatives are refused too. */
function intParam(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  if (!/^-?\d+$/.test(v)) throw new ApiError(400, `invalid ${name} parameter ${JSON.stringify(v)} must be an integer: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return parseIntParam(name, v, dflt);
}

function page<T>(all: T[], q: Q, id: (t: T) => string): T[] {
  const offset = intParam('offset', queryOne(q['offset']), 0);
  const limit = intParam('limit', queryOne(q['limit']), 100);
  const match = matcher(queryOne(q['pattern']) ?? '');
  return all.filter((t) => match(id(t))).slice(offset, offset + limit);
}

function bool(body: Record<string, unknown>, key: string): boolean {
  const v = body[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new ApiError(400, `invalid JSON: field ${JSON.stringify(key)} must be true or false`);
  return v;
}

/** An optional RFC3339 time of a Go client body: absent, '' or Go's zero time (`0001-01-01T00:00:00Z`) are unset. */
function optTime(body: Record<string, unknown>, key: string): bigint | undefined {
  const text = optString(body, key);
  if (text === undefined || text === '' || /^0001-01-01T00:00:00(\.0+)?Z$/.test(text)) return undefined;
  const t = parseRFC3339(text);
  if (t === undefined) throw new ApiError(400, `invalid ${key} time ${JSON.stringify(text)}: must be RFC3339, e.g. 2016-11-08T18:21:07Z`);
  return t;
}

/** Kapacitor's clock field (default fast); 400 `invalid clock type X` otherwise. */
function clockOf(body: Record<string, unknown>): 'fast' | 'real' {
  const clock = optString(body, 'clock') ?? 'fast';
  if (clock !== 'fast' && clock !== 'real') throw new ApiError(400, `invalid clock type ${clock}`);
  return clock;
}

/** What the list, get and delete routes need of recordings or of replays. */
interface RunResource<T extends { readonly id: string; readonly status: string }> {
  /** the path segment, also the key of the list in the list response */
  readonly path: 'recordings' | 'replays';
  list(): T[];
  /** throws the API's 404 when there is no such id */
  get(id: string): T;
  delete(id: string): Promise<void>;
  listEntry(r: T, fields: readonly string[]): Record<string, unknown>;
  view(r: T): Record<string, unknown>;
}

/**
 * GET <path> (offset, limit, pattern, fields), GET <path>/:id (202 while still running) and DELETE <path>/:id:
 * Kapacitor handles recordings and replays alike here.
 */
function runRoutes<T extends { readonly id: string; readonly status: string }>(json: FastifyInstance, base: string, res: RunResource<T>): void {
  json.get(`${base}/${res.path}`, async (req, reply) => {
    const q = req.query as Q;
    const fields = queryList(q['fields']);
    const list = page(res.list(), q, (r) => r.id).map((r) => res.listEntry(r, fields));
    return sendJson(reply, 200, { [res.path]: list });
  });

  json.get(`${base}/${res.path}/:id`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const r = res.get(req.params.id);
    return sendJson(reply, r.status === 'running' ? 202 : 200, res.view(r));
  });

  json.delete(`${base}/${res.path}/:id`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    await res.delete(req.params.id);
    return reply.code(204).send();
  });
}

export async function replayRoutes(app: FastifyInstance, opts: ReplayRoutesOptions): Promise<void> {
  const { replays: svc, base } = opts;
  await app.register(async (json) => {
    useRawBodies(json);

    runRoutes(json, base, {
      path: 'recordings', list: () => svc.listRecordings(), get: (id) => svc.getRecording(id), delete: (id) => svc.deleteRecording(id),
      listEntry: recordingListEntry, view: recordingView,
    });
    runRoutes(json, base, {
      path: 'replays', list: () => svc.listReplays(), get: (id) => svc.getReplay(id), delete: (id) => svc.deleteReplay(id),
      listEntry: replayListEntry, view: replayView,
    });

    json.post(`${base}/recordings/stream`, async (req, reply) => {
      const body = parseJsonObject(req.body);
      const task = optString(body, 'task') ?? '';
      const stopText = optString(body, 'stop');
      if (stopText === undefined || stopText === '') throw new ApiError(400, 'must provide stop time (RFC3339)');
      const stop = parseRFC3339(stopText);
      if (stop === undefined) throw new ApiError(400, `invalid stop time ${JSON.stringify(stopText)}: must be RFC3339, e.g. 2016-11-08T18:21:07Z`);
      const r = svc.recordStream({ id: optString(body, 'id'), task, stop });
      return sendJson(reply, 201, recordingView(r));
    });

    json.post(`${base}/recordings/batch`, async (req, reply) => {
      const body = parseJsonObject(req.body);
      const r = svc.recordBatch({ id: optString(body, 'id'), task: optString(body, 'task') ?? '', start: optTime(body, 'start'), stop: optTime(body, 'stop') });
      return sendJson(reply, 201, recordingView(r));
    });

    json.post(`${base}/recordings/query`, async (req, reply) => {
      const body = parseJsonObject(req.body);
      const r = svc.recordQuery({
        id: optString(body, 'id'), query: optString(body, 'query') ?? '', type: optString(body, 'type') ?? '', cluster: optString(body, 'cluster') ?? '',
      });
      return sendJson(reply, 201, recordingView(r));
    });

    json.post(`${base}/replays/batch`, async (req, reply) => {
      const body = parseJsonObject(req.body);
      const r = svc.replayBatch({
        id: optString(body, 'id'), task: optString(body, 'task') ?? '', start: optTime(body, 'start'), stop: optTime(body, 'stop'),
        recordingTime: bool(body, 'recording-time'), clock: clockOf(body),
      });
      return sendJson(reply, 201, replayView(r));
    });

    json.post(`${base}/replays/query`, async (req, reply) => {
      const body = parseJsonObject(req.body);
      const r = svc.replayQuery({
        id: optString(body, 'id'), task: optString(body, 'task') ?? '', query: optString(body, 'query') ?? '', cluster: optString(body, 'cluster') ?? '',
        recordingTime: bool(body, 'recording-time'), clock: clockOf(body),
      });
      return sendJson(reply, 201, replayView(r));
    });

    json.get(`${base}/recordings/:id/data`, async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const r = svc.getRecording(req.params.id);
      if (r.status === 'running') throw new ApiError(409, `recording ${r.id} is still running`);
      if (r.status === 'failed') throw new ApiError(409, `recording ${r.id} failed: ${r.error}`);
      if (r.type === 'batch') throw new ApiError(409, `recording ${r.id} is a batch recording: only stream recordings export as line protocol`);
      const log = req.log;
      const lines = async function* (): AsyncGenerator<string> {
        yield '# DML\n';
        let db: string | undefined;
        let rp: string | undefined;
        try {
          for await (const chunk of openRecording(r.file)) {
            let out = '';
            if (chunk.db !== db) { db = chunk.db; out += `# CONTEXT-DATABASE:${db}\n`; }
            if (chunk.rp !== rp) { rp = chunk.rp; out += `# CONTEXT-RETENTION-POLICY:${rp}\n`; }
            for (const p of chunk.points) out += pointLine(p);
            yield out;
          }
        } catch (err) {
          // the status line is gone already: cut the response so the client sees a failed transfer
          log.error({ err, recording: r.id }, 'export failed');
          throw err;
        }
      };
      return reply.code(200).type('text/plain; charset=utf-8').send(Readable.from(lines()));
    });

    json.post(`${base}/replays`, async (req, reply) => {
      const body = parseJsonObject(req.body);
      const clock = optString(body, 'clock') ?? 'fast';
      if (clock !== 'fast' && clock !== 'real') throw new ApiError(400, `unknown Clock ${clock}`);
      const r = svc.createReplay({
        id: optString(body, 'id'), task: optString(body, 'task') ?? '', recording: optString(body, 'recording') ?? '',
        recordingTime: bool(body, 'recording-time'), clock,
      });
      return sendJson(reply, 201, replayView(r));
    });
  });

  // import: the body is streamed, not buffered
  await app.register(async (imp) => {
    imp.removeAllContentTypeParsers();
    imp.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    imp.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      if (err instanceof ApiError) return sendApiError(reply, err.status, err.message);
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err }, 'recording import failed');
      return sendApiError(reply, status, err.message);
    });
    imp.post(`${base}/recordings/import`, async (req, reply) => {
      const q = req.query as Q;
      const precision = queryOne(q['precision']) ?? '';
      if (precisionMultiplier(precision) === undefined) throw new ApiError(400, `invalid precision ${JSON.stringify(precision)}: use n, ns, u, us, ms, s, m or h`);
      const body = (req.body ?? Readable.from([])) as AsyncIterable<Buffer>;
      const r = await svc.importRecording(queryOne(q['id']), (writer) => importLineProtocol(body, writer, {
        db: queryOne(q['db']) ?? '', rp: queryOne(q['rp']) ?? '', precision, now: opts.now(),
      }));
      return sendJson(reply, 201, recordingView(r));
    });
  });
}
