/**
 * The `[stats]` service (Kapacitor services/stats/service.go): every `stats-interval` (wall clock) the server's
 * statistics are sent into tickstream's own stream as points of database `[stats] database` (`_kapacitor`) and
 * retention policy `[stats] retention-policy` (`autogen`), time = now (UTC): one `kapacitor` point (num_tasks,
 * num_enabled_tasks, num_subscriptions, uptime), one per `ingress`/`nodes`/`edges` statistic as in
 * /kapacitor/v1/debug/vars, and one `runtime` point (memory). A stream task on `_kapacitor.autogen` consumes them —
 * `stream|from()|influxDBOut()` persists them in InfluxDB, as Kapacitor documents (that is why `_kapacitor.autogen`
 * is excluded from subscriptions by default). Integer statistics are int64 fields, uptime is a float (seconds).
 */
import type { Logger } from 'pino';
import { makePoint } from '../model/build.ts';
import { NO_DIMENSIONS, type Fields, type Point } from '../model/point.ts';
import { nowNs } from '../model/time.ts';
import type { PointSink } from '../model/point.ts';
import type { Statistic } from './api/debug-vars.ts';

export interface StatsStreamOptions {
  /** ns */
  readonly interval: bigint;
  readonly database: string;
  readonly retentionPolicy: string;
  readonly sink: PointSink;
  /** ingress/nodes/edges statistics (debug-vars collectStatistics) */
  readonly statistics: () => Statistic[];
  /** the `kapacitor` statistic's values besides uptime */
  readonly global: () => { num_tasks: number; num_enabled_tasks: number; num_subscriptions: number };
  readonly memstats: () => Record<string, number>;
  readonly logger: Logger;
  /** clock (ns), for tests */
  readonly now?: () => bigint;
}

function intFields(values: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== 'number') continue;
    out[k] = Number.isInteger(v) ? BigInt(v) : v;
  }
  return out;
}

export class StatsStream {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = process.hrtime.bigint();

  constructor(private readonly opts: StatsStreamOptions) {}

  start(): void {
    const ms = Math.max(1, Number(this.opts.interval / 1_000_000n));
    this.timer = setInterval(() => this.report(), ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round of statistics into the stream (what every tick does). */
  report(): void {
    const o = this.opts;
    try {
      const now = (o.now ?? nowNs)();
      const points: Point[] = [];
      const add = (name: string, tags: Record<string, string>, fields: Fields): void => {
        if (Object.keys(fields).length === 0) return; // Kapacitor skips statistics without values
        points.push(makePoint(name, o.database, o.retentionPolicy, tags, fields, now, NO_DIMENSIONS, ''));
      };
      const uptime = Number(process.hrtime.bigint() - this.started) / 1e9;
      add('kapacitor', {}, { ...intFields(o.global()), uptime });
      for (const s of o.statistics()) add(s.name, s.tags, intFields(s.values));
      add('runtime', {}, intFields(o.memstats()));
      o.sink.writePoints(o.database, o.retentionPolicy, points);
    } catch (err) {
      o.logger.error({ err }, 'error getting stats data');
    }
  }
}
