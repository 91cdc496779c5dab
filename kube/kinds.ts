/**
 * The workload kinds k8sAutoscale can scale and how each maps onto the Kubernetes API.
 * Kapacitor accepted `deployments`, `replicasets` and `replicationcontroller` (its code constant is singular);
 * we accept plural and singular of all four, including apps/v1 `statefulsets` (SPEC "Project decisions").
 */

export type KindName = 'deployments' | 'replicasets' | 'statefulsets' | 'replicationcontrollers';

export interface KindInfo {
  /** canonical plural (the URL segment) */
  readonly plural: KindName;
  /** API group: 'apps' or '' (core) */
  readonly group: string;
}

const KINDS: Readonly<Record<KindName, KindInfo>> = Object.freeze({
  deployments: { plural: 'deployments', group: 'apps' },
  replicasets: { plural: 'replicasets', group: 'apps' },
  statefulsets: { plural: 'statefulsets', group: 'apps' },
  replicationcontrollers: { plural: 'replicationcontrollers', group: '' },
});

export const KIND_LIST_TEXT = "'deployments', 'replicasets', 'statefulsets' or 'replicationcontrollers'";

/** The kind for `name` (plural or singular), or undefined. */
export function lookupKind(name: string): KindInfo | undefined {
  if (Object.hasOwn(KINDS, name)) return KINDS[name as KindName];
  if (Object.hasOwn(KINDS, name + 's')) return KINDS[(name + 's') as KindName];
  return undefined;
}

/** Like lookupKind but throws Kapacitor's validation message (extended with statefulsets). */
export function requireKind(name: string): KindInfo {
  const k = lookupKind(name);
  if (!k) throw new Error(`invalid Kind, must be ${KIND_LIST_TEXT}, got ${name}`);
  return k;
}

/** The RBAC rule a service account needs to autoscale this kind (for 403 messages and docs). */
export function rbacRuleText(kind: KindInfo): string {
  return `apiGroups ["${kind.group}"], resources ["${kind.plural}/scale"], verbs ["get","update","patch"]`;
}
