/** What the runtime hands to nodes besides their definition: shared services and per-task hooks. */
import type { Logger } from 'pino';
import type { KubernetesService } from '../kube/service.ts';
import type { GroupStat } from './node.ts';
import type { OutboundGuard } from './outbound/guard.ts';

/** Services shared by all tasks of a TaskMaster (filled in by the server at start-up). */
export interface RuntimeServices {
  /** the Kubernetes client registry (kube/clients.ts KubernetesClients) used by k8sAutoscale */
  kubernetes?: KubernetesService;
  /** `[[httppost]]` endpoints by name, for `httpPost().endpoint(name)` and alert `.post().endpoint(name)` (SPEC 3.13) */
  httpPost?: ReadonlyMap<string, HttpPostEndpoint>;
  /** what alert templates show as `.ServerInfo` (SPEC 3.15); defaults: hostname `localhost`, empty ids */
  serverInfo?: ServerInfo;
  /** addresses outbound handlers may not reach (`-blacklist-cidrs`); default: none */
  outboundGuard?: OutboundGuard;
  /** alert handler kinds that may not be used (`-disable-handlers`); a task using one fails at start */
  disabledHandlers?: ReadonlySet<string>;
}

/** A configured `[[httppost]]` endpoint. */
export interface HttpPostEndpoint {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
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
}

export interface TimingOptions {
  /** probability that a message's processing time is sampled ([stats] timing-sample-rate, default 0.10) */
  readonly sampleRate: number;
  /** moving-average window in samples ([stats] timing-movavg-size, default 1000) */
  readonly movAvgSize: number;
}

export type { Logger };
