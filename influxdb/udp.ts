/**
 * UDP listeners for `subscription-protocol = "udp"` (Kapacitor starts one udp service per subscription): each
 * database/retention policy gets a socket on `udp-bind` with a port chosen by the OS; every datagram is line
 * protocol for that db/rp, handed to `onDatagram` (which parses and routes it; bad lines are its business).
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from 'pino';

export interface UdpListenersOptions {
  /** `udp-bind` host ('' = all interfaces) */
  readonly bind: string;
  /** SO_RCVBUF in bytes (0 = the OS default), `udp-read-buffer` */
  readonly readBuffer: number;
  readonly logger: Logger;
  readonly onDatagram: (db: string, rp: string, data: Buffer) => void;
}

const key = (db: string, rp: string): string => db + '\0' + rp;

export class UdpListeners {
  private readonly sockets = new Map<string, { socket: Socket; port: number }>();

  constructor(private readonly opts: UdpListenersOptions) {}

  /** The port of db/rp's listener, opened when needed. */
  async listen(db: string, rp: string): Promise<number> {
    const k = key(db, rp);
    const have = this.sockets.get(k);
    if (have) return have.port;
    const host = this.opts.bind === '' ? '0.0.0.0' : this.opts.bind;
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => { socket.off('error', reject); resolve(); });
    });
    if (this.opts.readBuffer > 0) socket.setRecvBufferSize(this.opts.readBuffer);
    socket.on('message', (msg) => this.opts.onDatagram(db, rp, msg));
    socket.on('error', (err) => this.opts.logger.error({ err, db, rp }, 'UDP subscription listener error'));
    const port = socket.address().port;
    this.sockets.set(k, { socket, port });
    this.opts.logger.info({ db, rp, port }, 'started UDP listener for InfluxDB subscription');
    return port;
  }

  /** Whether a `udp://host:port` destination is one of our listeners. */
  has(destination: string): boolean {
    let port: string;
    try { port = new URL(destination).port; } catch { return false; }
    for (const s of this.sockets.values()) if (String(s.port) === port) return true;
    return false;
  }

  close(db: string, rp: string): void {
    const k = key(db, rp);
    const s = this.sockets.get(k);
    if (!s) return;
    this.sockets.delete(k);
    s.socket.close();
  }

  /** Closes the listeners whose db\0rp is not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const k of [...this.sockets.keys()]) {
      if (!keep.has(k)) { const [db, rp] = k.split('\0') as [string, string]; this.close(db, rp); }
    }
  }

  closeAll(): void {
    for (const s of this.sockets.values()) s.socket.close();
    this.sockets.clear();
  }
}
