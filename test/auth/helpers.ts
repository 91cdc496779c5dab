/** An app with [http] auth-enabled and [auth] enabled over an in-memory store, for inject() tests. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { AuthService, AuthStats, UserStore, usersRoutes } from '../../server/auth/index.ts';
import type { Permission } from '../../server/auth/privileges.ts';
import { CountingSink, IngressStats } from '../../server/ingest/ingress.ts';
import { silentLogger } from '../../server/logger.ts';
import { TaskStore } from '../../server/store/store.ts';
import { testConfig } from '../server/helpers.ts';

export const SECRET = 'test-shared-secret';

export interface AuthApp {
  app: FastifyInstance;
  service: AuthService;
  stats: AuthStats;
  sink: CountingSink;
  /** wall clock in ms the gate and caches read; tests move it */
  clock: { now: number };
  close(): Promise<void>;
}

export async function authApp(env: Record<string, string> = {}): Promise<AuthApp> {
  const config = testConfig({
    KAPACITOR_HTTP_AUTH_ENABLED: 'true', KAPACITOR_AUTH_ENABLED: 'true', KAPACITOR_AUTH_BCRYPT_COST: '4',
    KAPACITOR_HTTP_SHARED_SECRET: SECRET, KAPACITOR_HTTP_LOG_ENABLED: 'false', ...env,
  });
  const store = new TaskStore(':memory:');
  const clock = { now: 1_700_000_000_000 };
  const service = new AuthService({ users: new UserStore(store.database), bcryptCost: 4, cacheExpirationMs: 600_000, now: () => clock.now });
  const stats = new AuthStats();
  const sink = new CountingSink();
  const app = buildApp({
    config, logger: silentLogger(), sink, ingress: new IngressStats(), clock: () => 1n,
    auth: { service, stats, now: () => clock.now },
    plugins: [async (a) => { await a.register(usersRoutes, { service, base: '/kapacitor/v1' }); }],
  });
  await app.ready();
  return { app, service, stats, sink, clock, close: async () => { await app.close(); store.close(); } };
}

export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

export async function addUser(a: AuthApp, name: string, password: string, perms: Permission[], admin = false): Promise<void> {
  await a.service.createUser(name, password, admin, perms);
}

/** Kapacitor's compact error body (httpd.HttpError with pretty=false). */
export function compactError(message: string): string {
  return JSON.stringify({ error: message, message });
}
