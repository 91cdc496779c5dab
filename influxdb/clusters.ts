/**
 * The enabled `[[influxdb]]` clusters by name, with the default one (Kapacitor's services/influxdb Service
 * updateConfigs / NewNamedClient): a single enabled cluster is the default even without `default = true`.
 */
import type { InfluxdbSectionConfig } from '../config/index.ts';
import type { InfluxDBClusters } from './ports.ts';
import { InfluxDBClient } from './client.ts';

export interface Cluster {
  readonly config: InfluxdbSectionConfig;
  readonly client: InfluxDBClient;
}

export class InfluxDBClusterSet implements InfluxDBClusters {
  readonly clusters = new Map<string, Cluster>();
  readonly defaultName: string;

  constructor(sections: readonly InfluxdbSectionConfig[], userAgent: string) {
    let def = '';
    const enabled = sections.filter((s) => s.enabled);
    for (const s of enabled) {
      this.clusters.set(s.name, { config: s, client: InfluxDBClient.fromConfig(s, userAgent) });
      if (s.default) def = s.name;
    }
    if (enabled.length === 1) def = enabled[0]!.name;
    this.defaultName = def;
  }

  get size(): number { return this.clusters.size; }

  client(cluster: string): InfluxDBClient {
    const name = cluster === '' ? this.defaultName : cluster;
    const c = this.clusters.get(name);
    if (!c) {
      const known = [...this.clusters.keys()];
      throw new Error(`no such InfluxDB config ${name}${known.length ? ` (configured: ${known.join(', ')})` : ' (no enabled [[influxdb]] section)'}`);
    }
    return c.client;
  }

  private readonly pending = new Set<Promise<void>>();

  trackPending(done: Promise<void>): void {
    const p = done.catch(() => {}).finally(() => { this.pending.delete(p); });
    this.pending.add(p);
  }

  /** Waits for tracked writes, at most `timeoutMs`; resolves with how many were still running then. */
  async drain(timeoutMs: number): Promise<number> {
    if (this.pending.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => { timer = setTimeout(r, timeoutMs); });
    await Promise.race([Promise.all([...this.pending]), timeout]);
    clearTimeout(timer);
    return this.pending.size;
  }

  close(): void {
    for (const c of this.clusters.values()) c.client.close();
  }
}
