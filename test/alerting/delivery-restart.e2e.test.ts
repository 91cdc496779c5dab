// At-least-once delivery across a crash (issue 15): the alerta endpoint is down when the alert fires, kapacitord is
// killed with SIGKILL while the delivery waits in its durable queue, the endpoint comes up, kapacitord restarts and
// delivers the event — the exact request it would have sent the first time (body hand-derived from
// services/alerta/service.go: json.Encoder, keys sorted, newline). After delivery the queue is empty on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { kapacitor, startServer, write } from '../cli/processes.ts';
import { until, untilValue } from '../helpers/until.ts';

interface Req { method: string; url: string; auth: string | undefined; body: string }

async function queued(url: string): Promise<Record<string, number> | undefined> {
  const vars = await (await fetch(`${url}/kapacitor/v1/debug/vars`)).json() as { kapacitor: Record<string, { name: string; values: Record<string, number> }> };
  return Object.values(vars.kapacitor).find((s) => s.name === 'alert_handlers')?.values;
}

test('kill -9 while a delivery waits for a down endpoint: after the restart it is delivered exactly once, unchanged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-delivery-restart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // a port nobody listens on yet: the endpoint is down (connection refused)
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const env = {
    KAPACITOR_ALERTA_ENABLED: 'true', KAPACITOR_ALERTA_URL: `http://127.0.0.1:${port}/api`, KAPACITOR_ALERTA_TOKEN: 'tok',
    KAPACITOR_ALERTA_ENVIRONMENT: 'prod',
  };
  let srv = await startServer(dir, env);
  t.after(() => srv.stop());
  writeFileSync(join(dir, 'alerta.yaml'), 'topic: ops\nid: alerta\nkind: alerta\noptions:\n  origin: kap\n');
  assert.equal((await kapacitor(srv.url, 'define-topic-handler', join(dir, 'alerta.yaml'))).code, 0);
  const tick = join(dir, 'cpu.tick');
  writeFileSync(tick, "stream\n    |from()\n        .measurement('cpu')\n        .groupBy('host')\n    |alert()\n        .crit(lambda: \"value\" > 90)\n        .topic('ops')\n");
  assert.equal((await kapacitor(srv.url, 'define', 'cpu_alert', '-tick', tick, '-dbrp', 'telegraf.autogen')).code, 0);
  assert.equal((await kapacitor(srv.url, 'enable', 'cpu_alert')).code, 0);
  assert.equal(await write(srv.url, 'telegraf', 'autogen', 'cpu,host=a value=95 1478629267\n'), 204);
  // the first attempt was refused: the event is in the durable queue before any retry
  const before = await untilValue('the event in the durable queue', async () => {
    const v = await queued(srv.url);
    return v && v['queued'] === 1 ? v : undefined;
  });
  assert.equal(before['sent'], 0);

  await srv.stop('SIGKILL');

  const reqs: Req[] = [];
  const endpoint = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { reqs.push({ method: req.method!, url: req.url!, auth: req.headers['authorization'], body }); res.writeHead(201).end('{"status":"ok"}'); });
  });
  await new Promise<void>((r) => endpoint.listen(port, '127.0.0.1', r));
  t.after(() => { endpoint.closeAllConnections(); endpoint.close(); });

  srv = await startServer(dir, env);
  await until('the pending delivery retried after the restart', () => reqs.length >= 1);
  await until('counted as sent', async () => (await queued(srv.url))?.['sent'] === 1);
  assert.equal(reqs.length, 1);
  const r = reqs[0]!;
  assert.deepEqual([r.method, r.url, r.auth], ['POST', '/api/alert', 'Bearer tok']);
  // row of the stream point: name, group tags, columns time + fields, value 95 (float); defaults resource {{ .Name }},
  // event {{ .ID }} = cpu:host=a, group host=a, service/correlate [cpu], timeout 24h = 86400 s
  const row = '{"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["2016-11-08T18:21:07Z",95]]}';
  assert.equal(r.body, `{"correlate":["cpu"],"environment":"prod","event":"cpu:host=a","group":"host=a","origin":"kap","rawData":{"series":[${row}]},` +
    '"resource":"cpu","service":["cpu"],"severity":"critical","tags":["host=a"],"text":"cpu:host=a is CRITICAL","timeout":86400,"value":""}\n');

  // the same counters in /metrics
  const metrics = await (await fetch(`${srv.url}/metrics`)).text();
  const sample = (result: string): number | undefined => {
    const m = new RegExp(`^tickstream_alert_handler_events_total\\{([^}]*)\\} (\\d+)$`, 'gm');
    for (const x of metrics.matchAll(m)) if (x[1]!.includes(`result="${result}"`) && x[1]!.includes('handler="alerta"')) return Number(x[2]);
    return undefined;
  };
  assert.deepEqual([sample('sent'), sample('queued'), sample('dropped')], [1, 0, 0], 'counters restart with the process; sent 1 after the retry');

  await srv.stop('SIGTERM');
  const db = new Database(join(dir, 'tickstream.db'), { readonly: true });
  try {
    assert.equal((db.prepare('SELECT count(*) AS n FROM alert_deliveries').get() as { n: number }).n, 0, 'delivered: nothing left to retry');
  } finally {
    db.close();
  }
});
