/**
 * The configured UDFs (Kapacitor's services/udf): at startup every function is asked for its Info (what edge it
 * wants and provides, its options and their types), so scripts calling `@name()` are checked when they are
 * defined. Unlike Kapacitor, whose server refuses to start when one Info request fails, a failing function is
 * logged and kept aside with its error: the server starts, and a script using it is rejected naming the reason.
 * Each UDF node then gets its own agent: a new process, or a new connection to the socket.
 */
import { UdfConnection, type ConnectionHandler } from './connection.ts';
import { ProcessTransport } from './process-transport.ts';
import { SocketTransport } from './socket-transport.ts';
import { udfInfoOf } from './options.ts';
import type { InfoResponse } from './messages.ts';
import type { UdfInfo } from '../tickscript/evaluate.ts';
import type { Transport } from './transport.ts';

/** One `[udf.functions.NAME]` section. */
export interface UdfFunctionSpec {
  readonly prog: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** unix socket path; when set the function is served there instead of run as a process */
  readonly socket: string;
  /** keepalive timeout, ns */
  readonly timeout: bigint;
}

export interface UdfLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class UdfService {
  private readonly infos = new Map<string, UdfInfo>();
  private readonly errors = new Map<string, string>();
  /** conversations not yet ended, so close() can end them all */
  private readonly live = new Set<UdfConnection>();

  constructor(private readonly functions: Readonly<Record<string, UdfFunctionSpec>>, private readonly logger: UdfLogger) {}

  /**
   * Ask every function for its Info, one after the other as Kapacitor does (each agent's start-up counts against
   * its own keepalive timeout, so they do not compete for the CPU); never throws: failures are kept per function
   * and logged.
   */
  async open(): Promise<void> {
    for (const name of Object.keys(this.functions)) {
      try {
        const info = await this.loadInfo(name);
        this.infos.set(name, udfInfoOf(info));
        this.logger.info({ udf: name, wants: info.wants, provides: info.provides, options: Object.keys(info.options) }, 'loaded UDF info');
      } catch (err) {
        const msg = `failed to load process info for ${JSON.stringify(name)}: ${(err as Error).message}`;
        this.errors.set(name, msg);
        this.logger.error({ udf: name, err: msg }, 'UDF unavailable');
      }
    }
  }

  /** name → Info of the functions that answered (for the script evaluator) */
  available(): Record<string, UdfInfo> {
    return Object.fromEntries(this.infos);
  }

  /** name → why the function cannot be used */
  unavailable(): Record<string, string> {
    return Object.fromEntries(this.errors);
  }

  /**
   * A started conversation with a new agent for one task node. Throws when the function is unknown or its process
   * cannot be started (the task start fails with that message).
   */
  create(name: string, taskId: string, nodeId: string, handler: ConnectionHandler): UdfConnection {
    const spec = Object.prototype.hasOwnProperty.call(this.functions, name) ? this.functions[name] : undefined;
    if (!spec) throw new Error(`no such UDF ${name}`);
    const conn = new UdfConnection({ taskId, nodeId, timeoutNs: spec.timeout });
    conn.start(this.transport(spec, conn), handler);
    this.live.add(conn);
    void conn.closed.then(() => this.live.delete(conn));
    return conn;
  }

  /** Server shutdown: end every agent still running (each is killed after its grace period) and wait for them. */
  async close(): Promise<void> {
    const all = [...this.live];
    for (const c of all) c.close();
    // each is killed after its grace period (at most 10s); the bound only guards against a transport that never ends
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(all.map((c) => c.closed)),
      new Promise<void>((r) => { timer = setTimeout(r, 15_000); timer.unref(); }),
    ]);
    clearTimeout(timer);
  }

  private transport(spec: UdfFunctionSpec, conn: UdfConnection): Transport {
    if (spec.socket !== '') return new SocketTransport(spec.socket, Number(spec.timeout / 1_000_000n), conn.events);
    return new ProcessTransport({ prog: spec.prog, args: spec.args, env: spec.env }, conn.events);
  }

  private async loadInfo(name: string): Promise<InfoResponse> {
    // like Kapacitor's loadUDFInfo: a connection outside any task, Info only (never Init), then closed
    const log = this.logger;
    const conn = this.create(name, '', '', {
      output: () => {},
      failed: () => {},
      log: (line) => log.info({ udf: name, text: line }, 'UDF log'),
    });
    try {
      return await conn.info();
    } finally {
      // not awaited: an agent that ignores EOF is killed after its grace period (close() waits for stragglers)
      conn.close();
    }
  }
}
