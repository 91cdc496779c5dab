/**
 * `POST /kapacitor/v1/subscriptions` (Kapacitor services/influxdb handleSubscriptions): sync the InfluxDB
 * subscriptions of every cluster now; 204, or 500 `failed to link subscriptions: <error>`.
 */
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/errors.ts';
import { API_BASES } from './index.ts';

export interface SubscriptionsRouteOptions {
  /** resolves with the error messages of the clusters that failed */
  readonly relink: () => Promise<string[]>;
}

export async function subscriptionsRoutes(app: FastifyInstance, opts: SubscriptionsRouteOptions): Promise<void> {
  for (const base of API_BASES) {
    app.post(`${base}/subscriptions`, async (_req, reply) => {
      const errs = await opts.relink();
      if (errs.length > 0) return sendError(reply, 500, `failed to link subscriptions: ${errs.join('; ')}`);
      return reply.code(204).send();
    });
  }
}
