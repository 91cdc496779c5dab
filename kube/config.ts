/**
 * `[kubernetes]` / `[[kubernetes]]` configuration semantics (SPEC 4.5). The TOML loader (config/) parses
 * the sections into `KubernetesSectionConfig` objects — keys exactly as in kapacitor.conf — and this module
 * validates them and decides how each enabled cluster is reached:
 *
 *   in-cluster = true          → service-account token/CA (Kapacitor)
 *   api-servers = [...]        → those URLs, round-robin, optional token / ca-path (Kapacitor)
 *   neither                    → a kubeconfig: $KUBECONFIG (path list) or ~/.kube/config (beyond Kapacitor,
 *                                KubeConfig.loadFromDefault's file semantics without its silent fallbacks)
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { KubernetesSectionConfig as SchemaKubernetesSection } from '../config/schema.ts';
import { apiServerError, resourceError } from '../config/kubernetes.ts';

export interface KubernetesSectionConfig {
  enabled: boolean;
  id: string;
  'in-cluster': boolean;
  'api-servers': string[];
  token: string;
  'ca-path': string;
  namespace: string;
  /** scraper discovery resource (node|pod|service|endpoint); unused by k8sAutoscale */
  resource: string;
  /** tickstream: decide and record, never write (optional in inputs; false when absent) */
  'dry-run'?: boolean;
}

/**
 * The section as the config loader types it (config/schema.ts: camelCase keys, `resource` as a list).
 * Both shapes are accepted everywhere in kube/; `normalizeKubernetesSection` maps this one onto the TOML-keyed one.
 */
export type KubernetesSectionCamel = SchemaKubernetesSection;

export type KubernetesSectionInput = KubernetesSectionConfig | KubernetesSectionCamel;

export function normalizeKubernetesSection(s: KubernetesSectionInput): KubernetesSectionConfig {
  if ('inCluster' in s || 'apiServers' in s || 'caPath' in s) {
    const c = s as KubernetesSectionCamel;
    const res = c.resource ?? [];
    if (res.length > 1) throw new Error(`kubernetes: resource takes one value (node, pod, service or endpoint), got ${JSON.stringify(res)}`);
    return {
      enabled: c.enabled, id: c.id ?? '', 'in-cluster': c.inCluster ?? false, 'api-servers': c.apiServers ?? [],
      token: c.token ?? '', 'ca-path': c.caPath ?? '', namespace: c.namespace ?? '', resource: res[0] ?? '',
      'dry-run': c.dryRun ?? false,
    };
  }
  return s as KubernetesSectionConfig;
}

/** Kapacitor's defaults (services/k8s/config.go NewConfig). */
export function defaultKubernetesSection(): KubernetesSectionConfig {
  return { enabled: false, id: '', 'in-cluster': false, 'api-servers': [], token: '', 'ca-path': '', namespace: '', resource: '' };
}

/** The environment the kubeconfig lookup reads (injectable for tests). */
export interface KubeEnv {
  KUBECONFIG?: string;
  HOME?: string;
  USERPROFILE?: string;
  KUBERNETES_SERVICE_HOST?: string;
  KUBERNETES_SERVICE_PORT?: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export type KubeConnection =
  | { readonly mode: 'api-servers'; readonly servers: readonly string[]; readonly token: string; readonly caPath: string }
  | { readonly mode: 'in-cluster'; readonly server: string; readonly tokenFile: string; readonly caFile: string; readonly namespaceFile: string }
  | { readonly mode: 'kubeconfig'; readonly files: readonly string[] };

/** Kapacitor's Config.Validate messages (SPEC 4.5) plus URL checks; throws Error naming the section. */
export function validateKubernetesSections(input: readonly KubernetesSectionInput[], env: KubeEnv = process.env): void {
  const sections = input.map(normalizeKubernetesSection);
  const many = sections.length > 1;
  const seen = new Map<string, number>();
  sections.forEach((c, i) => {
    const where = many ? `kubernetes[${i}]${c.id ? ` (id "${c.id}")` : ''}` : 'kubernetes';
    if (many) {
      if (c.id === '') throw new Error(`${where}: id must be set when more than one kubernetes section is configured`);
      const prev = seen.get(c.id);
      if (prev !== undefined) throw new Error(`${where}: duplicate id "${c.id}" (also used by kubernetes[${prev}])`);
      seen.set(c.id, i);
    }
    if (!c.enabled) return;
    try {
      resolveConnection(c, env);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
  });
}

/** How this (enabled) section reaches its cluster; throws Kapacitor's validation messages. */
export function resolveConnection(c: KubernetesSectionConfig, env: KubeEnv = process.env, serviceAccountDir = SERVICE_ACCOUNT_DIR): KubeConnection {
  const badResource = resourceError(c.resource);
  if (badResource) throw new Error(badResource);
  const servers = c['api-servers'];
  if (c['in-cluster']) {
    if (servers.length > 0) throw new Error('in-cluster specified, cannot also specify api-servers');
    if (c.token !== '') throw new Error('in-cluster specified, cannot also specify token');
    if (c['ca-path'] !== '') throw new Error('in-cluster specified, cannot also specify ca-path');
    if (c.namespace !== '') throw new Error('in-cluster specified, cannot also specify namespace');
    return {
      mode: 'in-cluster',
      server: inClusterServer(env),
      tokenFile: join(serviceAccountDir, 'token'),
      caFile: join(serviceAccountDir, 'ca.crt'),
      namespaceFile: join(serviceAccountDir, 'namespace'),
    };
  }
  if (servers.length > 0) {
    servers.forEach((s, i) => {
      const bad = apiServerError(s, i);
      if (bad) throw new Error(bad);
    });
    return { mode: 'api-servers', servers: servers.map((s) => s.replace(/\/+$/, '')), token: c.token, caPath: c['ca-path'] };
  }
  const files = kubeconfigFiles(env);
  if (files.length === 0) {
    const home = env.HOME ?? env.USERPROFILE;
    throw new Error('no api-servers specified, must provide at least one server URL ' +
      `(or a kubeconfig: KUBECONFIG is not set${home ? ` and ${join(home, '.kube', 'config')} does not exist` : ' and HOME is not set'})`);
  }
  if (c.token !== '' || c['ca-path'] !== '') {
    throw new Error('token and ca-path need api-servers (a kubeconfig brings its own credentials)');
  }
  return { mode: 'kubeconfig', files };
}

/**
 * KubeConfig.loadFromDefault's file lookup: every non-empty entry of $KUBECONFIG (merged in order), else
 * ~/.kube/config when it exists. Its further fallbacks (in-cluster, http://localhost:8080) are deliberately not
 * taken: an unconfigured cluster should be an error at start-up, not a silent guess.
 */
export function kubeconfigFiles(env: KubeEnv): string[] {
  if (env.KUBECONFIG !== undefined && env.KUBECONFIG !== '') return env.KUBECONFIG.split(delimiter).filter((f) => f !== '');
  const home = env.HOME ?? env.USERPROFILE;
  if (home) {
    const f = join(home, '.kube', 'config');
    if (existsSync(f)) return [f];
  }
  return [];
}

/**
 * In-cluster API URL: https://$KUBERNETES_SERVICE_HOST[:$KUBERNETES_SERVICE_PORT] (Kapacitor 1.8 omits the
 * port, which only works while the service port is 443; the client library appends it, and so do we).
 * Ports 80/8080/8001 mean plain HTTP, as in @kubernetes/client-node's loadFromCluster.
 */
function inClusterServer(env: KubeEnv): string {
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) return 'https://kubernetes';
  const port = env.KUBERNETES_SERVICE_PORT;
  const h = host.includes(':') ? `[${host}]` : host;
  if (!port) return `https://${h}`;
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  return `${scheme}://${h}:${port}`;
}
