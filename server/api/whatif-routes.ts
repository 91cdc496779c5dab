/**
 * POST /kapacitor/v1/whatif — replay points through one or more defined tasks against a simulated cluster and
 * report what their k8sAutoscale policies would have done and cost (whatif/). The live tasks, the task store and
 * the real cluster are not touched. Body:
 *
 *   { "task": "autoscale", "compare": ["autoscale-stable"],           tasks to replay (the first is the baseline)
 *     "points": { "db": "autoscale", "rp": "autogen", "precision": "s", "data": "<line protocol>" },
 *     "initial-replicas": 1, "pod-capacity": 100, "startup": "30s", "load-field": "avg_requests_per_second" }
 *
 * Answers 200 with the report (whatif/report-json.ts); 404 for an unknown task; 400 naming what is wrong.
 */
import type { FastifyInstance } from 'fastify';
import { LineProtocolParser, isValidPrecision } from '../../lineprotocol/parser.ts';
import { formatGoDuration } from '../../gocompat/duration.ts';
import type { DBRP } from '../../tickscript/pipeline.ts';
import { runWhatIf, type PointChunk, type WhatIfTask } from '../../whatif/run.ts';
import { taskJSON, type WhatIfJSON } from '../../whatif/report-json.ts';
import { parseDuration } from '../../gocompat/duration.ts';
import { ApiError, parseJsonObject, sendJson } from './http.ts';
import { useRawBodies } from './body.ts';
import type { TaskService } from './task-service.ts';

const FIELDS = new Set(['task', 'compare', 'points', 'recording', 'initial-replicas', 'pod-capacity', 'startup', 'load-field']);
const CHUNK = 5000;

/** Where `"recording": "<id>"` points come from (the recordings store); absent → such requests are a 400. */
export interface RecordingSource {
  /** throws an ApiError-worthy Error (e.g. unknown id) before the first chunk when it cannot be read */
  open(id: string): AsyncIterable<PointChunk>;
}

export interface WhatIfRoutesOptions {
  readonly tasks: TaskService;
  readonly base: string;
  readonly recordings?: RecordingSource;
}

function str(body: Record<string, unknown>, key: string, dflt?: string): string {
  const v = body[key];
  if (v === undefined) {
    if (dflt === undefined) throw new ApiError(400, `must provide ${key}`);
    return dflt;
  }
  if (typeof v !== 'string') throw new ApiError(400, `${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function num(body: Record<string, unknown>, key: string, dflt: number, integer: boolean, min: number): number {
  const v = body[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min) {
    throw new ApiError(400, `${key} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(body[key])}`);
  }
  return v;
}

export async function whatifRoutes(app: FastifyInstance, opts: WhatIfRoutesOptions): Promise<void> {
  const svc = opts.tasks;
  useRawBodies(app);
  app.post(`${opts.base}/whatif`, async (req, reply) => {
    const body = parseJsonObject(req.body);
    for (const k of Object.keys(body)) if (!FIELDS.has(k)) throw new ApiError(400, `unknown field ${JSON.stringify(k)} in whatif request; allowed fields: ${[...FIELDS].join(', ')}`);
    const ids = [str(body, 'task')];
    const compare = body['compare'];
    if (compare !== undefined) {
      const list = typeof compare === 'string' ? [compare] : compare;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new ApiError(400, 'compare must be a task id or a list of task ids');
      ids.push(...(list as string[]));
    }
    const tasks: WhatIfTask[] = ids.map((id) => {
      const t = svc.store.getTask(id);
      if (!t) throw new ApiError(404, `no task exists: ${id}`);
      return { id, pipeline: svc.evaluate(t.script, t.vars), dbrps: t.dbrps as readonly DBRP[] };
    });
    const initialReplicas = num(body, 'initial-replicas', 1, true, 0);
    const podCapacity = num(body, 'pod-capacity', 100, false, Number.MIN_VALUE);
    const startupText = str(body, 'startup', '0s');
    const startup = parseDuration(startupText);
    if (!startup.ok || startup.value < 0n) throw new ApiError(400, `startup must be a duration >= 0 such as 30s, got ${JSON.stringify(startupText)}`);
    const loadField = body['load-field'] === undefined ? undefined : str(body, 'load-field');

    const points = body['points'];
    const recording = body['recording'] === undefined ? undefined : str(body, 'recording');
    if (recording !== undefined && points !== undefined) throw new ApiError(400, 'give either points or recording, not both');
    let source: (() => AsyncIterable<PointChunk> | Iterable<PointChunk>) | undefined;
    if (recording !== undefined) {
      const recordings = opts.recordings;
      if (!recordings) throw new ApiError(400, 'recordings are not available on this server');
      source = () => recordings.open(recording);
    } else if (points === undefined || points === null || typeof points !== 'object' || Array.isArray(points)) {
      throw new ApiError(400, 'must provide points: {"db", "rp", "precision", "data": "<line protocol>"} or a recording id');
    }
    if (source === undefined) {
      const chunks = inlineChunks(points as Record<string, unknown>, tasks[0]!.dbrps[0]);
      source = () => chunks;
    }

    const report: WhatIfJSON = { options: { 'initial-replicas': initialReplicas, 'pod-capacity': podCapacity, startup: formatGoDuration(startup.value) }, tasks: [] };
    // the first source is opened before any replay: an unknown or unreadable recording is the request's error (404/400)
    let next: AsyncIterable<PointChunk> | Iterable<PointChunk> | undefined = source();
    for (const t of tasks) {
      const points = next ?? source();
      next = undefined;
      try {
        report.tasks.push(taskJSON(await runWhatIf(t, points, { initialReplicas, podCapacity, startup: startup.value, ...(loadField ? { loadField } : {}) })));
      } catch (err) {
        throw new ApiError(400, `what-if of task ${t.id}: ${(err as Error).message}`);
      }
    }
    return sendJson(reply, 200, report);
  });
}

/** Inline line protocol, parsed all-or-nothing like /write (a bad line is a 400 naming it), in chunks. */
function inlineChunks(p: Record<string, unknown>, dbrp: DBRP | undefined): PointChunk[] {
  const db = str(p, 'db', dbrp?.db ?? '');
  const rp = str(p, 'rp', dbrp?.rp ?? '');
  const precision = str(p, 'precision', '');
  if (!isValidPrecision(precision)) throw new ApiError(400, `invalid precision ${JSON.stringify(precision)}`);
  const parsed = new LineProtocolParser().parse(Buffer.from(str(p, 'data'), 'utf8'), { db, rp, precision, now: 0n });
  if (parsed.errors.length > 0) throw new ApiError(400, `points: ${parsed.errors.slice(0, 3).join('; ')}${parsed.errors.length > 3 ? ` (and ${parsed.errors.length - 3} more)` : ''}`);
  const chunks: PointChunk[] = [];
  for (let i = 0; i < parsed.points.length; i += CHUNK) chunks.push({ db, rp, points: parsed.points.slice(i, i + CHUNK) });
  return chunks;
}
