/**
 * A UDF agent served on a unix socket (Kapacitor's UDFSocket): one connection per task node (and one for the Info
 * request at startup). Kapacitor retries the dial with exponential backoff for up to five minutes; here the dial is
 * retried (50 ms doubling to 1 s) for up to the function's `timeout`, so a task start never waits longer than the
 * keepalive timeout would allow. Closing half-closes our side first (the agent reads EOF), as Kapacitor does with
 * CloseWrite.
 */
import { createConnection, type Socket } from 'node:net';
import type { Transport, TransportEvents } from './transport.ts';

export class SocketTransport implements Transport {
  readonly describe: string;
  readonly closed: Promise<void>;
  private socket: Socket | undefined;
  private connected = false;
  private finished = false;
  private ending = false;
  /** written before the connection was up */
  private readonly queued: Buffer[] = [];
  private queuedBytes = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private delayMs = 50;
  private readonly deadline: number;
  private resolveClosed!: () => void;

  constructor(private readonly path: string, dialForMs: number, private readonly events: TransportEvents) {
    this.describe = `socket ${path}`;
    this.deadline = Date.now() + dialForMs;
    this.closed = new Promise((r) => { this.resolveClosed = r; });
    this.dial();
  }

  private dial(): void {
    this.retryTimer = undefined;
    const s = createConnection({ path: this.path, allowHalfOpen: true });
    this.socket = s;
    s.on('connect', () => {
      this.connected = true;
      for (const b of this.queued) s.write(b);
      this.queued.length = 0;
      this.queuedBytes = 0;
      if (this.ending) s.end();
    });
    s.on('data', (chunk: Buffer) => this.events.data(chunk));
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (this.connected || this.finished) return; // 'close' follows and reports
      s.destroy();
      if (!this.ending && Date.now() + this.delayMs <= this.deadline) {
        this.retryTimer = setTimeout(() => this.dial(), this.delayMs);
        this.retryTimer.unref();
        this.delayMs = Math.min(this.delayMs * 2, 1000);
        return;
      }
      this.finish(`dial unix ${this.path}: connect: ${describeErrno(err)}`);
    });
    s.on('end', () => { if (!this.ending) s.end(); });
    s.on('close', () => { if (this.connected) this.finish(`read error: the agent closed the connection on ${this.path}`); });
  }

  private finish(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.events.ended(reason);
    this.resolveClosed();
  }

  write(bytes: Buffer): void {
    if (this.finished || this.ending) return;
    if (this.connected) this.socket!.write(bytes);
    else { this.queued.push(bytes); this.queuedBytes += bytes.length; }
  }

  backlog(): number {
    return this.connected ? this.socket!.writableLength : this.queuedBytes;
  }

  end(): void {
    if (this.ending) return;
    this.ending = true;
    if (this.connected) this.socket!.end();
    else if (this.retryTimer !== undefined || !this.socket) this.finish('closed before the connection was made');
  }

  kill(): void {
    this.ending = true;
    if (this.socket) this.socket.destroy();
    if (!this.connected) this.finish('closed before the connection was made');
  }
}

/** Go's syscall error texts for the dial failures that matter */
function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'ECONNREFUSED': return 'connection refused';
    case 'EACCES': return 'permission denied';
    case 'ENOTSOCK': return 'socket operation on non-socket';
    default: return err.message;
  }
}
