/**
 * The local cluster's Service: one port on 127.0.0.1 that forwards each HTTP request to the next ready pod in
 * round-robin order. Balancing per request (not per connection, as kube-proxy does) keeps the load even when
 * a load generator holds keep-alive connections open across a scale-up. Counts the requests each pod answered.
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Backend {
  name: string;
  port: number;
}

export class Balancer {
  readonly server: Server;
  private backends: Backend[] = [];
  private next = 0;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** Requests answered per pod name since the balancer started (cumulative). */
  readonly served = new Map<string, number>();
  /** Requests that found no ready pod (503) or whose pod failed (502). */
  unavailable = 0;
  failed = 0;

  constructor() {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => { this.server.off('error', reject); resolve(); });
    });
    const addr = this.server.address() as AddressInfo;
    return `http://${host}:${addr.port}`;
  }

  add(b: Backend): void {
    if (!this.backends.some((x) => x.name === b.name)) this.backends.push(b);
    if (!this.served.has(b.name)) this.served.set(b.name, 0);
  }

  /** Takes a pod out of rotation (before it is stopped, like an endpoint removal). */
  remove(name: string): void {
    this.backends = this.backends.filter((b) => b.name !== name);
  }

  readyCount(): number {
    return this.backends.length;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    if (this.backends.length === 0) {
      this.unavailable += 1;
      req.resume();
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('no ready replicas\n');
      return;
    }
    const b = this.backends[this.next++ % this.backends.length]!;
    const upstream = request({
      host: '127.0.0.1', port: b.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent,
    }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      up.once('end', () => { this.served.set(b.name, (this.served.get(b.name) ?? 0) + 1); });
    });
    upstream.once('error', (err) => {
      this.failed += 1;
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`pod ${b.name}: ${err.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
