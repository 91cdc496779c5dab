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
  /** the running process (a new one after restart()) */
  readonly proc: ChildProcess;
  /** stdout + stderr so far (for failure messages) */
  log(): string;
  /** one InfluxQL statement through GET/POST /query; resolves with the parsed JSON (throws on HTTP errors) */
  query(q: string, db?: string): Promise<InfluxQueryResponse>;
  /** POST line protocol to /write; throws unless 204 */
  write(db: string, lines: string, precision?: string, rp?: string): Promise<void>;
  /** SIGTERM (SIGKILL after 10 s), then removes the temporary directory */
  stop(): Promise<void>;
  /**
   * Stops influxd (SIGTERM) and starts it again on the same ports with the same data (databases, subscriptions);
   * `whileDown` runs in between. Resolves once /ping answers again.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
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

function configText(dir: string, httpPort: number, rpcPort: number, auth: boolean): string {
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
    `  auth-enabled = ${auth}`,
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
  /**
   * `[http] auth-enabled = true` with this admin user (created through the first query, which InfluxDB allows
   * while no user exists); the helper's own query()/write() then authenticate as it.
   */
  readonly admin?: { readonly username: string; readonly password: string };
}

export async function startInfluxd(opts: StartInfluxdOptions = {}): Promise<InfluxdProcess> {
  const bin = influxdPath(opts.pathEnv);
  if (bin === undefined) throw new Error(`influxd is not installed (needed by the InfluxDB integration tests); ${INFLUXD_INSTALL_HINT}`);
  let lastErr: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(bin, opts.httpPort, opts.admin);
    } catch (err) {
      lastErr = err as Error; // most likely a port taken between freePort() and influxd's bind: try new ports
    }
  }
  throw lastErr!;
}

async function startOnce(bin: string, fixedPort: number | undefined, admin: StartInfluxdOptions['admin']): Promise<InfluxdProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-influxd-'));
  const httpPort = fixedPort ?? await freePort();
  const rpcPort = await freePort();
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(conf, configText(dir, httpPort, rpcPort, admin !== undefined));
  let output = '';
  const collect = (d: Buffer): void => { output += d.toString(); if (output.length > 200_000) output = output.slice(-100_000); };
  const spawnInfluxd = (): ChildProcess => {
    const p = spawn(bin, ['-config', conf], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INFLUXDB_CONFIG_PATH: conf } });
    p.stdout!.on('data', collect);
    p.stderr!.on('data', collect);
    return p;
  };
  let proc = spawnInfluxd();
  const url = `http://127.0.0.1:${httpPort}`;

  const kill = async (p: ChildProcess): Promise<void> => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const k = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(k);
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await kill(proc);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  // ready when /ping answers 204 (influxd opens the meta store and shards first: seconds on a loaded machine)
  const ready = async (): Promise<void> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        await stop();
        throw new Error(`influxd exited before it was ready:\n${output}`);
      }
      try {
        const res = await fetch(`${url}/ping`);
        await res.arrayBuffer();
        if (res.status === 204) return;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`influxd did not answer /ping on ${url} within 30 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await ready();

  const authHeader: Record<string, string> = admin
    ? { Authorization: 'Basic ' + Buffer.from(`${admin.username}:${admin.password}`).toString('base64') } : {};
  const query = async (q: string, db?: string): Promise<InfluxQueryResponse> => {
    const params = new URLSearchParams({ q });
    if (db !== undefined) params.set('db', db);
    const res = await fetch(`${url}/query`, { method: 'POST', body: params, headers: authHeader });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`influxd query ${JSON.stringify(q)}: HTTP ${res.status}: ${body}`);
    return JSON.parse(body) as InfluxQueryResponse;
  };
  const write = async (db: string, lines: string, precision = 'n', rp?: string): Promise<void> => {
    const params = new URLSearchParams({ db, precision });
    if (rp !== undefined) params.set('rp', rp);
    const res = await fetch(`${url}/write?${params}`, { method: 'POST', body: lines, headers: authHeader });
    const body = await res.text();
    if (res.status !== 204) throw new Error(`influxd write to ${db}: HTTP ${res.status}: ${body}`);
  };
  if (admin) {
    // no user exists yet: InfluxDB lets this one statement through without credentials
    const res = await fetch(`${url}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: `CREATE USER "${admin.username}" WITH PASSWORD '${admin.password.replace(/'/g, "\\'")}' WITH ALL PRIVILEGES` }),
    });
    const body = await res.text();
    if (res.status !== 200) { await stop(); throw new Error(`influxd: creating the admin user failed: HTTP ${res.status}: ${body}`); }
  }
  const restart = async (whileDown?: () => Promise<void>): Promise<void> => {
    await kill(proc);
    if (whileDown) await whileDown();
    proc = spawnInfluxd();
    await ready();
  };
  return {
    url, httpPort, dir, log: () => output, query, write, stop, restart,
    get proc() { return proc; },
  };
}
