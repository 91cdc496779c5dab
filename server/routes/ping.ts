/** `GET|HEAD /kapacitor/v1/ping` → 204, empty body (SPEC 5.2); also under /kapacitor/v1preview. */
import type { FastifyInstance } from 'fastify';

export async function pingRoutes(app: FastifyInstance): Promise<void> {
  for (const base of ['/kapacitor/v1', '/kapacitor/v1preview']) {
    // fastify answers HEAD for every GET route (exposeHeadRoutes)
    app.get(`${base}/ping`, async (_req, reply) => reply.code(204).send());
  }
}
