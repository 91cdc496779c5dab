/** Kubernetes support: [kubernetes] config semantics, the scale client, the client registry. */
export { defaultKubernetesSection, kubeconfigFiles, normalizeKubernetesSection, resolveConnection, validateKubernetesSections } from './config.ts';
export type { KubeConnection, KubeEnv, KubernetesSectionCamel, KubernetesSectionConfig, KubernetesSectionInput } from './config.ts';
export { CONFLICT_RETRIES, DEFAULT_MAX_CONCURRENT, DEFAULT_TIMEOUT_MS, KubeScaleClient } from './client.ts';
export type { Scale, ScaleClient, ScaleClientOptions } from './client.ts';
export { KubernetesClients, NOT_ENABLED_MESSAGE } from './clients.ts';
export { isKubernetesService } from './service.ts';
export type { KubernetesService } from './service.ts';
export type { KubernetesClientsOptions } from './clients.ts';
export { KubeApiError } from './errors.ts';
export type { KubeErrorKind } from './errors.ts';
export { lookupKind, rbacRuleText, requireKind } from './kinds.ts';
export type { KindInfo, KindName } from './kinds.ts';
export { kubeScaleTarget } from './scale-target.ts';
