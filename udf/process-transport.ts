/**
 * A UDF agent as a child process (Kapacitor's UDFProcess): requests on its stdin, responses on its stdout, every
 * stderr line logged. The environment is ours plus the function's `env` table, as Kapacitor appends conf.Env to
 * os.Environ(). The program is looked up before spawning so a missing or non-executable program fails the task
 * start at once with Go's wording instead of an asynchronous spawn error.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Transport, TransportEvents } from './transport.ts';

/** stderr lines longer than this are cut (an agent printing binary junk must not grow one log line without bound) */
const MAX_LOG_LINE = 8192;

export interface ProcessSpec {
  readonly prog: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Go's exec.Command / LookPath errors for a program that cannot be started. */
export function lookPath(prog: string, envPath = process.env.PATH ?? ''): string {
  if (prog.includes('/')) {
    try {
      statSync(prog);
    } catch {
      throw new Error(`fork/exec ${prog}: no such file or directory`);
    }
    if (!executable(prog)) throw new Error(`fork/exec ${prog}: permission denied`);
    return prog;
  }
  for (const dir of envPath.split(delimiter)) {
    const p = join(dir === '' ? '.' : dir, prog);
    if (executable(p)) return p;
  }
  throw new Error(`exec: "${prog}": executable file not found in $PATH`);
}

export class ProcessTransport implements Transport {
  readonly describe: string;
  readonly closed: Promise<void>;
  readonly pid: number;
  private readonly child: ChildProcessWithoutNullStreams;
  private exited = false;
  private stderrTail = '';

  constructor(spec: ProcessSpec, private readonly events: TransportEvents) {
    const file = lookPath(spec.prog);
    const child = spawn(file, [...spec.args], { env: { ...process.env, ...spec.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    if (child.pid === undefined) {
      // spawn failed after the look-up (e.g. out of processes): the 'error' event follows; reap nothing
      child.on('error', () => {});
      throw new Error(`fork/exec ${spec.prog}: could not start the process`);
    }
    this.pid = child.pid;
    this.describe = `process ${child.pid} (${spec.prog})`;
    let resolveClosed!: () => void;
    this.closed = new Promise((r) => { resolveClosed = r; });
    child.stdout.on('data', (chunk: Buffer) => this.events.data(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => this.stderr(text));
    // EPIPE when the agent dies while we write: the exit event reports it
    child.stdin.on('error', () => {});
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.exited) return;
      this.events.ended(`process error: ${err.message}`);
      // a failed spawn never exits: nothing is left to reap
      if (err.syscall?.startsWith('spawn')) { this.exited = true; resolveClosed(); }
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      if (this.stderrTail !== '') { this.events.log(this.stderrTail); this.stderrTail = ''; }
      this.events.ended(`process exited unexpectedly: ${signal !== null ? `signal: ${signalName(signal)}` : `exit status ${code}`}`);
      resolveClosed();
    });
  }

  write(bytes: Buffer): void {
    if (this.exited || this.child.stdin.destroyed || this.child.stdin.writableEnded) return;
    this.child.stdin.write(bytes);
  }

  backlog(): number {
    return this.child.stdin.writableLength;
  }

  end(): void {
    if (!this.child.stdin.writableEnded) this.child.stdin.end();
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private stderr(text: string): void {
    let s = this.stderrTail + text;
    let nl: number;
    while ((nl = s.indexOf('\n')) >= 0) {
      this.events.log(s.slice(0, Math.min(nl, MAX_LOG_LINE)));
      s = s.slice(nl + 1);
    }
    this.stderrTail = s.length > MAX_LOG_LINE ? s.slice(0, MAX_LOG_LINE) : s;
  }
}

/** Go's syscall.Signal String() for the signals an agent usually dies of */
function signalName(sig: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed', SIGTERM: 'terminated', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted', SIGINT: 'interrupt',
    SIGPIPE: 'broken pipe', SIGHUP: 'hangup', SIGBUS: 'bus error', SIGFPE: 'floating point exception',
  };
  return names[sig] ?? sig;
}
