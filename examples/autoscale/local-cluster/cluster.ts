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
import { podPublisher } from './api-pods.ts';
import { Balancer } from './balancer.ts';
import { WorkloadController, type ClusterEvent } from './controller.ts';

export type { ClusterEvent };

/** The image name the pods claim (they are local processes of examples/autoscale/app; no image is pulled). */
const APP_IMAGE = 'tickstream/autoscale-app:local';

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
  /** the ReplicaSet that owns the pods: the workload itself, or `<deployment>-<pod-template-hash>` */
  readonly replicaSet: string;
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
  /** a Deployment's ReplicaSet (key) → the Deployment's workload */
  const ownedReplicaSets = new Map<string, Workload>();
  const key = (resource: string, namespace: string, name: string): string => `${resource}/${namespace}/${name}`;

  const api = await startKubeApi({
    port: opts.kubePort ?? 0,
    // status.replicas is what the pods realise, reported by the controllers below.
    statusFollowsSpec: false,
    onReplicas: (c) => {
      const w = workloads.get(key(c.resource, c.namespace, c.name));
      if (w) {
        onEvent({ type: 'scale', time: Date.now(), workload: c.name, old: c.old, new: c.new });
        w.controller.setDesired(c.new);
        // the Deployment controller carries spec.replicas over to its ReplicaSet
        if (w.replicaSet !== w.name) {
          const rs = api.state.get('replicasets', w.namespace, w.replicaSet);
          if (rs) api.state.setReplicas(rs, c.new);
        }
        return;
      }
      const owner = ownedReplicaSets.get(key(c.resource, c.namespace, c.name));
      if (owner) {
        // …and puts it back when someone scales the ReplicaSet directly (after this change has been answered)
        queueMicrotask(() => {
          const rs = api.state.get('replicasets', c.namespace, c.name);
          const d = api.state.get(owner.resource, owner.namespace, owner.name);
          if (rs && d && rs.replicas !== d.replicas) api.state.setReplicas(rs, d.replicas);
        });
      }
    },
  });

  // `kubectl delete pod`: the workload that runs the pod stops it (and replaces it); a pod no workload runs goes at once
  api.state.podDeleter = (namespace, name) => {
    for (const w of workloads.values()) if (w.namespace === namespace && w.controller.deletePod(name)) return;
    api.state.updatePod(namespace, name, { terminating: true });
    api.state.deletePod(namespace, name);
  };

  async function addWorkload(spec: WorkloadSpec): Promise<Workload> {
    const info = resourceByName(spec.kind);
    if (!info || (info.resource !== 'deployments' && info.resource !== 'replicasets')) {
      throw new Error(`local cluster: kind must be deployments or replicasets, got ${JSON.stringify(spec.kind)}`);
    }
    const namespace = spec.namespace ?? 'default';
    if (workloads.has(key(info.resource, namespace, spec.name))) throw new Error(`local cluster: ${info.resource} ${namespace}/${spec.name} already exists`);
    if (!spec.env.APP_INFLUXDB_URL) throw new Error('local cluster: the workload env needs APP_INFLUXDB_URL (where the app reports its count)');
    const replicas = spec.replicas ?? 1;
    const labels = { app: spec.name };
    // SPEC 1.4: the tutorial's pod template has one container named `app`
    const container = { name: 'app', image: APP_IMAGE };
    // status.replicas starts at 0: it counts the pods that are ready
    const obj = api.state.seed({ kind: info.resource, namespace, name: spec.name, replicas, statusReplicas: 0, labels, container });
    const balancer = new Balancer();
    const serviceUrl = await balancer.listen(spec.servicePort ?? 0);
    // the callbacks below run only once pods exist, after every const they use is initialised
    const publish = (e: ClusterEvent): void => {
      podPublish(e);
      onEvent(e);
    };
    const controller: WorkloadController = new WorkloadController({
      kind: info.resource,
      name: spec.name,
      env: { APP_REPLICASET: spec.name, ...spec.env },
      balancer,
      logDir: opts.logDir,
      setStatus: (ready) => {
        const o = api.state.get(info.resource, namespace, spec.name);
        if (o) api.state.setStatusReplicas(o, ready);
        if (replicaSet !== spec.name) {
          const rs = api.state.get('replicasets', namespace, replicaSet);
          if (rs) api.state.setStatusReplicas(rs, ready);
        }
      },
      onEvent: publish,
    });
    // A Deployment's pods belong to its ReplicaSet <deployment>-<pod-template-hash>, which `kubectl get rs` lists.
    const replicaSet = controller.templateHash === '' ? spec.name : `${spec.name}-${controller.templateHash}`;
    const podLabels = controller.templateHash === '' ? labels : { ...labels, 'pod-template-hash': controller.templateHash };
    const owner = replicaSet === spec.name
      ? obj
      : api.state.seed({ kind: 'replicasets', namespace, name: replicaSet, replicas, statusReplicas: 0, labels: podLabels, container });
    const podPublish = podPublisher({
      state: api.state, namespace, labels: podLabels, image: APP_IMAGE,
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, uid: owner.uid },
    }, () => controller);
    const w: Workload = { resource: info.resource, namespace, name: spec.name, replicaSet, serviceUrl, controller, balancer };
    workloads.set(key(info.resource, namespace, spec.name), w);
    if (replicaSet !== spec.name) ownedReplicaSets.set(key('replicasets', namespace, replicaSet), w);
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
