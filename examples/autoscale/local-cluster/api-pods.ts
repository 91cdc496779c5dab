/**
 * Publishes a workload's pod processes as v1 Pods in the local cluster's API server, so `kubectl get pods -w`
 * shows what the controller does: ADDED (ContainerCreating) when a process starts, MODIFIED (Running, 1/1,
 * with the container port) once it listens, MODIFIED (Terminating) when it is asked to stop, DELETED when it exits.
 */
import type { KubeApiState } from '../../../fixtures/kube-api/state.ts';
import type { OwnerRef } from '../../../fixtures/kube-api/pods.ts';
import type { ClusterEvent, WorkloadController } from './controller.ts';

export interface PodPublisherOptions {
  state: KubeApiState;
  namespace: string;
  /** the pod template's labels (the owning ReplicaSet's selector) */
  labels: Record<string, string>;
  /** the ReplicaSet the pods belong to */
  owner: OwnerRef;
  image: string;
}

/** Returns the ClusterEvent handler that mirrors `controller()`'s pods into the API state. */
export function podPublisher(opts: PodPublisherOptions, controller: () => WorkloadController): (e: ClusterEvent) => void {
  const { state, namespace } = opts;
  return (e) => {
    switch (e.type) {
      case 'pod-started':
        state.addPod({
          namespace, name: e.pod, generateName: controller().podPrefix, labels: opts.labels, owner: opts.owner,
          containerName: 'app', image: opts.image,
        });
        break;
      case 'pod-ready': {
        const pod = controller().pods.find((p) => p.name === e.pod);
        state.updatePod(namespace, e.pod, { phase: 'Running', ready: true, containerPort: pod?.port ?? 0 });
        break;
      }
      case 'pod-stopping':
        state.updatePod(namespace, e.pod, { terminating: true });
        break;
      case 'pod-exited':
        state.deletePod(namespace, e.pod);
        break;
    }
  };
}
