/**
 * Running the real kubectl against a test server: present on developer machines, absent on a fresh CI machine
 * (tests skip then). Every call gets its own discovery cache dir and no kubeconfig, so nothing on the machine
 * (another cluster's cache or context) leaks in.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function kubectlAvailable(): Promise<boolean> {
  try {
    await run('kubectl', ['version', '--client'], { timeout: 10000 });
    return true;
  } catch {
    return false;
  }
}

export interface Kubectl {
  /** runs to completion; rejects with kubectl's stderr on a non-zero exit */
  run(...args: string[]): Promise<string>;
  /** a long-running kubectl (e.g. `get pods -w`); its stdout lines collected as they come */
  spawn(...args: string[]): KubectlChild;
  /** removes the cache dir */
  cleanup(): void;
}

export interface KubectlChild {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** resolves with the first line matching `re` (rejects after `ms` with what was seen) */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  stop(): Promise<void>;
}

export function kubectl(serverUrl: string): Kubectl {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  const env = { ...process.env, KUBECONFIG: '/dev/null', HOME: cacheDir };
  const base = ['--server', serverUrl, '--cache-dir', cacheDir, '--request-timeout', '10s'];
  return {
    async run(...args) {
      try {
        const { stdout } = await run('kubectl', [...base, ...args], { env, timeout: 20000 });
        return stdout;
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`kubectl ${args.join(' ')}: ${e.stderr || e.message}`);
      }
    },
    spawn(...args) {
      const child = spawn('kubectl', [...base, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: string[] = [];
      let buf = '';
      let stderr = '';
      const waiters = new Set<() => void>();
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          lines.push(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
        for (const w of waiters) w();
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      return {
        child,
        lines,
        async waitFor(re, ms = 15000) {
          const deadline = Date.now() + ms;
          for (;;) {
            const hit = lines.find((l) => re.test(l));
            if (hit !== undefined) return hit;
            if (Date.now() > deadline || child.exitCode !== null) {
              throw new Error(`kubectl ${args.join(' ')}: no line matching ${re} after ${ms} ms; stdout: ${JSON.stringify(lines)}; stderr: ${stderr}`);
            }
            await new Promise<void>((r) => {
              const t = setTimeout(() => { waiters.delete(w); r(); }, 100);
              const w = (): void => { clearTimeout(t); waiters.delete(w); r(); };
              waiters.add(w);
            });
          }
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    },
    cleanup() {
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Splits kubectl's column output into rows of cells (columns are separated by 2+ spaces). */
export function columns(stdout: string): string[][] {
  return stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
}
