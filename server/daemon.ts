/**
 * Starting and stopping the server, independent of the process (main.ts adds signals and exit codes; tests and
 * benchmarks can start a real server in-process). Order at start: data_dir, services (task store, task master…),
 * HTTP listen, services ready → readyz 200. At close: readyz 503, stop accepting and finish in-flight requests,
 * services.close(), then the lifecycle's close hooks.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import { httpsOptions } from './http/https.ts';
import { parseBindAddress, type Config } from '../config/index.ts';
import { Lifecycle } from './lifecycle.ts';
import { createServices, type Services } from './services.ts';
import { newServerCounters, type ServerCounters } from './ingest/counters.ts';

export interface Daemon {
  app: FastifyInstance;
  lifecycle: Lifecycle;
  services: Services;
  /** what this server counted (ingress points, write requests) */
  counters: ServerCounters;
  /** the address actually bound (port resolved when the config said 0) */
  address: AddressInfo;
  /** base URL clients on this machine can use */
  url: string;
  close(): Promise<void>;
}

export interface DaemonDeps {
  /** builds the services (default: the real ones; tests wrap them to observe or fail their close) */
  createServices?: typeof createServices;
}

export async function startDaemon(config: Config, logger: Logger, deps: DaemonDeps = {}): Promise<Daemon> {
  // certificate problems stop the start before anything is opened
  const https = httpsOptions(config);
  mkdirSync(config.dataDir, { recursive: true });
  const lifecycle = new Lifecycle();
  const counters = newServerCounters();
  const services = await (deps.createServices ?? createServices)({ config, logger, lifecycle, counters });
  const app = buildApp({
    config, logger, sink: services.sink, plugins: services.plugins, lifecycle, auth: services.auth, https,
    ingress: counters.ingress, writes: counters.writes, limits: counters.limits,
  });
  const bind = parseBindAddress(config.http.bindAddress);
  if ('error' in bind) throw new Error(`invalid [http] bind-address ${JSON.stringify(config.http.bindAddress)}: ${bind.error}`);
  try {
    await listen(app, bind.host, bind.port);
  } catch (err) {
    // the listen error is what the caller reports; a failed cleanup must not hide it, nor be lost
    await services.close().catch((closeErr: unknown) => {
      logger.error({ err: closeErr }, `closing the services after the failed listen: ${(closeErr as Error).message}`);
    });
    await lifecycle.runCloseHooks(logger);
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? (address.address === '::' ? '[::1]' : `[${address.address}]`)
    : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  const url = `${https ? 'https' : 'http'}://${host}:${address.port}`;
  logger.info({ address: address.address, port: address.port, url }, `listening on ${address.address}:${address.port}`);
  await services.ready(address);
  lifecycle.markReady();
  logger.info('ready');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      lifecycle.beginClose();
      await app.close();
      await services.close();
      await lifecycle.runCloseHooks(logger);
    })();
    return closing;
  };
  return { app, lifecycle, services, counters, address, url, close };
}

/** `:9092` (no host) listens on every interface: dual-stack `::`, or `0.0.0.0` where IPv6 is unavailable. */
async function listen(app: FastifyInstance, host: string | undefined, port: number): Promise<void> {
  if (host !== undefined) {
    await app.listen({ host, port });
    return;
  }
  try {
    await app.listen({ host: '::', port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw err;
    await app.listen({ host: '0.0.0.0', port });
  }
}
