/**
 * The HTTP application: a fastify instance with the core routes (ping, health probes, /write) and whatever
 * plugins the services add (the task API …). Built without listening so tests can use `inject()`.
 *
 * Every response carries Kapacitor's common headers (commonHeadersHook, registered on the root so it also
 * applies to plugins); unknown routes answer 404 `{"error":"Not Found","message":"Not Found"}`; uncaught errors
 * in API plugins answer Kapacitor's JSON error body. Request logging, when [http] log-enabled, is one line per
 * request after the response (Kapacitor's access log), not fastify's two.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { authGate, type AuthGateOptions } from './auth/hook.ts';
import type { HttpsOptions } from './http/https.ts';
import { commonHeadersHook } from './http/common-headers.ts';
import { sendError } from './http/errors.ts';
import { timeUuid } from './http/time-uuid.ts';
import { clientErrorHandler, concurrencyGate, LimitStats, readTimeoutMs, serverLimitOptions } from './http/limits.ts';
import type { LineProtocolParser } from '../lineprotocol/parser.ts';
import { IngressStats } from './ingest/ingress.ts';
import type { PointSink } from '../model/point.ts';
import { WriteStats, writeRoutes } from './ingest/write-route.ts';
import { Lifecycle } from './lifecycle.ts';
import { healthRoutes } from './routes/health.ts';
import { pingRoutes } from './routes/ping.ts';

export { commonHeadersHook } from './http/common-headers.ts';
export { sendError, sendPlainError, errorBody, JSON_CONTENT_TYPE } from './http/errors.ts';

export interface BuildAppOptions {
  config: Config;
  logger: Logger;
  sink: PointSink;
  /** extra route plugins (server/api/*), registered after the core routes */
  plugins?: FastifyPluginAsync[];
  /** readiness for /readyz; default: a lifecycle that is already ready */
  lifecycle?: Lifecycle;
  /** ingress statistics the write routes count into; default: this app's own (the daemon passes its ServerCounters') */
  ingress?: IngressStats;
  /** write request counters; default: this app's own (the daemon passes its ServerCounters') */
  writes?: WriteStats;
  parser?: LineProtocolParser;
  /** receive-time clock in ns for lines without a timestamp */
  clock?: () => bigint;
  /** the authentication gate's parts; required when [http] auth-enabled (buildApp refuses to build without) */
  auth?: Omit<AuthGateOptions, 'sharedSecret' | 'pprofEnabled'>;
  /** serve HTTPS with these ([http] https-enabled; server/http/https.ts reads them) */
  https?: HttpsOptions;
  /** requests refused by a limit (the server's ServerCounters.limits); default: the app's own */
  limits?: LimitStats;
}

/** The access log must not carry the `p` (password) query parameter InfluxDB clients may send. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]p=)[^&]*/g, '$1[REDACTED]');
}

/** Responses smaller than this are sent as they are even when the client accepts gzip. */
const GZIP_MIN_BYTES = 1024;

export function buildApp(opts: BuildAppOptions): FastifyInstance {
  const { config, logger } = opts;
  const lifecycle = opts.lifecycle ?? readyLifecycle();
  const limits = opts.limits ?? new LimitStats();
  // header size and whole-request deadline (server/http/limits.ts); https.createServer takes the same options
  const serverLimits = serverLimitOptions(config.http);
  const app = Fastify({
    ...(opts.https ? { https: { ...serverLimits, ...opts.https } } : { http: serverLimits }),
    requestTimeout: readTimeoutMs(config.http),
    clientErrorHandler: clientErrorHandler(config.http, limits),
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => timeUuid(),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // malformed URLs and the like: Kapacitor's error body instead of fastify's
    frameworkErrors: (err, req, reply) => {
      commonHeadersHook(req as unknown as FastifyRequest, reply as unknown as FastifyReply, () => {});
      void sendError(reply as unknown as FastifyReply, 400, err.message);
    },
  }) as unknown as FastifyInstance; // pino's Logger type is wider than FastifyBaseLogger

  app.addHook('onRequest', commonHeadersHook);
  // before authentication: an overloaded server must not spend bcrypt comparisons on requests it will refuse
  if (config.http.maxConcurrentRequests > 0) app.addHook('onRequest', concurrencyGate(config.http.maxConcurrentRequests, limits));
  if (config.http.authEnabled) {
    if (!opts.auth) throw new Error('[http] auth-enabled is true but no authentication service was given');
    app.decorateRequest('authUser', undefined);
    app.addHook('onRequest', authGate({ ...opts.auth, sharedSecret: config.http.sharedSecret, pprofEnabled: config.http.pprofEnabled }));
  }
  if (config.http.logEnabled) {
    app.addHook('onResponse', (req, reply, done) => {
      req.log.info({ method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'http request');
      done();
    });
  }
  if (config.http.gzip) {
    app.addHook('onSend', async (req, reply, payload) => {
      const accepts = req.headers['accept-encoding'];
      if (typeof accepts !== 'string' || !/\bgzip\b/.test(accepts)) return payload;
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
      if (Buffer.byteLength(payload) < GZIP_MIN_BYTES || reply.hasHeader('content-encoding')) return payload;
      reply.header('Content-Encoding', 'gzip');
      reply.header('Vary', 'Accept-Encoding');
      reply.removeHeader('content-length');
      return gzipSync(payload);
    });
  }

  // CORS preflight: answered empty, with the CORS headers of the common hook.
  app.options('/*', async (_req, reply) => reply.code(200).send());

  app.setNotFoundHandler((_req, reply) => sendError(reply, 404, 'Not Found'));
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    return sendError(reply, status, err.message);
  });

  app.register(pingRoutes);
  app.register(healthRoutes, { lifecycle });
  app.register(writeRoutes, {
    config, sink: opts.sink, ingress: opts.ingress ?? new IngressStats('main'), stats: opts.writes ?? new WriteStats(), logger,
    parser: opts.parser, clock: opts.clock, limits,
  });
  for (const plugin of opts.plugins ?? []) app.register(plugin);
  return app;
}

function readyLifecycle(): Lifecycle {
  const l = new Lifecycle();
  l.markReady();
  return l;
}
