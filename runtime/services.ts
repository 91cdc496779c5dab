/** What the runtime hands to nodes besides their definition: shared services and per-task hooks. */
import type { Logger } from 'pino';
import type { KubernetesService } from '../kube/service.ts';
import type { SwarmRegistry } from '../swarm/clients.ts';
import type { Ec2Registry } from '../ec2/clients.ts';
import type { AutoscaleStateStore } from '../autoscale/state-store.ts';
import type { Dimensions, Tags } from '../model/point.ts';
import type { Point } from '../model/point.ts';
import type { DecisionRecord } from '../autoscale/types.ts';
import type { DBRP } from '../tickscript/pipeline.ts';
import type { AlertService } from '../alerting/service.ts';
import type { OutboundGuard } from '../outbound/guard.ts';
import type { HttpPostEndpoint } from '../config/httppost.ts';
import type { InfluxDBClusters } from '../influxdb/ports.ts';
import type { Clock } from './clock.ts';
import type { ScaleTarget } from '../autoscale/actuator.ts';

/** Services shared by all tasks of a TaskMaster (filled in by the server at start-up). */
/** the scale targets other than Kubernetes (whose client is wrapped as a whole: RuntimeServices.kubernetes) */
export type ScaleSystem = 'swarm' | 'ec2';

export interface RuntimeServices {
  /** the Kubernetes client registry (kube/clients.ts KubernetesClients) used by k8sAutoscale */
  kubernetes?: KubernetesService;
  /** the Docker Swarm client registry (swarm/clients.ts) used by swarmAutoscale */
  swarm?: SwarmRegistry;
  /** the EC2 Auto Scaling client registry (ec2/clients.ts) used by ec2Autoscale */
  ec2?: Ec2Registry;
  /** `[[httppost]]` endpoints by name, for `httpPost().endpoint(name)` and alert `.post().endpoint(name)` (SPEC 3.13) */
  httpPost?: ReadonlyMap<string, HttpPostEndpoint>;
  /** what alert templates show as `.ServerInfo` (SPEC 3.15); defaults: hostname `localhost`, empty ids */
  serverInfo?: ServerInfo;
  /** where autoscale nodes persist decided state and decision records (server/store; none = memory only) */
  autoscaleState?: AutoscaleStateStore;
  /** sees every point an autoscale node submits for a resource (what-if replays read the load from it) */
  autoscaleObserver?: AutoscaleObserver;
  /**
   * Wraps the scale target of a swarmAutoscale or ec2Autoscale node (`system`, the node's `.cluster()` id): a
   * clustered instance fences and replays its writes per partition (server/cluster/gate.ts). Absent: the target as is.
   */
  scaleTargetGate?: (system: ScaleSystem, cluster: string, target: ScaleTarget) => ScaleTarget;
  /** bounds of the autoscale engine (autoscale/engine.ts defaults when absent) */
  autoscaleLimits?: {
    readonly holdLimit?: number;
    readonly totalHoldLimit?: number;
    readonly maxResources?: number;
    readonly ringSize?: number;
    readonly baseBackoffMs?: number;
    readonly maxBackoffMs?: number;
  };
  /** `[join]` memory bounds per join node (nodes/join.ts defaults when absent or 0) */
  joinLimits?: { readonly maxGroups?: number; readonly maxPending?: number };
  /** [limits] bounds on per-node group state (runtime/node.ts); absent = unbounded, never expiring */
  groupLimits?: { readonly maxGroups: number; readonly idleNs: bigint };
  /** kapacitorLoopback's way back into the TaskMaster (set by the TaskMaster itself) */
  loopback?: LoopbackSink;
  /** `[[influxdb]]` clusters (influxdb/clusters.ts), for influxDBOut; absent when none is configured */
  influxdb?: InfluxDBClusters;
  /** what timed node work runs on (query `every`/`cron`, barrier, stats, influxDBOut flushes); default the system clock (runtime/clock.ts) */
  clock?: Clock;
  /** topics, handler specs, inhibitors and persisted alert state (alerting/service.ts); alert nodes keep a private one without it */
  alerts?: AlertService;
  /** builds a handler written in a script (`.slack()`, `.tcp(addr)`, …) from its options (alerting/handlers) */
  alertHandlers?: (kind: string, options: Record<string, unknown>) => import('../alerting/topic.ts').TopicHandler;
  /** addresses outbound handlers may not reach (`-blacklist-cidrs`); default: none */
  outboundGuard?: OutboundGuard;
  /** alert handler kinds that may not be used (`-disable-handlers`); a task using one fails at start */
  disabledHandlers?: ReadonlySet<string>;
  /** `[udf.functions.*]`: agents for `@name()` nodes (udf/service.ts); absent = no UDF is configured */
  udf?: import('../udf/service.ts').UdfService;
}

export interface AutoscaleObserver {
  /** `resource` is `namespace/kind/name`; called before the point is decided */
  point(task: string, node: string, resource: string, p: Point): void;
  /** every decision record, in decision order per resource */
  decided(task: string, node: string, record: DecisionRecord): void;
}

/** Accepts points written back into the server by kapacitorLoopback (routed after the current write). */
export interface LoopbackSink {
  write(p: Point): void;
}

/** What a node emitted for one group (Kapacitor's edge group stats), read by `stats()` (SPEC 3.16). */
export interface GroupStat {
  count: number;
  readonly tags: Tags;
  readonly dims: Dimensions;
}

export interface ServerInfo {
  readonly hostname: string;
  readonly clusterId: string;
  readonly serverId: string;
}

/** Something that renders the JSON body of an httpOut endpoint on demand (SPEC 3.12). */
export interface EndpointSource {
  renderJSON(): string;
}

/** Per-task hooks a node may use at construction. */
export interface TaskHooks {
  /** Register `GET /kapacitor/v1/tasks/<task>/<endpoint>` for the task's lifetime; throws on a duplicate name. */
  registerEndpoint(endpoint: string, source: EndpointSource): void;
  /**
   * Start counting, per group, what node `nodeId` (created before the caller) emits; returns the live map
   * (`stats()` nodes, SPEC 3.16). Throws when there is no such node yet.
   */
  watchGroups(nodeId: number): ReadonlyMap<string, GroupStat>;
  /** the task's dbrps (kapacitorLoopback refuses to write into one of them) */
  readonly dbrps: readonly DBRP[];
  /**
   * The node cannot go on (a UDF agent died): the task records `<node>: <message>` as its error and is stopped
   * when it is next looked at, as Kapacitor stops a task whose node failed. Only the first failure is kept.
   */
  fail(node: string, message: string): void;
}

export interface TimingOptions {
  /** probability that a message's processing time is sampled ([stats] timing-sample-rate, default 0.10) */
  readonly sampleRate: number;
  /** moving-average window in samples ([stats] timing-movavg-size, default 1000) */
  readonly movAvgSize: number;
}

export type { Logger };
