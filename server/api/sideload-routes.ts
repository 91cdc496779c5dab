/**
 * `POST /kapacitor/v1/sideload/reload` (Kapacitor services/sideload): re-reads every sideload source in use (files,
 * http(s) URLs) → 204; a source that cannot be read, fetched or parsed → 500 naming it (it keeps its previous values).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from './http.ts';
import { useRawBodies } from './body.ts';
import { reloadSideloadSources } from '../../nodes/sideload-source.ts';

export async function sideloadRoutes(app: FastifyInstance, opts: { readonly base: string }): Promise<void> {
  useRawBodies(app);
  app.post(`${opts.base}/sideload/reload`, async (_req, reply) => {
    try {
      await reloadSideloadSources();
    } catch (err) {
      throw new ApiError(500, (err as Error).message);
    }
    return reply.code(204).send();
  });
}
