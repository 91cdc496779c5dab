/**
 * InfluxDB subscriptions for one `[[influxdb]]` cluster (Kapacitor 1.8 services/influxdb/service.go
 * linkSubscriptions): on start and every `subscriptions-sync-interval`, every database/retention policy InfluxDB
 * has (only those in `subscriptions` when that is set; never those in `excluded-subscriptions`) gets a subscription
 * named `kapacitor-<cluster id>` (`subscription-mode = "server"`: `kapacitor-<server id>`), mode ANY, destination
 * `<protocol>://<kapacitor-hostname or hostname>:<http-port or the bound port><subscription-path>`. Subscriptions
 * of ours that point elsewhere or should no longer exist are dropped (and recreated when needed); Kapacitor's
 * older names (`kapacitor`, the bare cluster id) are renamed. A subscription deleted by hand or a database created
 * later is picked up at the next sync.
 *
 * Deliberate difference: Kapacitor blocks its startup until InfluxDB answers (up to `startup-timeout`, then fails).
 * tickstream starts at once; while InfluxDB cannot be reached it logs the error (naming the URL) and tries again
 * with exponential backoff (0.5 s doubling, at most the sync interval), then keeps the normal sync cadence.
 *
 * With `subscription-protocol = "udp"` each subscription gets its own UDP listener on `udp-bind` (influxdb/udp.ts).
 */
import type { Logger } from 'pino';
import type { InfluxSeries } from './ports.ts';
import type { Cluster } from './clusters.ts';
import type { UdpListeners } from './udp.ts';
import { quoteIdent, quoteString } from './influxql.ts';

/** Kapacitor's legacy subscription name (renamed on sight). */
const LEGACY_NAME = 'kapacitor';
export const SUB_NAME_PREFIX = 'kapacitor-';

export interface SubscriptionSyncOptions {
  readonly cluster: Cluster;
  /** `kapacitor-<cluster id>` or `kapacitor-<server id>` */
  readonly subName: string;
  /** the cluster id: a subscription named just that is an older Kapacitor's and is renamed */
  readonly clusterId: string;
  /** host InfluxDB should send to */
  readonly hostname: string;
  /** port InfluxDB should send to (http/https) */
  readonly httpPort: number;
  readonly logger: Logger;
  /** needed for subscription-protocol "udp" */
  readonly udp?: UdpListeners;
  /** first retry delay after a failed sync (default 500 ms) */
  readonly retryMinMs?: number;
}

interface SubEntry { db: string; rp: string; name: string }
interface SubInfo { mode: string; destinations: string[] }

const key = (db: string, rp: string): string => db + '\0' + rp;

function column(series: InfluxSeries, row: readonly unknown[], name: string): unknown {
  const i = series.columns.indexOf(name);
  return i < 0 ? undefined : row[i];
}

export class SubscriptionSync {
  /** subscriptions of ours that exist after the last successful sync (`kapacitor stats general`) */
  count = 0;
  /** the last sync error ('' after a success) */
  lastError = '';
  private readonly config: Cluster['config'];
  private readonly configSubs: Set<string>;
  private readonly excluded: Set<string>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private failures = 0;

  constructor(private readonly opts: SubscriptionSyncOptions) {
    this.config = opts.cluster.config;
    this.configSubs = new Set(Object.entries(this.config.subscriptions).flatMap(([db, rps]) => rps.map((rp) => key(db, rp))));
    this.excluded = new Set(Object.entries(this.config.excludedSubscriptions).flatMap(([db, rps]) => rps.map((rp) => key(db, rp))));
  }

  /** Links now (in the background) and then every sync interval. */
  start(): void {
    void this.linkNow();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits for the sync in progress, if any. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * One sync now (the one in progress is followed by another). Never rejects: errors are logged and retried;
   * resolves with the error message or '' on success.
   */
  async linkNow(): Promise<string> {
    if (this.running) {
      this.again = true;
      await this.idle();
      return this.lastError;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.link();
          this.lastError = '';
          this.failures = 0;
        } catch (err) {
          this.lastError = (err as Error).message;
          this.failures++;
        }
      } while (this.again && !this.stopped);
    })().finally(() => { this.running = undefined; this.schedule(); });
    await this.running;
    return this.lastError;
  }

  private schedule(): void {
    if (this.stopped) return;
    const interval = Number(this.config.subscriptionsSyncInterval / 1_000_000n);
    let delay = interval;
    if (this.failures > 0) {
      delay = Math.min((this.opts.retryMinMs ?? 500) * 2 ** (this.failures - 1), interval);
      this.opts.logger.error({ cluster: this.config.name, err: this.lastError, retry_in_ms: delay },
        `failed to link subscriptions for InfluxDB cluster ${this.config.name}, retrying...`);
    }
    this.timer = setTimeout(() => { void this.linkNow(); }, delay);
  }

  private shouldExist(db: string, rp: string): boolean {
    const k = key(db, rp);
    return (this.configSubs.size === 0 || this.configSubs.has(k)) && !this.excluded.has(k);
  }

  private destination(): string {
    const c = this.config;
    if (c.subscriptionProtocol === 'udp') throw new Error('udp destinations come from their listener');
    return `${c.subscriptionProtocol}://${this.opts.hostname}:${this.opts.httpPort}${c.subscriptionPath}`;
  }

  /** Kapacitor's changedOrInvalid: does this subscription of ours still point at us? */
  private pointsAtUs(si: SubInfo): boolean {
    const first = si.destinations[0];
    if (first === undefined) return false;
    let u: URL;
    try { u = new URL(first); } catch { return false; }
    if (u.protocol !== this.config.subscriptionProtocol + ':') return false;
    if (u.hostname !== this.opts.hostname && `[${this.opts.hostname}]` !== u.hostname) return false;
    if (u.protocol === 'udp:') return this.opts.udp?.has(first) ?? false;
    return u.port === String(this.opts.httpPort) && u.username === '' && u.password === '';
  }

  private async query(command: string, db?: string): Promise<InfluxSeries[]> {
    const r = await this.opts.cluster.client.query(command, db);
    return [...(r.results?.[0]?.series ?? [])];
  }

  private async create(se: SubEntry, mode: string, destinations: readonly string[]): Promise<void> {
    await this.query(`CREATE SUBSCRIPTION ${quoteIdent(se.name)} ON ${quoteIdent(se.db)}.${quoteIdent(se.rp)} DESTINATIONS ${mode.toUpperCase()} ${destinations.map(quoteString).join(', ')}`);
    this.opts.logger.info({ cluster: this.config.name, db: se.db, rp: se.rp, name: se.name, destinations }, 'created InfluxDB subscription');
  }

  private async drop(se: SubEntry): Promise<void> {
    await this.query(`DROP SUBSCRIPTION ${quoteIdent(se.name)} ON ${quoteIdent(se.db)}.${quoteIdent(se.rp)}`);
    this.opts.udp?.close(se.db, se.rp);
    this.opts.logger.info({ cluster: this.config.name, db: se.db, rp: se.rp, name: se.name }, 'dropped InfluxDB subscription');
  }

  private async link(): Promise<void> {
    const name = this.opts.subName;
    const all: { db: string; rp: string }[] = [];
    for (const s of await this.query('SHOW DATABASES')) {
      for (const row of s.values ?? []) {
        const db = String(row[0]);
        for (const rs of await this.query(`SHOW RETENTION POLICIES ON ${quoteIdent(db)}`)) {
          for (const r of rs.values ?? []) all.push({ db, rp: String(column(rs, r, 'name') ?? r[0]) });
        }
      }
    }

    // existing subscriptions of ours (renaming Kapacitor's older names), db\0rp → info
    const existing = new Map<string, SubInfo>();
    for (const s of await this.query('SHOW SUBSCRIPTIONS')) {
      for (const row of s.values ?? []) {
        const se: SubEntry = { db: s.name ?? '', rp: String(column(s, row, 'retention_policy') ?? ''), name: String(column(s, row, 'name') ?? '') };
        const dests = column(s, row, 'destinations');
        const si: SubInfo = { mode: String(column(s, row, 'mode') ?? 'ANY'), destinations: Array.isArray(dests) ? dests.map(String) : [] };
        if (se.name === LEGACY_NAME || se.name === this.opts.clusterId) {
          await this.drop(se);
          await this.create({ ...se, name }, si.mode, si.destinations);
          existing.set(key(se.db, se.rp), si);
        } else if (se.name === name) {
          if (this.pointsAtUs(si)) existing.set(key(se.db, se.rp), si);
          else await this.drop(se); // recreated below if it should exist
        }
      }
    }

    // drop ours that should not exist
    for (const [k, _si] of existing) {
      const [db, rp] = k.split('\0') as [string, string];
      if (!this.shouldExist(db, rp)) {
        await this.drop({ db, rp, name });
        existing.delete(k);
      }
    }

    // create the missing ones
    for (const { db, rp } of all) {
      const k = key(db, rp);
      if (!this.shouldExist(db, rp) || existing.has(k)) continue;
      const dest = this.config.subscriptionProtocol === 'udp'
        ? await this.udpDestination(db, rp)
        : this.destination();
      await this.create({ db, rp, name }, 'ANY', [dest]);
      existing.set(k, { mode: 'ANY', destinations: [dest] });
    }
    // listeners of subscriptions that are gone (database dropped)
    this.opts.udp?.retain(new Set(existing.keys()));
    this.count = existing.size;
  }

  private async udpDestination(db: string, rp: string): Promise<string> {
    if (!this.opts.udp) throw new Error('subscription-protocol "udp" needs UDP listeners');
    const port = await this.opts.udp.listen(db, rp);
    return `udp://${this.opts.hostname}:${port}`;
  }
}
