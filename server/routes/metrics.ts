/**
 * `GET /metrics`: Prometheus text exposition (format 0.0.4) of the process metrics and tickstream's own
 * (server/metrics/, docs/metrics.md). Kapacitor's expvar JSON stays at /kapacitor/v1/debug/vars.
 */
import type { FastifyInstance } from 'fastify';
import type { TickstreamMetrics } from '../metrics/tickstream.ts';

export async function metricsRoutes(app: FastifyInstance, opts: { metrics: TickstreamMetrics }): Promise<void> {
  const { metrics } = opts;
  app.get('/metrics', async (_req, reply) => reply.code(200).header('Content-Type', metrics.contentType).send(await metrics.render()));
}
