/**
 * What nodes use of InfluxDB (influxDBOut, query), declared here beside the client that implements it so the
 * runtime and nodes depend on influxdb/ and never the other way round.
 */
/** The enabled `[[influxdb]]` clusters by name. */
export interface InfluxDBClusters {
  /** the named cluster's client ('' = the default cluster); throws `no such InfluxDB config <name>` */
  client(cluster: string): InfluxDBClientPort;
  /** a stopped node's last writes: the server waits for them (bounded) before closing the clients at shutdown */
  trackPending?(done: Promise<void>): void;
}

/** Where a write goes: InfluxDB's /write query parameters. */
export interface InfluxWriteTarget {
  readonly db: string;
  readonly rp: string;
  /** n, ns, u, ms, s, m, h ('' = ns) */
  readonly precision: string;
  /** any, one, quorum, all or '' */
  readonly consistency: string;
}

/** What nodes use of an InfluxDB client; rejected promises carry `retryable: boolean` (influxdb/client.ts). */
export interface InfluxDBClientPort {
  /** POST the line-protocol `body` (lines already in the target's precision) */
  write(target: InfluxWriteTarget, body: string): Promise<void>;
  /** one InfluxQL command; rejects with the first statement error */
  query(command: string, db?: string): Promise<InfluxQueryResponse>;
}

export interface InfluxQueryResponse {
  readonly results?: readonly { readonly statement_id?: number; readonly series?: readonly InfluxSeries[]; readonly error?: string }[];
  readonly error?: string;
}

export interface InfluxSeries {
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values?: readonly (readonly unknown[])[];
}
