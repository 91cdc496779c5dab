/**
 * tickstream's own Prometheus metrics (docs/metrics.md): ingress, write requests, tasks, and every running task's
 * node statistics (SPEC 7.2). Each family is a prom-client metric in this app's own Registry whose `collect()`
 * copies the current value of a counter the server keeps anyway (IngressStats, WriteStats, the nodes' stats) when
 * Prometheus scrapes: nothing is added to the write path or to the nodes. Counters of a task that stopped
 * disappear with it; when it starts again they restart from 0, which Prometheus treats as a counter reset.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { IngressStat } from '../ingest/ingress.ts';
import type { WriteStats } from '../ingest/write-route.ts';
import type { LimitStats } from '../http/limits.ts';
import { processRegistry } from './process.ts';
import { readTasks, type NodeSample, type TaskSnapshot, type TaskSource } from './snapshot.ts';
import type { AutoscaleView } from '../../autoscale/view.ts';

export interface MetricsSources {
  /** ingress statistics of the main task master (server/ingest/ingress.ts) */
  readonly ingress: { snapshot(): Iterable<IngressStat> };
  /** per-request counters of the write endpoints (server/ingest/write-route.ts) */
  readonly writes: WriteStats;
  readonly tasks: TaskSource;
  readonly version: string;
  /** requests refused by the authentication gate (present when [auth] is enabled) */
  readonly auth?: { readonly unauthenticated: number; readonly forbidden: number };
  /** topic handlers' delivery counters (alerting/service.ts handlerStats: sent, errors, failed, dropped, queued, …) */
  readonly alertHandlers?: { handlerStats(): readonly { topic: string; id: string; kind: string; stats: unknown }[] };
  /** requests and definitions refused by a resource limit (server/http/limits.ts) */
  readonly limits?: LimitStats;
  /** add the Node.js process metrics (default true) */
  readonly processMetrics?: boolean;
}

const NODE_LABELS = ['task', 'node', 'kind'] as const;
type NodeLabel = (typeof NODE_LABELS)[number];

const nodeLabels = (n: NodeSample): Record<NodeLabel, string> => ({ task: n.task, node: n.node, kind: n.kind });

/** A node counter name as a metric name part: Prometheus names allow [a-zA-Z0-9_:], not starting with a digit. */
export function counterFamilyName(counter: string): string {
  const safe = counter.replace(/[^a-zA-Z0-9_]/g, '_');
  return `tickstream_node_${safe}_total`;
}

export class TickstreamMetrics {
  /** this app's tickstream_* families (the process metrics live in processRegistry()) */
  readonly registry = new Registry();
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  private readonly sources: MetricsSources;
  /** the task snapshot of the scrape in progress (see render) */
  private current: TaskSnapshot | undefined;
  /** node-specific counter name → its family, registered the first time a running node reports it */
  private readonly counterFamilies = new Map<string, Counter<NodeLabel>>();

  constructor(sources: MetricsSources) {
    this.sources = sources;
    const registers = [this.registry];
    const self = this;

    new Gauge({
      name: 'tickstream_build_info', help: 'Always 1; the label carries the tickstream version.', labelNames: ['version'], registers,
      collect() { this.reset(); this.set({ version: sources.version }, 1); },
    });

    new Counter({
      name: 'tickstream_points_received_total',
      help: 'Points accepted by /write, per database, retention policy and measurement (Kapacitor ingress points_received).',
      labelNames: ['database', 'retention_policy', 'measurement'], registers,
      collect() {
        this.reset();
        for (const s of sources.ingress.snapshot()) {
          this.inc({ database: s.tags.database, retention_policy: s.tags.retention_policy, measurement: s.tags.measurement }, s.values.points_received);
        }
      },
    });
    new Counter({
      name: 'tickstream_write_requests_total', help: 'Requests answered by the write endpoints, by HTTP status code.',
      labelNames: ['code'], registers,
      collect() {
        this.reset();
        for (const [code, n] of [...sources.writes.responses].sort((a, b) => a[0] - b[0])) this.inc({ code: String(code) }, n);
      },
    });
    if (sources.auth) {
      const auth = sources.auth;
      new Counter({
        name: 'tickstream_http_auth_refused_total',
        help: 'Requests refused by authentication (401, reason unauthenticated) or authorization (403, reason forbidden).',
        labelNames: ['reason'], registers,
        collect() { this.reset(); this.inc({ reason: 'unauthenticated' }, auth.unauthenticated); this.inc({ reason: 'forbidden' }, auth.forbidden); },
      });
    }
    if (sources.alertHandlers) {
      const handlers = sources.alertHandlers;
      new Counter({
        name: 'tickstream_alert_handler_events_total',
        help: 'Events of each topic handler by result: sent (delivered), errors (failed attempts), failed (given up), ' +
          'dropped (a queue was full), queued (written to the durable delivery queue), match_errors.',
        labelNames: ['topic', 'handler', 'kind', 'result'], registers,
        collect() {
          this.reset();
          for (const h of handlers.handlerStats()) {
            for (const [result, n] of Object.entries(h.stats as Record<string, number>)) {
              if (typeof n === 'number') this.inc({ topic: h.topic, handler: h.id, kind: h.kind, result }, n);
            }
          }
        },
      });
    }
    if (sources.limits) {
      const limits = sources.limits;
      new Counter({
        name: 'tickstream_limit_refusals_total',
        help: 'Requests and definitions refused by a resource limit, by the config key of the limit (docs/SECURITY.md).',
        labelNames: ['limit'], registers,
        collect() {
          this.reset();
          for (const [limit, n] of [...limits.refusals].sort((a, b) => a[0].localeCompare(b[0]))) this.inc({ limit }, n);
        },
      });
    }
    new Counter({
      name: 'tickstream_write_received_bytes_total', help: 'Request body bytes received by the write endpoints, as sent (before gunzip).',
      registers,
      collect() { this.reset(); this.inc(sources.writes.receivedBytes); },
    });

    new Gauge({
      name: 'tickstream_tasks', help: 'Defined tasks by status.', labelNames: ['status'], registers,
      collect() {
        const t = self.tasks();
        this.set({ status: 'enabled' }, t.enabled);
        this.set({ status: 'disabled' }, t.disabled);
      },
    });
    new Gauge({
      name: 'tickstream_tasks_executing', help: 'Enabled tasks that are running (started and not failed).', registers,
      collect() { this.set(self.tasks().executing); },
    });
    new Gauge({
      name: 'tickstream_task_throughput_points_per_second',
      help: "Points the task's source node collected during the last second, sampled every second (Kapacitor task throughput).",
      labelNames: ['task'], registers,
      collect() {
        this.reset();
        for (const [task, v] of self.tasks().throughput) this.set({ task }, v);
      },
    });

    this.nodeCounter('tickstream_node_collected_total', 'Points (batches on batch edges) the node received from its parents.', (n) => n.collected);
    this.nodeCounter('tickstream_node_emitted_total', 'Points (batches on batch edges) the node sent to its children.', (n) => n.emitted);
    this.nodeCounter('tickstream_node_errors_total', 'Errors the node counted (bad points, failed calls); the point is dropped, the task goes on.', (n) => n.errors);
    this.nodeGauge('tickstream_node_working_cardinality', 'Groups the node keeps state for.', (n) => n.workingCardinality);
    this.autoscaleFamilies();
    this.nodeGauge('tickstream_node_avg_exec_time_seconds',
      'Highest moving average of sampled per-message processing time so far (Kapacitor avg_exec_time_ns, in seconds).',
      (n) => n.avgExecTimeNs / 1e9);
  }

  /** The Prometheus text of one scrape: the process metrics (unless disabled), then tickstream's. */
  async render(): Promise<string> {
    const snapshot = readTasks(this.sources.tasks);
    for (const n of snapshot.nodes) for (const name of n.counters.keys()) this.counterFamily(name);
    const registry = this.sources.processMetrics === false ? this.registry : Registry.merge([processRegistry(), this.registry]);
    // prom-client calls every collect() synchronously inside metrics() before its first await, so this one
    // snapshot (one task-store read) serves every task family; a collect() run outside a scrape reads afresh.
    this.current = snapshot;
    try {
      return await registry.metrics();
    } finally {
      this.current = undefined;
    }
  }

  private tasks(): TaskSnapshot {
    return this.current ?? readTasks(this.sources.tasks);
  }

  /** A counter over the running nodes; nodes for which `pick` gives undefined have no sample. */
  private nodeCounter(name: string, help: string, pick: (n: NodeSample) => number | undefined): Counter<NodeLabel> {
    const self = this;
    return new Counter({
      name, help, labelNames: NODE_LABELS, registers: [this.registry],
      collect() {
        this.reset();
        for (const n of self.tasks().nodes) {
          const v = pick(n);
          if (v !== undefined && v >= 0) this.inc(nodeLabels(n), v); // counts; a negative one would fail the whole scrape
        }
      },
    });
  }

  private nodeGauge(name: string, help: string, pick: (n: NodeSample) => number): void {
    const self = this;
    new Gauge({
      name, help, labelNames: NODE_LABELS, registers: [this.registry],
      collect() {
        this.reset();
        for (const n of self.tasks().nodes) this.set(nodeLabels(n), pick(n));
      },
    });
  }

  /** k8sAutoscale: replicas per resource, decisions by reason, actuation and overflow events (docs/metrics.md). */
  private autoscaleFamilies(): void {
    const self = this;
    const registers = [this.registry];
    new Gauge({
      name: 'tickstream_autoscale_desired_replicas', help: 'Replicas the autoscale node decided for the resource (namespace/kind/name).',
      labelNames: ['task', 'node', 'resource'], registers,
      collect() {
        this.reset();
        for (const { task, view } of self.tasks().autoscalers) for (const r of view.autoscaleResources()) this.set({ task, node: view.name, resource: r.key }, r.decided);
      },
    });
    new Gauge({
      name: 'tickstream_autoscale_applied_replicas', help: 'Replicas the cluster was last known to hold (first read, last applied, or an adopted manual change).',
      labelNames: ['task', 'node', 'resource'], registers,
      collect() {
        this.reset();
        for (const { task, view } of self.tasks().autoscalers) {
          for (const r of view.autoscaleResources()) if (r.applied !== undefined) this.set({ task, node: view.name, resource: r.key }, r.applied);
        }
      },
    });
    new Counter({
      name: 'tickstream_autoscale_decisions_total', help: 'Decision records by reason (scaled, unchanged, cooldown, tolerance, stabilization, rate-limit, override, error).',
      labelNames: ['task', 'node', 'reason'], registers,
      collect() {
        this.reset();
        for (const { task, view } of self.tasks().autoscalers) {
          for (const [reason, n] of view.autoscaleCounters.reasons) this.inc({ task, node: view.name, reason }, n);
        }
      },
    });
    const events: [string, (c: AutoscaleView['autoscaleCounters']) => number][] = [
      ['actuation_applied', (c) => c.actuationsApplied], ['actuation_failed', (c) => c.actuationFailures],
      ['manual_override', (c) => c.manualOverrides], ['read_failed', (c) => c.readFailures],
      ['hold_overflow', (c) => c.holdOverflows], ['resource_limit', (c) => c.resourceLimitDrops], ['persist_failed', (c) => c.persistFailures],
    ];
    new Counter({
      name: 'tickstream_autoscale_events_total',
      help: 'Autoscale engine events: actuation_applied/failed (API attempts), manual_override (kubectl scale adopted), read_failed (first read), hold_overflow and resource_limit (points not decided), persist_failed.',
      labelNames: ['task', 'node', 'event'], registers,
      collect() {
        this.reset();
        for (const { task, view } of self.tasks().autoscalers) {
          for (const [event, pick] of events) this.inc({ task, node: view.name, event }, pick(view.autoscaleCounters));
        }
      },
    });
  }

  /** One family per node-specific counter (tickstream_node_increase_events_total, …), samples for the nodes that have it. */
  private counterFamily(counter: string): void {
    if (this.counterFamilies.has(counter)) return;
    const name = counterFamilyName(counter);
    // two counter names that differ only in characters Prometheus does not allow would share a name: keep the first
    if (this.registry.getSingleMetric(name)) return;
    this.counterFamilies.set(counter, this.nodeCounter(name, `Node counter ${counter} (Kapacitor node statistic of that name).`,
      (n) => n.counters.get(counter)));
  }
}
