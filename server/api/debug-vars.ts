/**
 * SPEC 5.5: GET /kapacitor/v1/debug/vars — Go expvar layout (`{\n"key": value,\n...\n}\n`, keys sorted) with
 * Kapacitor's server vars and the `kapacitor` statistics map (ingress, nodes, edges).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { JSON_TYPE, goJson } from './http.ts';
import type { TaskService } from './task-service.ts';

/** One ingress counter of the main task master (SPEC 5.5 `ingress` statistic). */
export interface IngressStat {
  readonly database: string;
  readonly retentionPolicy: string;
  readonly measurement: string;
  readonly pointsReceived: number;
}

export interface DebugVarsOptions {
  readonly tasks: TaskService;
  readonly base: string;
  readonly clusterId: string;
  readonly serverId: string;
  readonly host: string;
  readonly version: string;
  /** ingress counters (server/ingest); omitted → none */
  readonly ingress?: (() => Iterable<IngressStat>) | undefined;
  /** number of InfluxDB subscriptions (none: tickstream receives writes directly) */
  readonly subscriptions?: (() => number) | undefined;
  /** alert topics (`topics` statistics, as Kapacitor) and per-handler delivery counters (`alert_handlers`) */
  readonly alerts?: {
    topicStates(pattern: string, minLevel: 0): readonly { id: string; collected: number }[];
    handlerStats(): readonly { topic: string; id: string; kind: string; stats: unknown }[];
  } | undefined;
  /** more top-level vars (a clustered instance adds cluster_instance, cluster_partitions, cluster_members) */
  readonly extraVars?: (() => Record<string, unknown>) | undefined;
}

export interface Statistic {
  name: string;
  tags: Record<string, string>;
  values: Record<string, unknown>;
}

/** A stable UUID-shaped key per statistic (Kapacitor keys them by random UUIDs fixed at registration). */
function statKey(name: string, tags: Record<string, string>): string {
  const h = createHash('sha1').update(name).update('\0').update(JSON.stringify(Object.entries(tags).sort())).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function memstats(): Record<string, number> {
  const m = process.memoryUsage();
  // Go runtime.MemStats names for the values Node can report
  return {
    Alloc: m.heapUsed, HeapAlloc: m.heapUsed, HeapSys: m.heapTotal, HeapInuse: m.heapUsed, Sys: m.rss,
    ExternalAlloc: m.external, ArrayBuffers: m.arrayBuffers,
  };
}

export function collectStatistics(opts: DebugVarsOptions): Statistic[] {
  const stats: Statistic[] = [];
  const common = { cluster_id: opts.clusterId, server_id: opts.serverId, host: opts.host };
  for (const i of opts.ingress?.() ?? []) {
    stats.push({
      name: 'ingress',
      tags: { ...common, task_master: 'main', database: i.database, retention_policy: i.retentionPolicy, measurement: i.measurement },
      values: { points_received: i.pointsReceived },
    });
  }
  for (const t of opts.alerts?.topicStates('', 0) ?? []) {
    stats.push({ name: 'topics', tags: { ...common, id: t.id }, values: { collected: t.collected } });
  }
  for (const h of opts.alerts?.handlerStats() ?? []) {
    stats.push({ name: 'alert_handlers', tags: { ...common, topic: h.topic, handler: h.id, kind: h.kind }, values: { ...(h.stats as object) } });
  }
  for (const t of opts.tasks.store.listTasks()) {
    const rt = opts.tasks.runner.getTask(t.id);
    if (!rt || rt.error) continue;
    const graph = rt.graph?.();
    if (graph === undefined) continue;
    const nodeStats = rt.stats()['node-stats'];
    for (const n of graph) {
      // the node's own statistics; collected/emitted are edge sums the task JSON adds, not node stats
      const { collected: _c, emitted: _e, ...values } = nodeStats[n.name] ?? {};
      stats.push({
        name: 'nodes',
        tags: { ...common, task: t.id, node: n.name, type: t.type, kind: n.name.replace(/\d+$/, '') },
        values,
      });
      for (const e of n.outs) {
        stats.push({
          name: 'edges',
          // `type` is the edge type: what the parent provides (stream or batch)
          tags: { ...common, task: t.id, parent: n.name, child: e.child, type: n.provides },
          values: { collected: e.processed, emitted: e.processed },
        });
      }
    }
  }
  return stats;
}

export function debugVarsBody(opts: DebugVarsOptions): string {
  const counts = opts.tasks.counts();
  const kapacitor: Record<string, Statistic> = {};
  for (const s of collectStatistics(opts)) kapacitor[statKey(s.name, s.tags)] = s;
  const vars: Record<string, unknown> = {
    cluster_id: opts.clusterId,
    cmdline: process.argv,
    host: opts.host,
    kapacitor,
    memstats: memstats(),
    num_enabled_tasks: counts.enabled,
    num_subscriptions: opts.subscriptions?.() ?? 0,
    num_tasks: counts.total,
    platform: 'OSS',
    product: 'kapacitor',
    server_id: opts.serverId,
    version: opts.version,
    ...opts.extraVars?.(),
  };
  const lines = Object.keys(vars).sort().map((k) => `${JSON.stringify(k)}: ${goJson(vars[k], false)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

export async function debugVarsRoutes(app: FastifyInstance, opts: DebugVarsOptions): Promise<void> {
  app.get(`${opts.base}/debug/vars`, async (_req, reply) => reply.code(200).type(JSON_TYPE).send(debugVarsBody(opts)));
}
