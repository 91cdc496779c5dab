/**
 * The InfluxDB service: the `[[influxdb]]` clusters (influxdb/clusters.ts) plus, once the HTTP server listens, one
 * subscription sync per cluster that has subscriptions enabled (influxdb/subscriptions.ts) and the UDP listeners
 * when a cluster subscribes over UDP. Points arriving over UDP go through `onLines` like a `/write`.
 */
import type { Logger } from 'pino';
import type { InfluxdbSectionConfig } from '../config/index.ts';
import { InfluxDBClusterSet } from './clusters.ts';
import { SUB_NAME_PREFIX, SubscriptionSync } from './subscriptions.ts';
import { UdpListeners } from './udp.ts';

export interface InfluxDBServiceOptions {
  readonly sections: readonly InfluxdbSectionConfig[];
  /** [hostname]: where InfluxDB sends subscription writes unless `kapacitor-hostname` says otherwise */
  readonly hostname: string;
  readonly clusterId: string;
  readonly serverId: string;
  readonly userAgent: string;
  readonly logger: Logger;
  /** line protocol that arrived over a UDP subscription, for db/rp */
  readonly onLines: (db: string, rp: string, data: Buffer) => void;
  /** first retry delay after a failed subscription sync (tests shorten it) */
  readonly retryMinMs?: number;
}

export class InfluxDBService {
  readonly clusters: InfluxDBClusterSet;
  readonly syncs: SubscriptionSync[] = [];
  private readonly udp: UdpListeners[] = [];

  constructor(private readonly opts: InfluxDBServiceOptions) {
    this.clusters = new InfluxDBClusterSet(opts.sections, opts.userAgent);
  }

  /** Starts the subscription syncs; `boundPort` is the HTTP port tickstream actually listens on. */
  start(boundPort: number): void {
    for (const cluster of this.clusters.clusters.values()) {
      const c = cluster.config;
      if (c.disableSubscriptions) continue;
      const logger = this.opts.logger.child({ cluster: c.name });
      let udp: UdpListeners | undefined;
      if (c.subscriptionProtocol === 'udp') {
        udp = new UdpListeners({ bind: c.udpBind, readBuffer: c.udpReadBuffer, logger, onDatagram: this.opts.onLines });
        this.udp.push(udp);
      }
      const sync = new SubscriptionSync({
        cluster,
        subName: SUB_NAME_PREFIX + (c.subscriptionMode === 'server' ? this.opts.serverId : this.opts.clusterId),
        clusterId: this.opts.clusterId,
        hostname: c.kapacitorHostname !== '' ? c.kapacitorHostname : this.opts.hostname,
        httpPort: c.httpPort !== 0 ? c.httpPort : boundPort,
        logger, udp, retryMinMs: this.opts.retryMinMs,
      });
      this.syncs.push(sync);
      sync.start();
    }
  }

  /** Subscriptions of ours over all clusters (`num_subscriptions` in /debug/vars). */
  subscriptionCount(): number {
    let n = 0;
    for (const s of this.syncs) n += s.count;
    return n;
  }

  /** Syncs every cluster now (`POST /kapacitor/v1/subscriptions`); resolves with the errors, if any. */
  async relink(): Promise<string[]> {
    const errs = await Promise.all(this.syncs.map((s) => s.linkNow()));
    return errs.filter((e) => e !== '');
  }

  close(): void {
    for (const s of this.syncs) s.stop();
    for (const u of this.udp) u.closeAll();
    this.clusters.close();
  }
}
