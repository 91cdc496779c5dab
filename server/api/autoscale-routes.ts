/**
 * GET /kapacitor/v1/tasks/<id>/autoscale/decisions?resource=&since=&limit=&node=&reason=
 *
 * The decision records of a task's autoscale nodes (autoscale/engine.ts): from the running nodes' rings (every
 * evaluated point) or, when the task is not executing, from SQLite (every record but `unchanged`). Records of
 * all nodes are merged in data-time order; the newest `limit` are returned, oldest first, with each node's
 * resources and counters.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { matches, recordJSON, type DecisionRecord, type RecordQuery } from '../../autoscale/index.ts';
import { DECISION_REASONS } from '../../autoscale/types.ts';
import type { AutoscaleView } from '../../autoscale/view.ts';
import { formatRFC3339Nano, parseRFC3339 } from '../../model/time.ts';
import { ApiError, sendJson } from './http.ts';
import { parseIntParam, queryList, queryOne, useRawBodies } from './body.ts';
import type { TaskService } from './task-service.ts';

export const MAX_DECISIONS_LIMIT = 10_000;

export interface AutoscaleRoutesOptions {
  readonly tasks: TaskService;
  readonly base: string;
}

interface NodeSummary {
  resources: { resource: string; decided: number; applied: number | null }[];
  counters: Record<string, number>;
}

export async function autoscaleRoutes(app: FastifyInstance, opts: AutoscaleRoutesOptions): Promise<void> {
  const svc = opts.tasks;
  useRawBodies(app); // the task API's error format (ApiError → {"error": …})
  app.get(`${opts.base}/tasks/:id/autoscale/decisions`, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const { id } = req.params;
    if (!svc.store.getTask(id)) throw new ApiError(404, 'no task exists');
    const q = req.query as Record<string, unknown>;
    const limit = parseIntParam('limit', queryOne(q['limit']), 100);
    if (limit < 1 || limit > MAX_DECISIONS_LIMIT) throw new ApiError(400, `invalid limit ${limit}: must be between 1 and ${MAX_DECISIONS_LIMIT}`);
    const sinceText = queryOne(q['since']);
    let since: bigint | undefined;
    if (sinceText !== undefined && sinceText !== '') {
      since = parseRFC3339(sinceText);
      if (since === undefined) throw new ApiError(400, `invalid since ${JSON.stringify(sinceText)}: expected an RFC3339 time such as 2016-11-08T18:21:07Z`);
    }
    const reasons = queryList(q['reason']);
    for (const r of reasons) {
      if (!(DECISION_REASONS as readonly string[]).includes(r)) throw new ApiError(400, `invalid reason ${JSON.stringify(r)}: must be one of ${DECISION_REASONS.join(', ')}`);
    }
    const query: RecordQuery = {
      resource: queryOne(q['resource']) ?? '', limit, ...(since !== undefined ? { since } : {}),
      ...(reasons.length > 0 ? { reasons: new Set(reasons) } : {}),
    };
    const onlyNode = queryOne(q['node']) ?? '';

    const running = svc.runner.getTask(id);
    const views: readonly AutoscaleView[] = running?.autoscalers?.() ?? [];
    const merged: { node: string; rec: DecisionRecord }[] = [];
    const nodes: Record<string, NodeSummary> = {};
    if (running) {
      for (const v of views) {
        if (onlyNode !== '' && v.name !== onlyNode) continue;
        for (const rec of v.decisions(query)) merged.push({ node: v.name, rec });
        const counters: Record<string, number> = {};
        const c = v.autoscaleCounters;
        for (const [reason, n] of c.reasons) counters[reason] = n;
        Object.assign(counters, {
          increases: c.increases, decreases: c.decreases, 'hold-overflows': c.holdOverflows, 'resource-limit-drops': c.resourceLimitDrops,
          'read-failures': c.readFailures, 'actuation-failures': c.actuationFailures, 'actuations-applied': c.actuationsApplied,
          'manual-overrides': c.manualOverrides, 'persist-failures': c.persistFailures,
        });
        nodes[v.name] = {
          resources: [...v.autoscaleResources()].map((r) => ({ resource: r.key, decided: r.decided, applied: r.applied ?? null })),
          counters,
        };
      }
    } else {
      for (const node of svc.store.autoscale.nodesOf(id)) {
        if (onlyNode !== '' && node !== onlyNode) continue;
        const scope = svc.store.autoscale.scope(id, node);
        for (const rec of scope.loadRecords(MAX_DECISIONS_LIMIT)) if (matches(rec, query)) merged.push({ node, rec });
        nodes[node] = {
          resources: scope.loadResources().map((r) => ({ resource: `${r.namespace}/${r.kind}/${r.name}`, decided: r.current, applied: r.applied ?? null })),
          counters: {},
        };
      }
    }
    merged.sort((a, b) => (a.rec.time < b.rec.time ? -1 : a.rec.time > b.rec.time ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : a.rec.seq - b.rec.seq));
    const page = merged.slice(Math.max(0, merged.length - limit));
    return sendJson(reply, 200, {
      task: id,
      executing: running !== undefined,
      nodes,
      decisions: page.map(({ node, rec }) => ({ node, ...recordJSON(rec, formatRFC3339Nano) })),
    });
  });
}
