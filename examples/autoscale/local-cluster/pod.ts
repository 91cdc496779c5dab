/**
 * A local "pod": one real example-app process (examples/autoscale/app/main.ts) with its own host name and a
 * free port on 127.0.0.1. Ready once the app prints `listening on <address>:<port>`; stopped with SIGTERM
 * (SIGKILL after a grace period), like the kubelet does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP_ENTRY = fileURLToPath(new URL('../app/main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LISTENING = /listening on (\S+):(\d+)/;

export type PodPhase = 'Pending' | 'Running' | 'Terminating' | 'Exited';

export interface PodOptions {
  name: string;
  /** environment of the app on top of this process's (APP_REPLICASET, APP_INFLUXDB_URL, …) */
  env: Record<string, string>;
  /** directory for `<name>.log` (stdout and stderr); keeps only the last lines in memory when absent */
  logDir?: string;
  /** called once when the app listens, and once when the process ends (expected or not) */
  onReady?: (pod: Pod) => void;
  onExit?: (pod: Pod, code: number | null, signal: NodeJS.Signals | null) => void;
  /** SIGTERM grace period before SIGKILL, ms (default 5000) */
  graceMs?: number;
}

export class Pod {
  readonly name: string;
  readonly startedAt = Date.now();
  phase: PodPhase = 'Pending';
  /** port the app listens on, once Running */
  port = 0;
  readyAt = 0;
  /** true once stop() was called: an exit after that is expected */
  stopRequested = false;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly log: WriteStream | undefined;
  private readonly exited: Promise<void>;
  private readonly graceMs: number;

  constructor(opts: PodOptions) {
    this.name = opts.name;
    this.graceMs = opts.graceMs ?? 5000;
    this.log = opts.logDir ? createWriteStream(join(opts.logDir, `${opts.name}.log`), { flags: 'a' }) : undefined;
    this.child = spawn(process.execPath, ['--import', 'tsx', APP_ENTRY], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env, PORT: '0', APP_BIND_ADDRESS: '127.0.0.1', APP_HOSTNAME: opts.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const onOut = (chunk: string): void => {
      this.log?.write(chunk);
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        this.remember(line);
        if (this.phase === 'Pending') {
          const m = LISTENING.exec(line);
          if (m) {
            this.port = Number(m[2]);
            this.phase = 'Running';
            this.readyAt = Date.now();
            opts.onReady?.(this);
          }
        }
      }
    };
    this.child.stdout!.setEncoding('utf8').on('data', onOut);
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.log?.write(chunk);
      for (const line of chunk.split('\n')) if (line) this.remember(line);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.phase = 'Exited';
        opts.onExit?.(this, code, signal);
      });
      // stdout/stderr may still deliver their last chunk after 'exit' (e.g. the app's "shutting down after N
      // requests"); 'close' comes once both are drained. The pod counts as gone when those lines are on disk,
      // so a caller that exits right after stop() keeps them, and no chunk is written to an ended log.
      this.child.once('close', () => {
        if (this.log) this.log.end(() => resolve());
        else resolve();
      });
      this.child.once('error', (err) => {
        this.remember(`spawn failed: ${err.message}`);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines the app printed (for error reports). */
  lastLines(): string[] {
    return [...this.tail];
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 30) this.tail.shift();
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  async stop(): Promise<void> {
    if (this.phase === 'Exited') return;
    this.stopRequested = true;
    this.phase = 'Terminating';
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), this.graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
