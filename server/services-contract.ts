/**
 * What the two service wirings take and give: server/services.ts (one instance) and server/cluster/services.ts
 * (scale-out). Declared apart from both so that services.ts can load the cluster wiring on demand while the
 * cluster wiring names these types without importing services.ts back.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/index.ts';
import type { PointSink } from '../model/point.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { AuthService, AuthStats } from './auth/index.ts';
import type { ServerCounters } from './ingest/counters.ts';

export interface ServicesOptions {
  config: Config;
  logger: Logger;
  lifecycle: Lifecycle;
  /** the server's ingress and write counters: the write routes count into them, the services read them */
  counters: ServerCounters;
}

export interface Services {
  sink: PointSink;
  plugins: FastifyPluginAsync[];
  /** resolves when the services can take traffic (readyz turns 200 after it) */
  ready(address?: AddressInfo): Promise<void>;
  /** called at shutdown after the HTTP server stopped accepting and finished in-flight requests */
  close(): Promise<void>;
  /** the authentication gate's parts, when [auth] enabled */
  auth?: { service: AuthService; stats: AuthStats };
}
