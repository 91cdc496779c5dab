/**
 * The configuration schema: Kapacitor's kapacitor.conf layout (TOML key names) mapped onto a typed `Config`.
 * One table drives parsing the file, environment overrides, defaults and `kapacitord config` output, so a key
 * added here is automatically known everywhere. Sections not listed (alert handlers, [smtp], …) are rejected as
 * unknown keys: tickstream does not implement them, and silently ignoring them would hide mistakes.
 */
import { hostname as osHostname, homedir } from 'node:os';
import { join } from 'node:path';
import { ALERT_HANDLER_SECTIONS, type AlertHandlerConfigs } from './alert-sections.ts';
import type { BasicAuth, KeySpec, KeyType, SectionSpec } from './spec.ts';
import type { UdfConfig } from './udf.ts';

export interface HttpConfig {
  bindAddress: string;
  logEnabled: boolean;
  writeTracing: boolean;
  /** bytes; applies to the request body and to the inflated size of a gzip body */
  maxBodySize: number;
  gzip: boolean;
  /** ns */
  shutdownTimeout: bigint;
  /** every request must authenticate (basic auth, `u`/`p` parameters or a JWT bearer token); needs [auth] enabled */
  authEnabled: boolean;
  /** accepted for compatibility and ignored (Go's pprof has no Node equivalent) */
  pprofEnabled: boolean;
  /** serve HTTPS with https-certificate and https-private-key (empty key = the key is in the certificate file) */
  httpsEnabled: boolean;
  httpsCertificate: string;
  httpsPrivateKey: string;
  /** HMAC key for JWT bearer tokens (HS256/384/512); empty = bearer tokens are refused */
  sharedSecret: string;
  /** bytes; request line + headers larger than this are refused (431) */
  maxHeaderSize: number;
  /** bytes; a line-protocol line longer than this rejects the write (400 naming the line); 0 = no limit */
  maxLineSize: number;
  /** ns; time to receive a whole request (headers and body); a client that trickles is cut off (408) */
  readTimeout: bigint;
  /** requests served at once (health probes exempt); over it: 503 with Retry-After; 0 = no limit */
  maxConcurrentRequests: number;
}

/** [limits] (tickstream): bounds on what clients may make the server hold (docs/SECURITY.md). 0 = no limit. */
export interface LimitsConfig {
  /** tasks stored per server */
  maxTasks: number;
  /** bytes of TICKscript per task or template */
  maxTickscriptSize: number;
  /** nesting depth of a TICKscript expression (parentheses, operators) */
  maxTickscriptDepth: number;
  /** groups one node keeps; past it the least recently used group is evicted */
  maxGroupsPerNode: number;
  /** ns of data time after which a group that received no point is dropped; 0 = never */
  groupIdleTimeout: bigint;
}

/** [tls] (Kapacitor's tlsconfig): cipher suites by Go name, `tls1.2`-style versions; empty = defaults. */
export interface TlsConfig {
  ciphers: string[];
  minVersion: string;
  maxVersion: string;
}

/** [auth] (Kapacitor's services/auth/config.go): local users in the SQLite store. */
export interface AuthConfig {
  enabled: boolean;
  /** ns; how long a looked-up user (and its privileges) is cached */
  cacheExpiration: bigint;
  bcryptCost: number;
  /** tickstream addition: an admin user created once, when the store has no users yet */
  bootstrapUser: string;
  bootstrapPassword: string;
  /** InfluxDB Enterprise meta users: accepted so packaged configs load; must stay empty when enabled */
  metaAddr: string;
  metaUsername: string;
  metaPassword: string;
  metaInternalSharedSecret: string;
  metaUseTls: boolean;
  metaCa: string;
  metaCert: string;
  metaKey: string;
  metaInsecureSkipVerify: boolean;
}

export interface LoggingConfig {
  /** DEBUG, INFO, WARN, ERROR or OFF (case-insensitive) */
  level: string;
  /** STDERR, STDOUT or a file path */
  file: string;
}

export interface StorageConfig {
  /** accepted for compatibility and kept; tickstream's task store is SQLite in data_dir */
  boltdb: string;
}

export interface ReplayConfig { dir: string }
export interface LoadConfig { enabled: boolean; dir: string }
export interface ConfigOverrideConfig { enabled: boolean }

export interface StatsConfig {
  enabled: boolean;
  /** ns */
  statsInterval: bigint;
  database: string;
  retentionPolicy: string;
  timingSampleRate: number;
  timingMovavgSize: number;
}

/** One [[kubernetes]] section, parsed and typed only; kube/ validates its semantics. */
export interface KubernetesSectionConfig {
  enabled: boolean;
  id: string;
  inCluster: boolean;
  apiServers: string[];
  token: string;
  caPath: string;
  namespace: string;
  resource: string[];
  /** tickstream: k8sAutoscale decides and records but never writes to this cluster */
  dryRun: boolean;
}

/** One [[influxdb]] section (Kapacitor 1.8 services/influxdb/config.go); config/influxdb.ts validates it. */
export interface InfluxdbSectionConfig {
  enabled: boolean;
  name: string;
  default: boolean;
  urls: string[];
  username: string;
  password: string;
  /** InfluxDB 2.x / 1.8+ token authentication (`Authorization: Token <token>`) */
  token: string;
  /** JWT with the [http] shared secret: accepted for compatibility; true is a startup error */
  httpSharedSecret: boolean;
  sslCa: string;
  sslCert: string;
  sslKey: string;
  insecureSkipVerify: boolean;
  timeout: bigint;
  disableSubscriptions: boolean;
  subscriptionProtocol: string;
  subscriptionMode: string;
  kapacitorHostname: string;
  httpPort: number;
  udpBind: string;
  udpBuffer: number;
  udpReadBuffer: number;
  startupTimeout: bigint;
  subscriptionsSyncInterval: bigint;
  subscriptionPath: string;
  compression: string;
  /** tickstream addition: most points one query answer may hold (batch query runs, recordings); 0 = no limit */
  maxBatchPoints: number;
  /** database → retention policies */
  subscriptions: Record<string, string[]>;
  excludedSubscriptions: Record<string, string[]>;
}

/** One [[httppost]] section (Kapacitor's services/httppost/config.go): a named endpoint for httpPost / alert .post(). */
export interface HttpPostSectionConfig {
  endpoint: string;
  url: string;
  headers: Record<string, string>;
  basicAuth: BasicAuth;
  alertTemplate: string;
  alertTemplateFile: string;
  rowTemplate: string;
  rowTemplateFile: string;
}

/** [alert] (Kapacitor services/alert/config.go) */
export interface AlertConfig {
  /** keep non-OK topic event states in the store so a restart restores them */
  persistTopics: boolean;
  /** events queued per handler before new ones are dropped (minimum 1000; smaller means the default 5000) */
  topicBufferLength: number;
  /** tickstream: failed deliveries kept per topic handler for retry (oldest dropped beyond it; <= 0 means 10000) */
  deliveryQueueLength: number;
}

export interface Config extends AlertHandlerConfigs {
  hostname: string;
  dataDir: string;
  defaultRetentionPolicy: string;
  skipConfigOverrides: boolean;
  /** kapacitord -blacklist-cidrs: `private` or comma-separated CIDRs outbound handlers may not reach; "" = none */
  blacklistCidrs: string;
  /** kapacitord -disable-handlers: alert handler kinds tasks may not use */
  disableHandlers: string[];
  http: HttpConfig;
  limits: LimitsConfig;
  auth: AuthConfig;
  tls: TlsConfig;
  configOverride: ConfigOverrideConfig;
  logging: LoggingConfig;
  storage: StorageConfig;
  replay: ReplayConfig;
  load: LoadConfig;
  stats: StatsConfig;
  kubernetes: KubernetesSectionConfig[];
  influxdb: InfluxdbSectionConfig[];
  httppost: HttpPostSectionConfig[];
  swarm: SwarmSectionConfig[];
  ec2: Ec2SectionConfig[];
  /** tickstream: memory bounds of join nodes (nodes/join.ts, docs/nodes.md) */
  join: JoinLimitsConfig;
  alert: AlertConfig;
  /** tickstream: scale-out on NATS JetStream (server/cluster/, docs/cluster.md) */
  cluster: ClusterConfig;
  /** [udf] functions (config/udf.ts: a table of named tables, parsed outside SECTIONS) */
  udf: UdfConfig;
}

/** [join] (tickstream): per join node, the most groups kept and the most points/batches held for a partner. */
export interface JoinLimitsConfig {
  maxGroups: number;
  maxPending: number;
}

/** [cluster] (tickstream): partitioned ingest and partition ownership on NATS JetStream (docs/cluster.md). */
export interface ClusterConfig {
  enabled: boolean;
  natsUrls: string[];
  partitions: number;
  /** '' = the server id (a UUID persisted in data_dir) */
  instanceId: string;
  /** JetStream stream name; subjects are `<stream>.<partition>`, buckets `<stream>-owners`, `-tasks`, `-scale` */
  stream: string;
  /** '' = derived from the enabled tasks' groupBy tags (server/cluster/partition-tag.ts) */
  partitionTag: string;
  /** ns */
  leaseTtl: bigint;
  /** ns; 0 = keep everything (replay from the start stays exact) */
  maxAge: bigint;
  /** ns; 0 = no de-duplication */
  duplicateWindow: bigint;
  /** JetStream replicas of the stream and buckets (3 with a 3-node NATS cluster) */
  replicas: number;
  /** ns; how often a partition's owner checkpoints its tasks' state (0 = never: a new owner replays from the start) */
  checkpointInterval: bigint;
}

/** One `[[swarm]]` section (Kapacitor's services/swarm/config.go); swarm/clients.ts creates a client per enabled one. */
export interface SwarmSectionConfig {
  enabled: boolean;
  id: string;
  servers: string[];
  sslCa: string;
  sslCert: string;
  sslKey: string;
  insecureSkipVerify: boolean;
}

/**
 * One `[[ec2]]` section (Kapacitor's services/ec2/config.go); ec2/clients.ts creates an Auto Scaling client per
 * enabled one for ec2Autoscale. `profile`, `refresh-interval` and `port` configure Kapacitor's EC2 service
 * discovery, which tickstream does not have: they are read and ignored, so a packaged kapacitor.conf loads.
 */
export interface Ec2SectionConfig {
  enabled: boolean;
  id: string;
  region: string;
  accessKey: string;
  secretKey: string;
  profile: string;
  /** ns */
  refreshInterval: bigint;
  port: number;
  /**
   * tickstream: the EC2 Auto Scaling API's base URL; '' = `https://autoscaling.<region>.amazonaws.com`.
   * For VPC endpoints, API-compatible services and tests.
   */
  endpoint: string;
}

const k = (toml: string, prop: string, type: KeyType, def: unknown, derive?: (dataDir: string) => unknown): KeySpec =>
  ({ toml, prop, type, def, derive });

/** Kapacitor without a config file uses ~/.kapacitor for its state (NewDemoConfig). */
export function defaultDataDir(): string {
  return join(homedir(), '.kapacitor');
}

export const TOP_LEVEL_KEYS: readonly KeySpec[] = [
  k('hostname', 'hostname', 'string', undefined, () => osHostname()),
  k('data_dir', 'dataDir', 'string', undefined, () => defaultDataDir()),
  k('default-retention-policy', 'defaultRetentionPolicy', 'string', ''),
  k('skip-config-overrides', 'skipConfigOverrides', 'bool', false),
  k('blacklist-cidrs', 'blacklistCidrs', 'string', ''),
  k('disable-handlers', 'disableHandlers', 'strings', []),
];

export const SECTIONS: readonly SectionSpec[] = [
  {
    toml: 'http', prop: 'http', kind: 'table', keys: [
      k('bind-address', 'bindAddress', 'string', ':9092'),
      k('log-enabled', 'logEnabled', 'bool', true),
      k('write-tracing', 'writeTracing', 'bool', false),
      k('max-body-size', 'maxBodySize', 'int', 25 * 1024 * 1024),
      k('gzip', 'gzip', 'bool', true),
      k('shutdown-timeout', 'shutdownTimeout', 'duration', 10_000_000_000n),
      k('auth-enabled', 'authEnabled', 'bool', false),
      k('pprof-enabled', 'pprofEnabled', 'bool', false),
      k('https-enabled', 'httpsEnabled', 'bool', false),
      k('https-certificate', 'httpsCertificate', 'string', '/etc/ssl/kapacitor.pem'),
      k('https-private-key', 'httpsPrivateKey', 'string', ''),
      k('shared-secret', 'sharedSecret', 'string', ''),
      k('max-header-size', 'maxHeaderSize', 'int', 16 * 1024),
      k('max-line-size', 'maxLineSize', 'int', 1024 * 1024),
      k('read-timeout', 'readTimeout', 'duration', 60_000_000_000n),
      k('max-concurrent-requests', 'maxConcurrentRequests', 'int', 1024),
    ],
  },
  {
    toml: 'limits', prop: 'limits', kind: 'table', keys: [
      k('max-tasks', 'maxTasks', 'int', 10_000),
      k('max-tickscript-size', 'maxTickscriptSize', 'int', 1024 * 1024),
      k('max-tickscript-depth', 'maxTickscriptDepth', 'int', 256),
      k('max-groups-per-node', 'maxGroupsPerNode', 'int', 1_000_000),
      k('group-idle-timeout', 'groupIdleTimeout', 'duration', 0n),
    ],
  },
  {
    toml: 'auth', prop: 'auth', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false),
      k('cache-expiration', 'cacheExpiration', 'duration', 600_000_000_000n),
      k('bcrypt-cost', 'bcryptCost', 'int', 10),
      k('bootstrap-user', 'bootstrapUser', 'string', ''),
      k('bootstrap-password', 'bootstrapPassword', 'string', ''),
      k('meta-addr', 'metaAddr', 'string', ''),
      k('meta-username', 'metaUsername', 'string', ''),
      k('meta-password', 'metaPassword', 'string', ''),
      k('meta-internal-shared-secret', 'metaInternalSharedSecret', 'string', ''),
      k('meta-use-tls', 'metaUseTls', 'bool', false),
      k('meta-ca', 'metaCa', 'string', ''),
      k('meta-cert', 'metaCert', 'string', ''),
      k('meta-key', 'metaKey', 'string', ''),
      k('meta-insecure-skip-verify', 'metaInsecureSkipVerify', 'bool', false),
    ],
  },
  {
    toml: 'tls', prop: 'tls', kind: 'table', keys: [
      k('ciphers', 'ciphers', 'strings', []),
      k('min-version', 'minVersion', 'string', ''),
      k('max-version', 'maxVersion', 'string', ''),
    ],
  },
  { toml: 'config-override', prop: 'configOverride', kind: 'table', keys: [k('enabled', 'enabled', 'bool', true)] },
  {
    toml: 'logging', prop: 'logging', kind: 'table', keys: [
      k('file', 'file', 'string', 'STDERR'),
      k('level', 'level', 'string', 'INFO'),
    ],
  },
  {
    toml: 'storage', prop: 'storage', kind: 'table', keys: [
      k('boltdb', 'boltdb', 'string', undefined, (d) => join(d, 'kapacitor.db')),
    ],
  },
  { toml: 'replay', prop: 'replay', kind: 'table', keys: [k('dir', 'dir', 'string', undefined, (d) => join(d, 'replay'))] },
  {
    toml: 'load', prop: 'load', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false),
      k('dir', 'dir', 'string', undefined, (d) => join(d, 'load')),
    ],
  },
  {
    toml: 'stats', prop: 'stats', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', true),
      k('stats-interval', 'statsInterval', 'duration', 10_000_000_000n),
      k('database', 'database', 'string', '_kapacitor'),
      k('retention-policy', 'retentionPolicy', 'string', 'autogen'),
      k('timing-sample-rate', 'timingSampleRate', 'float', 0.1),
      k('timing-movavg-size', 'timingMovavgSize', 'int', 1000),
    ],
  },
  {
    toml: 'kubernetes', prop: 'kubernetes', kind: 'table-or-array', keys: [
      k('enabled', 'enabled', 'bool', false),
      k('id', 'id', 'string', ''),
      k('in-cluster', 'inCluster', 'bool', false),
      k('api-servers', 'apiServers', 'strings', []),
      k('token', 'token', 'string', ''),
      k('ca-path', 'caPath', 'string', ''),
      k('namespace', 'namespace', 'string', ''),
      k('resource', 'resource', 'strings', []),
      k('dry-run', 'dryRun', 'bool', false),
    ],
  },
  {
    toml: 'influxdb', prop: 'influxdb', kind: 'array', keys: [
      k('enabled', 'enabled', 'bool', true),
      k('name', 'name', 'string', 'default'),
      k('default', 'default', 'bool', false),
      k('urls', 'urls', 'strings', ['http://localhost:8086']),
      k('username', 'username', 'string', ''),
      k('password', 'password', 'string', ''),
      k('token', 'token', 'string', ''),
      k('http-shared-secret', 'httpSharedSecret', 'bool', false),
      k('ssl-ca', 'sslCa', 'string', ''),
      k('ssl-cert', 'sslCert', 'string', ''),
      k('ssl-key', 'sslKey', 'string', ''),
      k('insecure-skip-verify', 'insecureSkipVerify', 'bool', false),
      k('timeout', 'timeout', 'duration', 0n),
      k('disable-subscriptions', 'disableSubscriptions', 'bool', false),
      k('subscription-protocol', 'subscriptionProtocol', 'string', 'http'),
      k('subscription-mode', 'subscriptionMode', 'string', 'cluster'),
      k('kapacitor-hostname', 'kapacitorHostname', 'string', ''),
      k('http-port', 'httpPort', 'int', 0),
      k('udp-bind', 'udpBind', 'string', ''),
      k('udp-buffer', 'udpBuffer', 'int', 1000),
      k('udp-read-buffer', 'udpReadBuffer', 'int', 0),
      k('startup-timeout', 'startupTimeout', 'duration', 300_000_000_000n),
      k('subscriptions-sync-interval', 'subscriptionsSyncInterval', 'duration', 60_000_000_000n),
      k('subscription-path', 'subscriptionPath', 'string', ''),
      k('compression', 'compression', 'string', 'gzip'),
      k('max-batch-points', 'maxBatchPoints', 'int', 1_000_000),
      k('subscriptions', 'subscriptions', 'dbrp-map', {}),
      // Kapacitor's Init(): its own statistics database is never subscribed to (it would read back its own writes)
      k('excluded-subscriptions', 'excludedSubscriptions', 'dbrp-map', { _kapacitor: ['autogen'] }),
    ],
  },
  {
    toml: 'httppost', prop: 'httppost', kind: 'array', keys: [
      k('endpoint', 'endpoint', 'string', ''),
      k('url', 'url', 'string', ''),
      k('headers', 'headers', 'string-map', {}),
      k('basic-auth', 'basicAuth', 'basic-auth', { username: '', password: '' }),
      k('alert-template', 'alertTemplate', 'string', ''),
      k('alert-template-file', 'alertTemplateFile', 'string', ''),
      k('row-template', 'rowTemplate', 'string', ''),
      k('row-template-file', 'rowTemplateFile', 'string', ''),
    ],
  },
  {
    // Kapacitor's services/swarm/config.go: the Docker Swarm clusters swarmAutoscale scales
    toml: 'swarm', prop: 'swarm', kind: 'array', keys: [
      k('enabled', 'enabled', 'bool', false),
      k('id', 'id', 'string', ''),
      k('servers', 'servers', 'strings', []),
      k('ssl-ca', 'sslCa', 'string', ''),
      k('ssl-cert', 'sslCert', 'string', ''),
      k('ssl-key', 'sslKey', 'string', ''),
      k('insecure-skip-verify', 'insecureSkipVerify', 'bool', false),
    ],
  },
  {
    // Kapacitor's services/ec2/config.go: the AWS regions ec2Autoscale scales Auto Scaling groups in
    toml: 'ec2', prop: 'ec2', kind: 'array', keys: [
      k('enabled', 'enabled', 'bool', false),
      k('id', 'id', 'string', ''),
      k('region', 'region', 'string', ''),
      k('access-key', 'accessKey', 'string', ''),
      k('secret-key', 'secretKey', 'string', ''),
      k('profile', 'profile', 'string', ''),
      k('refresh-interval', 'refreshInterval', 'duration', 60_000_000_000n),
      k('port', 'port', 'int', 80),
      k('endpoint', 'endpoint', 'string', ''),
    ],
  },
  {
    // tickstream: join's memory bounds (docs/nodes.md); past one the oldest group is evicted and counted
    toml: 'join', prop: 'join', kind: 'table', keys: [
      k('max-groups', 'maxGroups', 'int', 1_000_000),
      k('max-pending', 'maxPending', 'int', 1_000_000),
    ],
  },
  {
    toml: 'alert', prop: 'alert', kind: 'table', keys: [
      k('persist-topics', 'persistTopics', 'bool', true),
      k('topic-buffer-length', 'topicBufferLength', 'int', 5000),
      // tickstream: the durable delivery queue's bound per topic handler (alerting/delivery.ts, docs/alerting.md)
      k('delivery-queue-length', 'deliveryQueueLength', 'int', 10000),
    ],
  },
  ...ALERT_HANDLER_SECTIONS,
  {
    // tickstream: scale-out on NATS JetStream (docs/cluster.md); checked in config/cluster.ts
    toml: 'cluster', prop: 'cluster', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false),
      k('nats-urls', 'natsUrls', 'strings', ['nats://127.0.0.1:4222']),
      k('partitions', 'partitions', 'int', 64),
      k('instance-id', 'instanceId', 'string', ''),
      k('stream', 'stream', 'string', 'tickstream'),
      k('partition-tag', 'partitionTag', 'string', ''),
      k('lease-ttl', 'leaseTtl', 'duration', 10_000_000_000n),
      k('max-age', 'maxAge', 'duration', 0n),
      k('duplicate-window', 'duplicateWindow', 'duration', 120_000_000_000n),
      k('replicas', 'replicas', 'int', 1),
      k('checkpoint-interval', 'checkpointInterval', 'duration', 10_000_000_000n),
    ],
  },
];

/** Env-var spelling of a TOML name: upper case, `-` → `_` (Kapacitor's applyEnvOverrides). */
export function envName(toml: string): string {
  return toml.toUpperCase().replace(/-/g, '_');
}

/** A copy of a default value that the draft may mutate (lists and tables are never shared between configs). */
export function cloneDefault(v: unknown): unknown {
  if (Array.isArray(v)) return [...v];
  if (v !== null && typeof v === 'object') return structuredClone(v);
  return v;
}

/** A fresh array-section element with every key at its default. */
export function defaultElement(section: SectionSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of section.keys) out[key.prop] = cloneDefault(key.def);
  return out;
}
