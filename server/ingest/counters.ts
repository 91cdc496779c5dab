/**
 * The counters a server keeps about what arrives: ingress points per (database, retention policy, measurement) and
 * write requests per status code and body bytes, and refusals by resource limits. One ServerCounters per server, created by startDaemon and handed
 * to the write routes (which count into it) and to the services (which read it: /debug/vars, /metrics, [stats], and
 * UDP subscription datagrams, which count too). Owned, not module-global: two servers in one process (tests,
 * benchmarks) count apart, and no test resets another's counters.
 */
import { IngressStats } from './ingress.ts';
import { WriteStats } from './write-route.ts';
import { LimitStats } from '../http/limits.ts';

export interface ServerCounters {
  readonly ingress: IngressStats;
  readonly writes: WriteStats;
  /** requests and definitions refused by a resource limit, by config key (server/http/limits.ts) */
  readonly limits: LimitStats;
}

export function newServerCounters(): ServerCounters {
  return { ingress: new IngressStats('main'), writes: new WriteStats(), limits: new LimitStats() };
}

/** One ingress counter in the shape /debug/vars and the [stats] stream take (server/api/debug-vars.ts IngressStat). */
export interface IngressRow {
  readonly database: string;
  readonly retentionPolicy: string;
  readonly measurement: string;
  readonly pointsReceived: number;
}

/** The ingress counters as rows, sorted by database, retention policy, measurement. */
export function ingressRows(ingress: IngressStats): IngressRow[] {
  return ingress.snapshot().map((s) => ({
    database: s.tags.database, retentionPolicy: s.tags.retention_policy, measurement: s.tags.measurement,
    pointsReceived: s.values.points_received,
  }));
}
