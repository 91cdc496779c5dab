/**
 * How bytes get to and from an agent: a child process's stdin/stdout, or a unix-socket connection. The
 * connection (connection.ts) speaks the protocol over either; transports only move bytes and report the end.
 */

export interface TransportEvents {
  /** bytes from the agent (stdout / socket) */
  data(chunk: Buffer): void;
  /** the agent is gone (process exited, socket closed) or could not be reached; `reason` says how, as an error text */
  ended(reason: string): void;
  /** one line the agent wrote to stderr (process agents only) */
  log(line: string): void;
}

export interface Transport {
  /** short description for logs: `process 1234` or `socket /run/udf.sock` */
  readonly describe: string;
  /** queue bytes for the agent */
  write(bytes: Buffer): void;
  /** bytes queued but not yet taken by the agent */
  backlog(): number;
  /** graceful end: close our writing side (the agent sees EOF and should exit) */
  end(): void;
  /** force: kill the process / destroy the socket */
  kill(): void;
  /** resolves once the process was reaped / the socket is closed */
  readonly closed: Promise<void>;
}
