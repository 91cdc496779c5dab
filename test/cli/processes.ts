/**
 * Test helpers: a real `bin/kapacitord.mjs` process on 127.0.0.1:0 with its own data_dir, and the CLI
 * (`bin/kapacitor.mjs`) run as a subprocess against it.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KAPACITORD = ROOT + 'bin/kapacitord.mjs';
const KAPACITOR = ROOT + 'bin/kapacitor.mjs';

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** SIGKILL (the crash case) or SIGTERM; resolves when the process is gone */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /**
   * A per-file size limit in KiB (bash's `ulimit -f`): a write that would grow any file past it fails with EFBIG
   * (Node ignores SIGXFSZ) — a full disk for one process.
   */
  fileSizeLimitKiB?: number;
}

/** Starts kapacitord and resolves with its URL once it logged `listening`. */
export function startServer(dataDir: string, env: Record<string, string> = {}, opts: StartOptions = {}): Promise<ServerProcess> {
  const [cmd, args] = opts.fileSizeLimitKiB === undefined
    ? [process.execPath, [KAPACITORD]]
    : ['/bin/bash', ['-c', `ulimit -f ${opts.fileSizeLimitKiB} && exec "$0" "$1"`, process.execPath, KAPACITORD]];
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: {
      ...process.env, KAPACITOR_DATA_DIR: dataDir, KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_HOSTNAME: 'testhost',
      KAPACITOR_LOGGING_LEVEL: 'INFO', TZ: 'UTC', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await gone;
  };
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => { void stop(); reject(new Error(`kapacitord did not start:\n${log}`)); }, 60000); // generous: the shared test machine can be very loaded
    const onData = (d: Buffer): void => {
      log += d.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(log);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        proc.stderr!.off('data', onData);
        proc.stdout!.resume();
        proc.stderr!.resume();
        resolve({ url: m[1]!, proc, stop });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`kapacitord exited with ${code}:\n${log}`)); });
  });
}

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs `kapacitor -url <url> ...args` as a subprocess. */
export function kapacitor(url: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [KAPACITOR, '-url', url, ...args], { cwd: ROOT, env: { ...process.env, KAPACITOR_URL: '' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

/** POSTs line protocol to /write. */
export async function write(url: string, db: string, rp: string, lines: string, precision = 's'): Promise<number> {
  const res = await fetch(`${url}/write?db=${db}&rp=${rp}&precision=${precision}`, { method: 'POST', body: lines });
  await res.arrayBuffer();
  return res.status;
}
