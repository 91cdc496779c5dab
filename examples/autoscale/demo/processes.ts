/**
 * The demo's server-side processes: kapacitord (bin/kapacitord.mjs) on a free 127.0.0.1 port with a temporary
 * data dir and the local cluster as its Kubernetes API, and `kapacitor` CLI invocations (bin/kapacitor.mjs)
 * with KAPACITOR_URL — the same commands the tutorial has the user type.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const KAPACITORD = fileURLToPath(new URL('../../../bin/kapacitord.mjs', import.meta.url));
const KAPACITOR = fileURLToPath(new URL('../../../bin/kapacitor.mjs', import.meta.url));

/** A port that was free a moment ago (the server binds it next; a lost race shows as a start failure). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Kapacitord {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface KapacitordOptions {
  dataDir: string;
  kubeUrl: string;
  logFile: string;
  hostname?: string;
}

/** Starts kapacitord and resolves once GET /kapacitor/v1/ping answers 204 (rejects with its output otherwise). */
export async function startKapacitord(opts: KapacitordOptions): Promise<Kapacitord> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(process.execPath, [KAPACITORD], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      KAPACITOR_HTTP_BIND_ADDRESS: `127.0.0.1:${port}`,
      KAPACITOR_DATA_DIR: opts.dataDir,
      KAPACITOR_HOSTNAME: opts.hostname ?? 'tickstream-demo',
      KAPACITOR_KUBERNETES_ENABLED: 'true',
      KAPACITOR_KUBERNETES_API_SERVERS: opts.kubeUrl,
      KAPACITOR_LOGGING_LEVEL: 'INFO',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d: Buffer): void => {
    log.write(d);
    tail = (tail + d.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { log.end(); resolve(); }));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(t);
  };

  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`kapacitord exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail}`);
    }
    try {
      const res = await fetch(`${url}/kapacitor/v1/ping`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`kapacitord did not answer ${url}/kapacitor/v1/ping within 30 s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, stop };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kapacitor <args>` against `url`; never throws for a non-zero exit (the caller decides). */
export function kapacitor(url: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [KAPACITOR, ...args], {
      cwd: REPO_ROOT, env: { ...process.env, KAPACITOR_URL: url }, timeout: 30000, maxBuffer: 4 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === 1 && !stderr ? err.message : stderr) });
    });
  });
}

/** Node stats from a `kapacitor show` DOT line such as `k8s_autoscale6 [avg_exec_time_ns="0s" errors="0" ];`. */
export function nodeStats(show: string, prefix: string): { node: string; stats: Record<string, string> } | undefined {
  const re = new RegExp(`^(${prefix}\\d+) \\[(.*)\\];$`, 'm');
  const m = re.exec(show);
  if (!m) return undefined;
  const stats: Record<string, string> = {};
  for (const a of m[2]!.matchAll(/([a-z_]+)="([^"]*)"/g)) stats[a[1]!] = a[2]!;
  return { node: m[1]!, stats };
}
