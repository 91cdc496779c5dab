/**
 * The enabled [[influxdb]] clusters of a daemon (single instance or cluster member): one InfluxDBService, closed
 * with the daemon, or none when no section is enabled. Its UDP subscription datagrams are taken in like a /write
 * body — parsed, bad lines logged and dropped, the points counted as ingress — and then handed to the sink the
 * caller plugs in once it exists (the task master, or the cluster's publisher); until then they are dropped.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/index.ts';
import { InfluxDBService } from '../../influxdb/service.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import type { Point } from '../../model/point.ts';
import { nowNs } from '../../model/time.ts';
import type { Lifecycle } from '../lifecycle.ts';
import { VERSION } from '../version.ts';
import type { IngressStats } from './ingress.ts';

/** Where a datagram's points go once parsed and counted (not called for a datagram without a valid line). */
export type UdpPointSink = (db: string, rp: string, points: Point[]) => void;

export interface InfluxDBSubscriptions {
  readonly service: InfluxDBService | undefined;
  /** Starts delivering UDP subscription points to `sink` (a no-op without InfluxDB). */
  deliverUdpTo(sink: UdpPointSink): void;
}

export interface InfluxDBSubscriptionsOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly clusterId: string;
  readonly serverId: string;
  readonly ingress: IngressStats;
}

export function openInfluxDB(o: InfluxDBSubscriptionsOptions): InfluxDBSubscriptions {
  const { config, logger } = o;
  if (!config.influxdb.some((s) => s.enabled)) return { service: undefined, deliverUdpTo: () => {} };
  let onLines = (_db: string, _rp: string, _data: Buffer): void => {};
  const service = new InfluxDBService({
    sections: config.influxdb, hostname: config.hostname, clusterId: o.clusterId, serverId: o.serverId, userAgent: `tickstream/${VERSION}`,
    logger: logger.child({ component: 'influxdb' }), onLines: (db, rp, data) => onLines(db, rp, data),
  });
  o.lifecycle.onClose(() => service.close(), 'influxdb');
  return {
    service,
    deliverUdpTo(sink: UdpPointSink): void {
      const parser = new LineProtocolParser();
      const udpLog = logger.child({ component: 'udp' });
      onLines = (db, rp, data) => {
        const { points, errors } = parser.parse(data, { db, rp, precision: '', now: nowNs() });
        if (errors.length > 0) udpLog.error({ db, rp, errors: errors.slice(0, 5) }, 'bad line protocol in UDP subscription datagram');
        if (points.length === 0) return;
        o.ingress.record(db, rp, points);
        sink(db, rp, points);
      };
    },
  };
}
