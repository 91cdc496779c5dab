/** Shared setup for server tests: a config from defaults + env (never the developer's files), a silent logger. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../config/index.ts';
import { CountingSink, IngressStats } from '../../server/ingest/ingress.ts';
import type { WriteStats } from '../../server/ingest/write-route.ts';
import { LimitStats } from '../../server/http/limits.ts';
import type { PointSink } from '../../model/point.ts';
import type { Lifecycle } from '../../server/lifecycle.ts';
import { silentLogger } from '../../server/logger.ts';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ env: { KAPACITOR_DATA_DIR: join(tmpdir(), 'tickstream-test-unused'), ...env } });
}

export interface TestApp {
  app: FastifyInstance;
  sink: CountingSink;
  ingress: IngressStats;
  limits: LimitStats;
  config: Config;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  plugins?: FastifyPluginAsync[];
  lifecycle?: Lifecycle;
  sink?: PointSink;
  /** fixed receive time (ns) */
  now?: bigint;
  /** write request counters to count into (default: the app's own) */
  writes?: WriteStats;
}

export function testApp(opts: TestAppOptions = {}): TestApp {
  const config = testConfig(opts.env);
  const sink = new CountingSink();
  const ingress = new IngressStats();
  const limits = new LimitStats();
  const now = opts.now ?? 1700000000123456789n;
  const app = buildApp({
    config, logger: silentLogger(), sink: opts.sink ?? sink, ingress, writes: opts.writes, limits, plugins: opts.plugins, lifecycle: opts.lifecycle,
    clock: () => now,
  });
  return { app, sink, ingress, limits, config };
}

export interface TempDir {
  path: string;
  /** writes `text` to a new numbered file (`file-<n><ext>`) in the directory and returns its path */
  file(text: string, ext?: string): string;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    path,
    file: (text, ext = '.conf') => {
      const f = join(path, `file-${n++}${ext}`);
      writeFileSync(f, text);
      return f;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
