/**
 * The Docker Swarm scale client behind swarmAutoscale (Kapacitor's services/swarm/client): Docker Engine API
 * v1.30, `GET /v1.30/services/<name>` and `POST /v1.30/services/<id>/update?version=<index>` with the service's
 * spec and `Mode.Replicated.Replicas` changed. Several servers are used round-robin per request; every request has
 * a timeout; a server error's `message` is the error text, as in Kapacitor.
 *
 * Beyond Kapacitor: the update sends the version that was read, so a concurrent change makes Docker refuse it
 * ("update out of sequence"); the client then reads again and retries, at most CONFLICT_RETRIES more times.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';

export const API_VERSION = 'v1.30';
export const CONFLICT_RETRIES = 3;

export interface SwarmConnection {
  readonly servers: readonly string[];
  readonly sslCa?: string;
  readonly sslCert?: string;
  readonly sslKey?: string;
  readonly insecureSkipVerify?: boolean;
  readonly timeoutMs?: number;
}

export interface SwarmService {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  /** the spec as the server sent it (sent back unchanged but for the replica count) */
  readonly spec: Record<string, unknown>;
  readonly replicas: number;
}

export class SwarmApiError extends Error {
  override name = 'SwarmApiError';
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

interface Answer {
  status: number;
  body: string;
}

export class SwarmClient {
  private readonly servers: URL[];
  private readonly agentHttp = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly agentHttps: https.Agent | undefined;
  private rr = 0;
  private readonly timeoutMs: number;

  constructor(conn: SwarmConnection) {
    if (conn.servers.length === 0) throw new Error('no api-servers specified, must provide at least one server URL');
    this.servers = conn.servers.map((s) => {
      try {
        const u = new URL(s);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported scheme ${u.protocol}`);
        return u;
      } catch (err) {
        throw new Error(`invalid url ${JSON.stringify(s)}: ${(err as Error).message}`);
      }
    });
    this.timeoutMs = conn.timeoutMs ?? 10_000;
    if (this.servers.some((u) => u.protocol === 'https:')) {
      const read = (p: string | undefined, what: string): Buffer | undefined => {
        if (!p) return undefined;
        try {
          return readFileSync(p);
        } catch (err) {
          throw new Error(`${what} ${p} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      };
      this.agentHttps = new https.Agent({
        keepAlive: true, maxSockets: 32, ca: read(conn.sslCa, 'ssl-ca'), cert: read(conn.sslCert, 'ssl-cert'), key: read(conn.sslKey, 'ssl-key'),
        rejectUnauthorized: !conn.insecureSkipVerify,
      });
    }
  }

  /** GET the service by name or id. */
  async service(name: string): Promise<SwarmService> {
    const a = await this.request('GET', `/${API_VERSION}/services/${encodeURIComponent(name)}`);
    if (a.status !== 200) throw new SwarmApiError(errorText(a), a.status);
    return toService(a.body, name);
  }

  /** Set the replica count of `svc` (as read), version-checked. */
  async updateReplicas(svc: SwarmService, replicas: number): Promise<void> {
    const spec = structuredClone(svc.spec) as { Mode?: { Replicated?: { Replicas?: number } } };
    if (!spec.Mode?.Replicated) throw new SwarmApiError(`service ${JSON.stringify(svc.name)} is not in replicated mode`, 400);
    spec.Mode.Replicated.Replicas = replicas;
    const a = await this.request('POST', `/${API_VERSION}/services/${encodeURIComponent(svc.id)}/update?version=${svc.version}`, JSON.stringify(spec));
    if (a.status !== 200) throw new SwarmApiError(errorText(a), a.status);
  }

  private request(method: string, path: string, body?: string): Promise<Answer> {
    const base = this.servers[this.rr % this.servers.length]!;
    this.rr = (this.rr + 1) % this.servers.length;
    const url = new URL(path, base);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, {
        method, agent: url.protocol === 'https:' ? this.agentHttps : this.agentHttp,
        headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: this.timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.origin}${url.pathname}: no answer within ${this.timeoutMs}ms`)));
      req.on('error', (err) => reject(new SwarmApiError(`swarm client request failed: ${err.message}`, 0)));
      req.end(body);
    });
  }
}

function errorText(a: Answer): string {
  try {
    const j = JSON.parse(a.body) as { message?: unknown };
    if (typeof j.message === 'string' && j.message !== '') return j.message;
  } catch { /* not JSON */ }
  return `failed to understand swarm server error response: Code: ${a.status}`;
}

function toService(body: string, name: string): SwarmService {
  let j: { ID?: unknown; Version?: { Index?: unknown }; Spec?: Record<string, unknown> };
  try {
    j = JSON.parse(body);
  } catch {
    throw new SwarmApiError(`failed to decode swarm server response for service ${JSON.stringify(name)}`, 200);
  }
  const spec = j.Spec ?? {};
  const replicas = (spec['Mode'] as { Replicated?: { Replicas?: unknown } } | undefined)?.Replicated?.Replicas;
  if (typeof j.ID !== 'string' || typeof j.Version?.Index !== 'number') throw new SwarmApiError(`swarm service ${JSON.stringify(name)}: response has no ID or Version`, 200);
  if (typeof replicas !== 'number') throw new SwarmApiError(`service ${JSON.stringify(name)} is not in replicated mode`, 200);
  return { id: j.ID, name: typeof spec['Name'] === 'string' ? spec['Name'] : name, version: j.Version.Index, spec, replicas };
}
