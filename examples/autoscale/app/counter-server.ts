/**
 * The example app's HTTP side (SPEC §1.2): every request, whatever its path or method, increments one
 * process-wide counter and is answered `Current request count N\n` with N the new value. The counter is
 * cumulative since process start, which is what the TICKscript's derivative turns into a rate.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface CounterServer {
  readonly server: Server;
  /** Requests answered so far (the value the reporter posts). */
  count(): number;
}

export function createCounterServer(): CounterServer {
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests += 1;
    const body = `Current request count ${requests}\n`;
    // Drain any request body so keep-alive connections stay usable; its content is irrelevant.
    req.resume();
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  // Load generators keep connections open; do not let idle ones pile up for minutes.
  server.keepAliveTimeout = 5000;
  return { server, count: () => requests };
}
