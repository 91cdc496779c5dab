/** What the runtime hands to nodes besides their definition: shared services and per-task hooks. */
import type { Logger } from 'pino';
import type { KubernetesService } from '../kube/service.ts';

/** Services shared by all tasks of a TaskMaster (filled in by the server at start-up). */
export interface RuntimeServices {
  /** the Kubernetes client registry (kube/clients.ts KubernetesClients) used by k8sAutoscale */
  kubernetes?: KubernetesService;
}

/** Something that renders the JSON body of an httpOut endpoint on demand (SPEC 3.12). */
export interface EndpointSource {
  renderJSON(): string;
}

/** Per-task hooks a node may use at construction. */
export interface TaskHooks {
  /** Register `GET /kapacitor/v1/tasks/<task>/<endpoint>` for the task's lifetime; throws on a duplicate name. */
  registerEndpoint(endpoint: string, source: EndpointSource): void;
}

export interface TimingOptions {
  /** probability that a message's processing time is sampled ([stats] timing-sample-rate, default 0.10) */
  readonly sampleRate: number;
  /** moving-average window in samples ([stats] timing-movavg-size, default 1000) */
  readonly movAvgSize: number;
}

export type { Logger };
