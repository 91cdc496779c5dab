/**
 * The wiring seam between the HTTP server and everything behind it. `server/main.ts` calls createServices once
 * at startup and registers the returned plugins beside the core routes; writes go to `sink`.
 * First version: a counting sink and no extra plugins. (The task-API helper owns this file from here on: it
 * creates the task store, the runtime TaskMaster as sink, the task API plugins, and restarts enabled tasks.)
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/index.ts';
import { CountingSink, type PointSink } from './ingest/router.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface ServicesOptions {
  config: Config;
  logger: Logger;
  lifecycle: Lifecycle;
}

export interface Services {
  sink: PointSink;
  plugins: FastifyPluginAsync[];
  /** resolves when the services can take traffic (readyz turns 200 after it) */
  ready(): Promise<void>;
  /** called at shutdown after the HTTP server stopped accepting and finished in-flight requests */
  close(): Promise<void>;
}

export async function createServices(opts: ServicesOptions): Promise<Services> {
  const sink = new CountingSink();
  opts.logger.debug('services: counting sink, no extra plugins');
  return {
    sink,
    plugins: [],
    ready: async () => {},
    close: async () => {},
  };
}
