/**
 * ScaleClient: read and set the replica count of a workload through its `scale` subresource, with
 * @kubernetes/client-node 1.4.0 (AppsV1Api for deployments/replicasets/statefulsets, CoreV1Api for
 * replicationcontrollers). Never uses selfLink or extensions/v1beta1 (SPEC "Project decisions").
 *
 * Behaviour:
 * - setReplicas = read the Scale, PUT it back with the new spec.replicas and the read resourceVersion, so a
 *   concurrent writer (HPA, kubectl) causes 409 instead of a silent overwrite; on 409 re-read and retry,
 *   at most CONFLICT_RETRIES (3) more times.
 * - several api-servers: round-robin per HTTP request (Kapacitor's behaviour).
 * - every HTTP request has a timeout (default 10 s); at most `maxConcurrent` operations run at once, the rest
 *   wait in FIFO order (the timeout starts when the request is sent, not while waiting).
 * - errors are KubeApiError with a message naming the server and what to fix (RBAC rule for 403).
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type {
  AppsV1Api, CoreV1Api, KubeConfig, RequestContext, ResponseContext, V1Scale,
} from '@kubernetes/client-node';
import { k8sLib } from './k8s-lib.ts';
import type { KubeConnection } from './config.ts';
import { loadKubeconfigFiles } from './kubeconfig-files.ts';
import { classify, KubeApiError, type RawFailure } from './errors.ts';
import { requireKind, rbacRuleText, type KindInfo, type KindName } from './kinds.ts';
import type { ApplyOutcome } from '../autoscale/actuator.ts';

export const CONFLICT_RETRIES = 3;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_CONCURRENT = 32;

export interface Scale {
  readonly namespace: string;
  readonly kind: KindName;
  readonly name: string;
  /** spec.replicas */
  readonly replicas: number;
  /** status.replicas */
  readonly statusReplicas: number;
  /** status.selector */
  readonly selector: string;
  readonly resourceVersion: string;
}

export interface ScaleClient {
  /** GET …/<kind>/<name>/scale. `kind` plural or singular. */
  getScale(namespace: string, kind: string, name: string): Promise<Scale>;
  /** Set spec.replicas (read + replace, 409 → re-read and retry). Resolves with the Scale the server returned. */
  setReplicas(namespace: string, kind: string, name: string, replicas: number): Promise<Scale>;
  /**
   * Read the Scale; when spec.replicas is `replicas` already, write nothing (`already-applied`); when it is
   * neither `replicas` nor `expected` (and `expected` is known), someone else scaled it: write nothing
   * (`override`); otherwise replace it with the read resourceVersion (409 → re-read and decide again). Once
   * `signal` is aborted nothing is written: the call rejects with the signal's reason before its write.
   */
  applyReplicas(namespace: string, kind: string, name: string, replicas: number, expected: number | undefined, signal?: AbortSignal): Promise<ApplyOutcome>;
}

export interface ScaleClientOptions {
  /** per HTTP request, default 10 s */
  timeoutMs?: number;
  /** operations in flight at once, default 32 */
  maxConcurrent?: number;
}

interface Endpoint {
  readonly server: string;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
}

/** FIFO counting semaphore. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export class KubeScaleClient implements ScaleClient {
  private readonly endpoints: Endpoint[];
  private rr = 0;
  private readonly limiter: Limiter;
  readonly timeoutMs: number;

  constructor(conn: KubeConnection, opts: ScaleClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxConcurrent = opts.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    if (!(this.timeoutMs > 0)) throw new Error(`kubernetes client: timeout must be > 0, got ${this.timeoutMs}`);
    if (!(Number.isInteger(maxConcurrent) && maxConcurrent > 0)) throw new Error(`kubernetes client: maxConcurrent must be a positive integer, got ${maxConcurrent}`);
    this.limiter = new Limiter(maxConcurrent);
    this.endpoints = kubeConfigs(conn).map((kc) => makeEndpoint(kc, this.timeoutMs, maxConcurrent));
  }

  /** The API server URLs, in round-robin order. */
  get servers(): string[] {
    return this.endpoints.map((e) => e.server);
  }

  async getScale(namespace: string, kind: string, name: string): Promise<Scale> {
    const k = requireKind(kind);
    return this.limiter.run(() => this.read(namespace, k, name));
  }

  async setReplicas(namespace: string, kind: string, name: string, replicas: number): Promise<Scale> {
    const r = await this.readAndReplace(namespace, kind, name, replicas, undefined, () => undefined);
    return r.written!;
  }

  async applyReplicas(namespace: string, kind: string, name: string, replicas: number, expected: number | undefined, signal?: AbortSignal): Promise<ApplyOutcome> {
    const r = await this.readAndReplace(namespace, kind, name, replicas, signal, (current) => {
      if (current.replicas === replicas) return { kind: 'already-applied' };
      if (expected !== undefined && current.replicas !== expected) return { kind: 'override', cluster: current.replicas };
      return undefined;
    });
    return r.outcome ?? { kind: 'applied' };
  }

  /**
   * Read the Scale, let `check` decide from it whether to stop (its outcome) or write, then replace spec.replicas
   * with the read resourceVersion; on 409 read again (which also lets `check` see the concurrent change) and retry,
   * at most CONFLICT_RETRIES more times.
   */
  private readAndReplace(namespace: string, kind: string, name: string, replicas: number, signal: AbortSignal | undefined,
    check: (current: Scale) => ApplyOutcome | undefined): Promise<{ outcome?: ApplyOutcome; written?: Scale }> {
    const k = requireKind(kind);
    if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`replicas must be an integer >= 0, got ${replicas}`);
    return this.limiter.run(async () => {
      for (let attempt = 0; ; attempt++) {
        const current = await this.read(namespace, k, name);
        const outcome = check(current);
        if (outcome) return { outcome };
        signal?.throwIfAborted();
        const ep = this.next();
        const body: V1Scale = {
          apiVersion: 'autoscaling/v1', kind: 'Scale',
          metadata: { name, namespace, resourceVersion: current.resourceVersion },
          spec: { replicas },
        };
        try {
          return { written: toScale(await replaceScale(ep, namespace, k, name, body), namespace, k.plural, name) };
        } catch (err) {
          const f = classify(err, false);
          if (f.kind === 'conflict' && attempt < CONFLICT_RETRIES) continue;
          throw this.error('update', namespace, k, name, ep.server, f, attempt + 1);
        }
      }
    });
  }

  private async read(namespace: string, k: KindInfo, name: string): Promise<Scale> {
    const ep = this.next();
    try {
      return toScale(await readScale(ep, namespace, k, name), namespace, k.plural, name);
    } catch (err) {
      throw this.error('get', namespace, k, name, ep.server, classify(err, false), 1);
    }
  }

  private next(): Endpoint {
    const ep = this.endpoints[this.rr % this.endpoints.length]!;
    this.rr = (this.rr + 1) % this.endpoints.length;
    return ep;
  }

  private error(op: 'get' | 'update', ns: string, k: KindInfo, name: string, server: string, f: RawFailure, attempts: number): KubeApiError {
    const what = `${op === 'get' ? 'GET' : 'PUT'} ${server} ${ns}/${k.plural}/${name}/scale`;
    let msg: string;
    switch (f.kind) {
      case 'not-found': msg = `${k.plural} "${name}" not found in namespace "${ns}" (${what}: ${f.detail})`; break;
      case 'forbidden': msg = `${f.detail}; add a Role rule: ${rbacRuleText(k)}`; break;
      case 'unauthorized': msg = `${what}: 401 Unauthorized: the API server rejected the credentials (check token / service account token)`; break;
      case 'conflict': msg = `${what}: still conflicting after ${attempts} attempts (object modified concurrently): ${f.detail}`; break;
      case 'server': msg = `${what}: API server error ${f.status}${f.reason ? ` ${f.reason}` : ''}: ${f.detail}`; break;
      case 'timeout': msg = `${what}: no answer within ${this.timeoutMs}ms`; break;
      case 'network': msg = `${what}: connection failed (${f.reason}): ${f.detail}`; break;
      case 'invalid': msg = `${what}: request rejected ${f.status}${f.reason ? ` ${f.reason}` : ''}: ${f.detail}`; break;
      default: msg = `${what}: ${f.status ? `${f.status} ` : ''}${f.detail}`;
    }
    return new KubeApiError(msg, f.kind, f.status, f.reason);
  }
}

function toScale(s: V1Scale, namespace: string, kind: KindName, name: string): Scale {
  return {
    namespace, kind, name,
    replicas: s.spec?.replicas ?? 0,
    statusReplicas: s.status?.replicas ?? 0,
    selector: s.status?.selector ?? '',
    resourceVersion: s.metadata?.resourceVersion ?? '',
  };
}

function readScale(ep: Endpoint, namespace: string, k: KindInfo, name: string): Promise<V1Scale> {
  const p = { name, namespace };
  switch (k.plural) {
    case 'deployments': return ep.apps.readNamespacedDeploymentScale(p);
    case 'replicasets': return ep.apps.readNamespacedReplicaSetScale(p);
    case 'statefulsets': return ep.apps.readNamespacedStatefulSetScale(p);
    case 'replicationcontrollers': return ep.core.readNamespacedReplicationControllerScale(p);
  }
}

function replaceScale(ep: Endpoint, namespace: string, k: KindInfo, name: string, body: V1Scale): Promise<V1Scale> {
  const p = { name, namespace, body };
  switch (k.plural) {
    case 'deployments': return ep.apps.replaceNamespacedDeploymentScale(p);
    case 'replicasets': return ep.apps.replaceNamespacedReplicaSetScale(p);
    case 'statefulsets': return ep.apps.replaceNamespacedStatefulSetScale(p);
    case 'replicationcontrollers': return ep.core.replaceNamespacedReplicationControllerScale(p);
  }
}

/** One KubeConfig per API server (round-robin happens over them). */
function kubeConfigs(conn: KubeConnection): KubeConfig[] {
  switch (conn.mode) {
    case 'api-servers': {
      if (conn.caPath !== '') readable(conn.caPath, 'ca-path');
      return conn.servers.map((server) => {
        const kc = new (k8sLib().KubeConfig)();
        kc.loadFromOptions({
          clusters: [{ name: 'kubernetes', server, caFile: conn.caPath || undefined, skipTLSVerify: server.startsWith('http:') }],
          users: [{ name: 'tickstream', token: conn.token || undefined }],
          contexts: [{ name: 'tickstream', cluster: 'kubernetes', user: 'tickstream' }],
          currentContext: 'tickstream',
        });
        return kc;
      });
    }
    case 'in-cluster': {
      readable(conn.tokenFile, 'in-cluster service account token');
      const tls = conn.server.startsWith('https:');
      if (tls) readable(conn.caFile, 'in-cluster service account CA');
      const kc = new (k8sLib().KubeConfig)();
      kc.loadFromOptions({
        clusters: [{ name: 'inCluster', server: conn.server, caFile: tls ? conn.caFile : undefined, skipTLSVerify: !tls }],
        // the tokenFile auth provider re-reads the (projected, rotating) token every minute
        users: [{ name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: conn.tokenFile } } }],
        contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser' }],
        currentContext: 'inClusterContext',
      });
      return [kc];
    }
    case 'kubeconfig': {
      const kc = loadKubeconfigFiles(conn.files);
      const cluster = kc.getCurrentCluster();
      if (!cluster) throw new Error(`kubeconfig ${conn.files.join(', ')}: no current context/cluster (current-context ${JSON.stringify(kc.getCurrentContext())})`);
      if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
        // the client refuses plain http unless told; a kubeconfig pointing at `kubectl proxy` is legitimate
        kc.clusters = kc.clusters.map((c) => (c === cluster ? { ...c, skipTLSVerify: true } : c));
      }
      return [kc];
    }
  }
}

function readable(path: string, what: string): void {
  try {
    readFileSync(path);
  } catch (err) {
    throw new Error(`${what} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * An API client pair for one server. A promise middleware, which runs after authentication, adds the request
 * timeout and swaps the library's per-request agent for one pooled keep-alive agent (the library builds a new
 * agent, hence a new TCP/TLS connection, for every request).
 */
function makeEndpoint(kc: KubeConfig, timeoutMs: number, maxSockets: number): Endpoint {
  const cluster = kc.getCurrentCluster()!;
  const user = kc.getCurrentUser();
  let agent: http.Agent | undefined;
  if (!cluster.proxyUrl) {
    if (cluster.server.startsWith('http:')) {
      agent = new http.Agent({ keepAlive: true, maxSockets });
    } else {
      agent = new https.Agent({
        keepAlive: true, maxSockets,
        ca: k8sLib().bufferFromFileOrString(cluster.caFile, cluster.caData) ?? undefined,
        cert: k8sLib().bufferFromFileOrString(user?.certFile, user?.certData) ?? undefined,
        key: k8sLib().bufferFromFileOrString(user?.keyFile, user?.keyData) ?? undefined,
        rejectUnauthorized: cluster.skipTLSVerify ? false : undefined,
        servername: cluster.tlsServerName,
      });
    }
  }
  const config = k8sLib().createConfiguration({
    baseServer: new (k8sLib().ServerConfiguration)(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [{
      pre(ctx: RequestContext): Promise<RequestContext> {
        ctx.setSignal(AbortSignal.timeout(timeoutMs));
        if (agent) ctx.setAgent(agent);
        return Promise.resolve(ctx);
      },
      post(rsp: ResponseContext): Promise<ResponseContext> {
        return Promise.resolve(rsp);
      },
    }],
  });
  return { server: cluster.server, apps: new (k8sLib().AppsV1Api)(config), core: new (k8sLib().CoreV1Api)(config) };
}
