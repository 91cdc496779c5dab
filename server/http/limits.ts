/**
 * Request limits of the HTTP server (issue 17, docs/SECURITY.md "Resource limits"): header size and the time to
 * receive a request (Node's own parser enforces both; we only word and count the refusals), and the number of
 * requests served at once. Every refusal is counted in the server's LimitStats (ServerCounters.limits) under the config key that caused it, which
 * /metrics exports as `tickstream_limit_refusals_total{limit="…"}` and debug vars as `limits`.
 */
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { HttpConfig } from '../../config/index.ts';
import { formatGoDuration as formatDuration } from '../../gocompat/duration.ts';
import { JSON_CONTENT_TYPE, errorBody, sendError, sendPlainError } from './errors.ts';

/** Requests refused by a limit, by the config key of that limit (`max-body-size`, `read-timeout`, …). */
export class LimitStats {
  readonly refusals = new Map<string, number>();

  refused(limit: string): void {
    this.refusals.set(limit, (this.refusals.get(limit) ?? 0) + 1);
  }

  count(limit: string): number {
    return this.refusals.get(limit) ?? 0;
  }

  reset(): void {
    this.refusals.clear();
  }
}

/** The process-wide limit counters (what the server counts into unless given others). */

/** How often Node checks request and header timeouts: a quarter of the timeout, at most Node's 30 s default. */
function checkingIntervalMs(timeoutMs: number): number {
  return Math.max(10, Math.min(30_000, Math.floor(timeoutMs / 4)));
}

export function readTimeoutMs(http: HttpConfig): number {
  return Math.max(1, Number(http.readTimeout / 1_000_000n));
}

/**
 * Options for http(s).createServer: the header size limit and the whole-request deadline (slowloris: a client
 * that trickles its headers or body is answered 408 and disconnected once the deadline passes, however often it
 * sends a byte).
 */
export function serverLimitOptions(http: HttpConfig): ServerOptions {
  const timeout = readTimeoutMs(http);
  return {
    maxHeaderSize: http.maxHeaderSize,
    requestTimeout: timeout,
    headersTimeout: timeout,
    connectionsCheckingInterval: checkingIntervalMs(timeout),
  };
}

/**
 * fastify's clientErrorHandler: requests Node's parser refused before any route saw them. Answers Kapacitor's
 * JSON error body naming the limit, counts it, and closes the connection (the request cannot be read further).
 */
export function clientErrorHandler(http: HttpConfig, stats: LimitStats): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let status: number;
    let message: string;
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      stats.refused('read-timeout');
      status = 408;
      message = `request not received within [http] read-timeout (${formatDuration(http.readTimeout)}): the client sent it too slowly`;
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      stats.refused('max-header-size');
      status = 431;
      message = `request headers larger than [http] max-header-size (${http.maxHeaderSize} bytes)`;
    } else {
      status = 400;
      message = `malformed HTTP request: ${err.message}`;
    }
    if (socket.writable) {
      const body = errorBody(message);
      const reason = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}

/** Probes stay answerable under overload: Kubernetes must not restart a pod that is merely busy. */
const EXEMPT = new Set(['/kapacitor/v1/ping', '/kapacitor/v1preview/ping', '/livez', '/readyz']);
const WRITE = new Set(['/write', '/kapacitor/v1/write', '/kapacitor/v1preview/write']);

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * An onRequest hook capping the requests in flight at [http] max-concurrent-requests. Over the cap: 503 with
 * `Retry-After: 1` and a body naming the limit (plain text on /write, JSON elsewhere), before authentication and
 * before the body is read. A slot is released when the response ends or the client goes away.
 */
export function concurrencyGate(max: number, stats: LimitStats): onRequestHookHandler {
  let inFlight = 0;
  const release = (): void => { inFlight--; };
  return (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const path = pathOf(req.url);
    if (EXEMPT.has(path)) return done();
    if (inFlight >= max) {
      stats.refused('max-concurrent-requests');
      const message = `too many concurrent requests: the server is serving [http] max-concurrent-requests (${max}); retry after 1s`;
      reply.header('Retry-After', '1');
      void (WRITE.has(path) ? sendPlainError(reply, 503, message) : sendError(reply, 503, message));
      return;
    }
    inFlight++;
    reply.raw.once('close', release);
    done();
  };
}
