/**
 * `POST /write`, `/kapacitor/v1/write`, `/kapacitor/v1preview/write` (SPEC 5.2, Appendix C): line protocol in,
 * 204 out once the points were handed to the sink. As in Kapacitor: parse first, then check `db` (SPEC 9 item 10);
 * any bad line rejects the whole request (400, every bad line's error, one per line) and nothing is routed;
 * errors are plain text. `rp` defaults to [default-retention-policy]; `consistency`, `u` and `p` are ignored.
 * Each request (never each point) bumps WriteStats, which /metrics reads at scrape time.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { precisionMultiplier } from '../../model/time.ts';
import type { Config } from '../../config/index.ts';
import { sendPlainError } from '../http/errors.ts';
import { WRITE, databaseResource } from '../auth/privileges.ts';
import '../auth/hook.ts'; // FastifyRequest.authUser
import { BodyError, TOO_LARGE, effectiveLimit, inflateGzip, isGzip } from './body.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import { receiveTimeNs } from '../../model/receive-clock.ts';
import type { IngressStats } from './ingress.ts';
import type { PointSink } from '../../model/point.ts';
import type { LimitStats } from '../http/limits.ts';
import { overlongLine, overlongLineMessage } from './line-limit.ts';

export interface WriteRouteOptions {
  config: Config;
  sink: PointSink;
  ingress: IngressStats;
  logger: Logger;
  parser?: LineProtocolParser;
  /** receive time in ns (tests pin it) */
  clock?: () => bigint;
  /** per-request counters (the server's ServerCounters.writes, server/ingest/counters.ts) */
  stats: WriteStats;
  /** limit refusals (max-body-size, max-line-size): the server's ServerCounters.limits */
  limits: LimitStats;
}

/**
 * Counters of the write endpoints, one increment per request: responses by status code and body bytes as they
 * arrived on the wire (before gunzip). Points are counted per measurement by IngressStats.
 */
export class WriteStats {
  /** HTTP status code → responses sent */
  readonly responses = new Map<number, number>();
  receivedBytes = 0;

  responded(status: number): void {
    this.responses.set(status, (this.responses.get(status) ?? 0) + 1);
  }

  reset(): void {
    this.responses.clear();
    this.receivedBytes = 0;
  }
}

export const WRITE_PATHS = ['/write', '/kapacitor/v1/write', '/kapacitor/v1preview/write'] as const;

const EMPTY = Buffer.alloc(0);

/** First value of a query parameter (Go's Query().Get). */
function param(q: unknown, name: string): string {
  const v = (q as Record<string, string | string[] | undefined>)[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

export async function writeRoutes(app: FastifyInstance, opts: WriteRouteOptions): Promise<void> {
  const { config, sink, ingress, logger } = opts;
  const parser = opts.parser ?? new LineProtocolParser();
  const clock = opts.clock ?? receiveTimeNs;
  const limit = effectiveLimit(config.http.maxBodySize);
  const { stats, limits } = opts;
  const maxLine = config.http.maxLineSize;

  // Line protocol arrives as text/plain, application/x-www-form-urlencoded (curl -d), octet-stream or nothing:
  // take every body as raw bytes, whatever its content type.
  // Kapacitor never looks at Content-Type, so neither do we: a malformed header (fastify would answer 415) or
  // none at all is normalised before fastify picks a body parser.
  app.addHook('onRequest', (req, _reply, done) => {
    req.headers['content-type'] = 'application/octet-stream';
    done();
  });
  // encapsulated in this plugin: counts the write routes' responses only, including 413s from the body parser
  app.addHook('onResponse', (_req, reply, done) => {
    stats.responded(reply.statusCode);
    done();
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      limits.refused('max-body-size');
      return sendPlainError(reply, 413, TOO_LARGE);
    }
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'write failed');
    return sendPlainError(reply, status, err.message);
  });

  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (Buffer.isBuffer(req.body)) stats.receivedBytes += req.body.length;
    const precision = param(req.query, 'precision');
    if (precisionMultiplier(precision) === undefined) {
      return sendPlainError(reply, 400, `invalid precision ${JSON.stringify(precision)}: use n, ns, u, us, ms, s, m or h`);
    }
    let body = Buffer.isBuffer(req.body) ? req.body : EMPTY;
    if (isGzip(req.headers['content-encoding'])) {
      try {
        body = await inflateGzip(body, limit);
      } catch (err) {
        if (err instanceof BodyError) {
          if (err.status === 413) limits.refused('max-body-size');
          return sendPlainError(reply, err.status, err.message);
        }
        throw err;
      }
    }
    const overlong = overlongLine(body, maxLine);
    if (overlong) {
      limits.refused('max-line-size');
      return sendPlainError(reply, 400, overlongLineMessage(overlong, maxLine));
    }
    const db = param(req.query, 'db');
    const rp = param(req.query, 'rp') || config.defaultRetentionPolicy;
    if (config.http.writeTracing) req.log.info({ db, rp, precision, body: body.toString('utf8') }, 'write body received by handler');
    const { points, errors } = parser.parse(body, { db, rp, precision, now: clock() });
    if (errors.length > 0) return sendPlainError(reply, 400, errors.join('\n'));
    if (db === '') return sendPlainError(reply, 400, 'database is required');
    // with [http] auth-enabled the gate has checked write on /api/write; the database is checked here, after
    // parsing, as Kapacitor does (401, plain text)
    const user = req.authUser;
    if (user !== undefined && user.missingPrivilege(databaseResource(db), WRITE) !== undefined) {
      return sendPlainError(reply, 401, `${JSON.stringify(user.name)} user is not authorized to write to database ${JSON.stringify(db)}`);
    }
    if (points.length > 0) {
      ingress.record(db, rp, points);
      try {
        const stored = sink.writePoints(db, rp, points);
        if (stored !== undefined) await stored;
      } catch (err) {
        logger.error({ err, db, rp, points: points.length }, 'routing written points failed');
        // a sink may say what the client should see (the cluster publisher: 503, retry)
        const status = (err as { statusCode?: unknown }).statusCode;
        return sendPlainError(reply, typeof status === 'number' && status >= 500 && status < 600 ? status : 500, (err as Error).message);
      }
    }
    return reply.code(204).send();
  };

  for (const path of WRITE_PATHS) app.post(path, handler);
}
