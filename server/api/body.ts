/**
 * Request-body handling shared by the task API plugins: raw bodies whatever the Content-Type (Kapacitor's
 * clients do not always send one, and bad JSON must answer `invalid JSON`, not fastify's own error), with a size
 * limit that answers in Kapacitor's error format.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, sendApiError } from './http.ts';

/** Largest request body accepted by the task API (a script at MAX_SCRIPT_BYTES plus JSON escaping). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function useRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) return sendApiError(reply, err.status, err.message);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendApiError(reply, 413, `request body is too large: the limit is ${MAX_BODY_BYTES} bytes`);
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'task API error');
    return sendApiError(reply, status, err.message);
  });
}

/** Query parameter as a list (fastify gives a string for one value, an array for repeats). */
export function queryList(q: unknown): string[] {
  if (q === undefined || q === null) return [];
  return Array.isArray(q) ? q.map(String) : [String(q)];
}

/** Last value of a query parameter (Go's url.Values.Get returns the first; repeats are not meaningful here). */
export function queryOne(q: unknown): string | undefined {
  if (q === undefined || q === null) return undefined;
  return Array.isArray(q) ? (q.length ? String(q[0]) : undefined) : String(q);
}

export function parseIntParam(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v)) throw new ApiError(400, `invalid ${name} parameter ${JSON.stringify(v)}: must be a non-negative integer`);
  return Number(v);
}
