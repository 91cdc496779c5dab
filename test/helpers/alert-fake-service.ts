/** A local fake of an alert handler's HTTP service and one delivery through a handler, for test/alerting/*handlers*. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertEvent } from '../../alerting/event.ts';
import type { DeliveryOptions } from '../../alerting/delivery.ts';
import { createHandler, handlerDeps } from '../../alerting/handlers/index.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';

export interface Req { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

/** Records requests, answers with `answer(n)` (status, body) for the n-th request, or never ('hang'). */
export async function fakeService(t: { after(fn: () => unknown): void }, answer: (n: number) => [number, string] | 'hang' = () => [200, '']) {
  const reqs: Req[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      reqs.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const a = answer(reqs.length);
      if (a === 'hang') return;
      res.writeHead(a[0]).end(a[1]);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => { srv.closeAllConnections(); srv.close(); });
  return { reqs, url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` };
}

/** One event through a handler of `kind` built from `options` and a config from `env`; its stats once idle. */
export async function deliverOnce(kind: string, options: Record<string, unknown>, env: Record<string, string>, ev: AlertEvent, fast: DeliveryOptions) {
  const h = createHandler(kind, options, handlerDeps(testConfig(env)), silentLogger(), fast);
  h.handle(ev);
  await h.whenIdle!();
  h.close();
  return h.stats;
}
