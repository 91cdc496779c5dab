/**
 * SPEC 5.4 "Other": `POST /kapacitor/v1/loglevel {"level": "debug|info|warn|error"}` → 204; changes the server's
 * log level at run time (`kapacitor level debug`).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError, checkFields, optString, parseJsonObject } from './http.ts';
import { useRawBodies } from './body.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export interface LogLevelOptions {
  readonly base: string;
  /** the server's logger (pino: setting `level` takes effect for it and its children) */
  readonly logger: { level: string };
}

export async function logLevelRoutes(app: FastifyInstance, opts: LogLevelOptions): Promise<void> {
  useRawBodies(app);
  app.post(`${opts.base}/loglevel`, async (req, reply) => {
    const body = parseJsonObject(req.body);
    checkFields(body, ['level'], 'loglevel request');
    const level = optString(body, 'level')?.toLowerCase();
    if (level === undefined || !(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new ApiError(400, `invalid log level ${JSON.stringify(body['level'] ?? '')}: want one of ${LOG_LEVELS.join(', ')}`);
    }
    opts.logger.level = level;
    return reply.code(204).send();
  });
}
