/**
 * What the runtime's `services.kubernetes` holds, as the k8sAutoscale node sees it. Kept free of runtime
 * imports so that loading the node does not load @kubernetes/client-node (≈0.8 s); only building a
 * KubernetesClients registry (server start-up) does.
 */
import type { ScaleClient } from './client.ts';

export interface KubernetesService {
  /** The client for a `.cluster()` id; throws Kapacitor's "cannot use the k8sAutoscale node, …" messages. */
  get(clusterId: string): ScaleClient;
  /** `[kubernetes] dry-run = true` for that cluster: decide and record, never write */
  dryRun?(clusterId: string): boolean;
}

export function isKubernetesService(v: unknown): v is KubernetesService {
  return typeof v === 'object' && v !== null && typeof (v as { get?: unknown }).get === 'function';
}
