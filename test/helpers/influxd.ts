/**
 * Test helper: a real InfluxDB 1.x (`influxd` from Debian's `influxdb` package) as a subprocess on free loopback
 * ports, with its own temporary config and meta/data/wal directories, stopped and removed by `stop()`.
 *
 * When influxd is not installed the helper throws an error naming the install command: the InfluxDB tests then
 * FAIL (they never skip), so a machine without InfluxDB cannot pass them by accident.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INFLUXD_INSTALL_HINT = 'install InfluxDB 1.x: apt-get update && apt-get install -y influxdb';

export interface InfluxdProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly httpPort: number;
  readonly dir: string;
  readonly proc: ChildProcess;
  /** stdout + stderr so far (for failure messages) */
  log(): string;
  /** one InfluxQL statement through GET/POST /query; resolves with the parsed JSON (throws on HTTP errors) */
  query(q: string, db?: string): Promise<InfluxQueryResponse>;
  /** POST line protocol to /write; throws unless 204 */
  write(db: string, lines: string, precision?: string, rp?: string): Promise<void>;
  /** SIGTERM (SIGKILL after 10 s), then removes the temporary directory */
  stop(): Promise<void>;
}

export interface InfluxSeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  values?: unknown[][];
}
export interface InfluxQueryResponse {
  results: { statement_id?: number; series?: InfluxSeries[]; error?: string }[];
  error?: string;
}

/** Path of influxd, or undefined when it is not installed. */
export function influxdPath(pathEnv = process.env.PATH ?? ''): string | undefined {
  const r = spawnSync('/bin/sh', ['-c', 'command -v influxd'], { encoding: 'utf8', env: { ...process.env, PATH: pathEnv } });
  const p = (r.stdout ?? '').trim();
  return r.status === 0 && p !== '' ? p : undefined;
}

/** A port nobody listens on right now (influxd binds it a moment later; a clash makes start() retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function configText(dir: string, httpPort: number, rpcPort: number): string {
  return [
    'reporting-disabled = true',
    // the RPC (backup/restore) port: bound explicitly so parallel test runs do not clash on 8088
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    '[http]',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    '  log-enabled = false',
    '[monitor]',
    // no _internal database: it would get subscriptions and self-statistics writes of its own
    '  store-enabled = false',
    '[continuous_queries]',
    '  enabled = false',
    '[subscriber]',
    '  enabled = true',
    '',
  ].join('\n');
}

export interface StartInfluxdOptions {
  /** the PATH influxd is looked up in (default: this process's PATH) */
  readonly pathEnv?: string;
  /** a fixed HTTP port (a test that points tickstream at InfluxDB before InfluxDB runs); default: a free one */
  readonly httpPort?: number;
}

export async function startInfluxd(opts: StartInfluxdOptions = {}): Promise<InfluxdProcess> {
  const bin = influxdPath(opts.pathEnv);
  if (bin === undefined) throw new Error(`influxd is not installed (needed by the InfluxDB integration tests); ${INFLUXD_INSTALL_HINT}`);
  let lastErr: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(bin, opts.httpPort);
    } catch (err) {
      lastErr = err as Error; // most likely a port taken between freePort() and influxd's bind: try new ports
    }
  }
  throw lastErr!;
}

async function startOnce(bin: string, fixedPort?: number): Promise<InfluxdProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-influxd-'));
  const httpPort = fixedPort ?? await freePort();
  const rpcPort = await freePort();
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(conf, configText(dir, httpPort, rpcPort));
  const proc = spawn(bin, ['-config', conf], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INFLUXDB_CONFIG_PATH: conf } });
  let output = '';
  const collect = (d: Buffer): void => { output += d.toString(); if (output.length > 200_000) output = output.slice(-100_000); };
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  const url = `http://127.0.0.1:${httpPort}`;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(kill);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  // ready when /ping answers 204 (influxd opens the meta store and shards first: seconds on a loaded machine)
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      await stop();
      throw new Error(`influxd exited before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/ping`);
      await res.arrayBuffer();
      if (res.status === 204) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`influxd did not answer /ping on ${url} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const query = async (q: string, db?: string): Promise<InfluxQueryResponse> => {
    const params = new URLSearchParams({ q });
    if (db !== undefined) params.set('db', db);
    const res = await fetch(`${url}/query`, { method: 'POST', body: params });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`influxd query ${JSON.stringify(q)}: HTTP ${res.status}: ${body}`);
    return JSON.parse(body) as InfluxQueryResponse;
  };
  const write = async (db: string, lines: string, precision = 'n', rp?: string): Promise<void> => {
    const params = new URLSearchParams({ db, precision });
    if (rp !== undefined) params.set('rp', rp);
    const res = await fetch(`${url}/write?${params}`, { method: 'POST', body: lines });
    const body = await res.text();
    if (res.status !== 204) throw new Error(`influxd write to ${db}: HTTP ${res.status}: ${body}`);
  };
  return { url, httpPort, dir, proc, log: () => output, query, write, stop };
}
