/**
 * The registry the runtime hands to k8sAutoscale nodes (`services.kubernetes`): one lazily created ScaleClient
 * per enabled `[[kubernetes]]` section, looked up by the node's `.cluster()` id, with Kapacitor's messages.
 */
import type { ScaleClient, ScaleClientOptions } from './client.ts';
import { KubeScaleClient } from './client.ts';
import type { KubernetesService } from './service.ts';
import {
  normalizeKubernetesSection, resolveConnection, SERVICE_ACCOUNT_DIR, validateKubernetesSections,
  type KubeEnv, type KubernetesSectionConfig, type KubernetesSectionInput,
} from './config.ts';

const PREFIX = 'cannot use the k8sAutoscale node, could not create kubernetes client: ';
/**
 * Kapacitor's text stays the prefix; the hint after it says how to turn the service on (Project decisions allow
 * hints after Kapacitor's message).
 */
export const NOT_ENABLED_MESSAGE = PREFIX + 'service is not enabled (hint: set KAPACITOR_KUBERNETES_ENABLED=true with '
  + 'KAPACITOR_KUBERNETES_API_SERVERS, in-cluster, or a kubeconfig; or try `npm run demo`)';

export interface KubernetesClientsOptions extends ScaleClientOptions {
  env?: KubeEnv;
  /** where in-cluster mode reads token, ca.crt, namespace (tests) */
  serviceAccountDir?: string;
}

export class KubernetesClients implements KubernetesService {
  private readonly sections = new Map<string, KubernetesSectionConfig>();
  private readonly clients = new Map<string, ScaleClient>();
  private readonly opts: KubernetesClientsOptions;

  /** Validates all sections (throws SPEC 4.5 messages); accepts the TOML-keyed or config/'s camelCase shape. */
  constructor(sections: readonly KubernetesSectionInput[], opts: KubernetesClientsOptions = {}) {
    this.opts = opts;
    validateKubernetesSections(sections, opts.env ?? process.env);
    for (const s of sections) {
      const n = normalizeKubernetesSection(s);
      this.sections.set(n.id, n);
    }
  }

  /** A registry over ready-made clients (tests, what-if replays): id → client, all enabled. */
  static of(clients: Record<string, ScaleClient>): KubernetesClients {
    const r = new KubernetesClients([]);
    for (const [id, c] of Object.entries(clients)) {
      r.sections.set(id, { enabled: true, id, 'in-cluster': false, 'api-servers': [], token: '', 'ca-path': '', namespace: '', resource: '' });
      r.clients.set(id, c);
    }
    return r;
  }

  /** True when at least one section is enabled. */
  get enabled(): boolean {
    for (const s of this.sections.values()) if (s.enabled) return true;
    return false;
  }

  /**
   * The client for `clusterId` ('' = the default). With a single section, '' also selects it whatever its id.
   * Throws `cannot use the k8sAutoscale node, could not create kubernetes client: service is not enabled (hint: …)` /
   * `… unknown kubernetes cluster "x", cannot get client` (Kapacitor 1.8 autoscale.go + services/k8s).
   */
  dryRun(clusterId: string): boolean {
    return this.section(clusterId)?.['dry-run'] === true;
  }

  private section(clusterId: string): KubernetesSectionConfig | undefined {
    const section = this.sections.get(clusterId);
    if (!section && clusterId === '' && this.sections.size === 1) return [...this.sections.values()][0];
    return section;
  }

  get(clusterId: string): ScaleClient {
    const section = this.section(clusterId);
    if (!section) {
      if (!this.enabled) throw new Error(NOT_ENABLED_MESSAGE);
      throw new Error(PREFIX + `unknown kubernetes cluster ${JSON.stringify(clusterId)}, cannot get client`);
    }
    if (!section.enabled) throw new Error(NOT_ENABLED_MESSAGE);
    let c = this.clients.get(section.id);
    if (!c) {
      try {
        const conn = resolveConnection(section, this.opts.env ?? process.env, this.opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
        c = new KubeScaleClient(conn, this.opts);
      } catch (err) {
        throw new Error(PREFIX + (err as Error).message);
      }
      this.clients.set(section.id, c);
    }
    return c;
  }
}
