/**
 * A local Kubernetes stand-in for laptops and tests: the Kubernetes API test server (fixtures/kube-api)
 * serves the workloads and their scale subresource; every replica change it accepts is realised as real
 * example-app processes behind one round-robin port per workload, and status.replicas follows the ready pods.
 *
 *   const cluster = await startLocalCluster();
 *   const app = await cluster.addWorkload({ kind: 'deployments', name: 'app', replicas: 1, env: { APP_INFLUXDB_URL } });
 *   … cluster.kubeUrl (for KAPACITOR_KUBERNETES_API_SERVERS), app.serviceUrl (for the load) …
 *   await cluster.close();
 */
import { startKubeApi, type KubeApiServer } from '../../../fixtures/kube-api/server.ts';
import { resourceByName, type ResourceName } from '../../../fixtures/kube-api/resources.ts';
import { Balancer } from './balancer.ts';
import { WorkloadController, type ClusterEvent } from './controller.ts';

export type { ClusterEvent };

export interface LocalClusterOptions {
  /** port of the Kubernetes API (default 0: any free port) */
  kubePort?: number;
  /** directory for one log file per pod */
  logDir?: string;
  onEvent?: (e: ClusterEvent) => void;
}

export interface WorkloadSpec {
  /** deployments or replicasets (singular and Kind spellings accepted) */
  kind: string;
  name: string;
  namespace?: string;
  replicas?: number;
  /** the app's environment: APP_INFLUXDB_URL at least; APP_REPLICASET defaults to the workload name */
  env: Record<string, string>;
  /** port of the workload's balancer (default 0: any free port) */
  servicePort?: number;
  /** resolve only once the initial replicas are ready (default true) */
  waitReady?: boolean;
}

export interface Workload {
  readonly resource: ResourceName;
  readonly namespace: string;
  readonly name: string;
  /** URL of the round-robin balancer in front of the pods */
  readonly serviceUrl: string;
  readonly controller: WorkloadController;
  readonly balancer: Balancer;
}

export interface WorkloadSnapshot {
  name: string;
  /** spec.replicas as the API server holds it */
  desired: number;
  /** pods answering requests */
  ready: number;
  pods: { name: string; phase: string; port: number; served: number }[];
  /** requests answered through the balancer, in total */
  served: number;
}

export interface LocalCluster {
  readonly kubeUrl: string;
  readonly api: KubeApiServer;
  addWorkload(spec: WorkloadSpec): Promise<Workload>;
  workload(name: string, namespace?: string): Workload | undefined;
  snapshot(name: string, namespace?: string): WorkloadSnapshot;
  close(): Promise<void>;
}

export async function startLocalCluster(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
  const onEvent = opts.onEvent ?? (() => {});
  const workloads = new Map<string, Workload>();
  const key = (resource: string, namespace: string, name: string): string => `${resource}/${namespace}/${name}`;

  const api = await startKubeApi({
    port: opts.kubePort ?? 0,
    // status.replicas is what the pods realise, reported by the controllers below.
    statusFollowsSpec: false,
    onReplicas: (c) => {
      const w = workloads.get(key(c.resource, c.namespace, c.name));
      if (!w) return;
      onEvent({ type: 'scale', time: Date.now(), workload: c.name, old: c.old, new: c.new });
      w.controller.setDesired(c.new);
    },
  });

  async function addWorkload(spec: WorkloadSpec): Promise<Workload> {
    const info = resourceByName(spec.kind);
    if (!info || (info.resource !== 'deployments' && info.resource !== 'replicasets')) {
      throw new Error(`local cluster: kind must be deployments or replicasets, got ${JSON.stringify(spec.kind)}`);
    }
    const namespace = spec.namespace ?? 'default';
    if (workloads.has(key(info.resource, namespace, spec.name))) throw new Error(`local cluster: ${info.resource} ${namespace}/${spec.name} already exists`);
    if (!spec.env.APP_INFLUXDB_URL) throw new Error('local cluster: the workload env needs APP_INFLUXDB_URL (where the app reports its count)');
    const replicas = spec.replicas ?? 1;
    const obj = api.state.seed({ kind: info.resource, namespace, name: spec.name, replicas, labels: { app: spec.name } });
    obj.statusReplicas = 0;
    const balancer = new Balancer();
    const serviceUrl = await balancer.listen(spec.servicePort ?? 0);
    const controller = new WorkloadController({
      kind: info.resource,
      name: spec.name,
      env: { APP_REPLICASET: spec.name, ...spec.env },
      balancer,
      logDir: opts.logDir,
      setStatus: (ready) => {
        const current = api.state.get(info.resource, namespace, spec.name);
        if (current) current.statusReplicas = ready;
      },
      onEvent,
    });
    const w: Workload = { resource: info.resource, namespace, name: spec.name, serviceUrl, controller, balancer };
    workloads.set(key(info.resource, namespace, spec.name), w);
    controller.setDesired(replicas);
    if (spec.waitReady !== false) await waitReady(w, replicas, 30000);
    return w;
  }

  function find(name: string, namespace = 'default'): Workload | undefined {
    for (const w of workloads.values()) if (w.name === name && w.namespace === namespace) return w;
    return undefined;
  }

  return {
    kubeUrl: api.url,
    api,
    addWorkload,
    workload: find,
    snapshot(name, namespace) {
      const w = find(name, namespace);
      if (!w) throw new Error(`local cluster: no workload ${JSON.stringify(name)}`);
      const obj = api.state.get(w.resource, w.namespace, w.name);
      const pods = w.controller.pods.map((p) => ({ name: p.name, phase: p.phase, port: p.port, served: w.balancer.served.get(p.name) ?? 0 }));
      let served = 0;
      for (const n of w.balancer.served.values()) served += n;
      return { name: w.name, desired: obj?.replicas ?? w.controller.desired, ready: w.controller.ready().length, pods, served };
    },
    async close() {
      await Promise.all([...workloads.values()].map((w) => w.controller.stop()));
      await Promise.all([...workloads.values()].map((w) => w.balancer.close()));
      await api.close();
    },
  };
}

/** Resolves once `n` pods of the workload are ready; rejects with the pods' last output after `ms`. */
export async function waitReady(w: Workload, n: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (w.controller.ready().length < n) {
    if (Date.now() > deadline) {
      const detail = w.controller.pods.map((p) => `${p.name} (${p.phase}): ${p.lastLines().slice(-3).join(' | ')}`).join('; ');
      throw new Error(`local cluster: ${w.name} has ${w.controller.ready().length} of ${n} pods ready after ${ms} ms; ${detail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
