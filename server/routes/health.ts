/**
 * Kubernetes probes. `/livez` answers 200 whenever the event loop does (no dependency checks: a failing
 * dependency must not turn into a restart storm). `/readyz` answers 200 once startup finished (task store open,
 * enabled tasks started) and 503 while starting or shutting down.
 */
import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from '../lifecycle.ts';

const TEXT = 'text/plain; charset=utf-8';

export async function healthRoutes(app: FastifyInstance, opts: { lifecycle: Lifecycle }): Promise<void> {
  app.get('/livez', async (_req, reply) => reply.code(200).header('Content-Type', TEXT).send('ok\n'));
  app.get('/readyz', async (_req, reply) => {
    const state = opts.lifecycle.state;
    if (state === 'ready') return reply.code(200).header('Content-Type', TEXT).send('ok\n');
    return reply.code(503).header('Content-Type', TEXT).send(`not ready: ${state}\n`);
  });
}
