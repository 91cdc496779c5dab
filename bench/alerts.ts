/**
 * Alerting benchmark (npm run bench:alerts): 10^4 alerting groups (host tag) whose level flips between CRITICAL
 * and OK every data second, so every point is an event. The task publishes to a topic with two topic handlers:
 * `log` (one JSON line per event appended to a file) and `post` (HTTP to a local sink on 127.0.0.1, through the
 * per-handler delivery queue). Event states persist to a SQLite store file, as in kapacitord.
 *
 * Reports: stream-side events/s (parse excluded: points are pre-parsed; routing + alert node + topic + store +
 * log handler + enqueueing the post), end-to-end events/s once the HTTP sink got every event, heap per queued
 * event (the post queue at its fullest) and heap per alerting group after the queue drained.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import { setLambdaCompiler } from '../runtime/lambda.ts';
import { builtinNodes } from '../nodes/index.ts';
import { compileLambda, evaluateScript } from '../tickscript/index.ts';
import { AlertService } from '../alerting/service.ts';
import { topicHandlerFactory } from '../alerting/handlers/index.ts';
import { loadConfig } from '../config/load.ts';
import { TaskStore } from '../server/store/store.ts';
import { SqliteAlertStore } from '../server/store/alert-store.ts';
import { LineParser } from '../test/helpers/runtime/line-protocol.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setLambdaCompiler(compileLambda);

const GROUPS = 10_000;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const T0 = 1_478_629_267;
const BATCH = 1000;
const logger = pino({ level: process.env['BENCH_LOG'] ?? 'silent' });
const mb = (b: number): string => (b / 1048576).toFixed(1) + ' MB';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-bench-alerts-'));
  let received = 0;
  const sink = http.createServer((req, res) => { req.resume(); req.on('end', () => { received++; res.writeHead(204).end(); }); });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/alerts`;
  const config = loadConfig({ env: { KAPACITOR_DATA_DIR: dir, KAPACITOR_ALERT_TOPIC_BUFFER_LENGTH: String(GROUPS * SECONDS + 1),
    KAPACITOR_ALERT_DELIVERY_QUEUE_LENGTH: String(GROUPS * SECONDS + 1) } });
  const store = new TaskStore(dir);
  const alertStore = new SqliteAlertStore(store.database);
  const alerts = new AlertService({
    logger, persistence: alertStore,
    factory: topicHandlerFactory({ config, logger, spool: (t, id) => alertStore.deliverySpool(t, id) }),
  });
  alerts.open();
  const logFile = join(dir, 'alerts.log');
  alerts.registerHandlerSpec({ topic: 'bench', id: 'log', kind: 'log', options: { path: logFile }, match: '' });
  alerts.registerHandlerSpec({ topic: 'bench', id: 'sink', kind: 'post', options: { url }, match: '' });
  const tm = new TaskMaster({ nodes: builtinNodes, logger, services: { alerts } });
  tm.startTask('bench', evaluateScript(`stream|from().measurement('cpu').groupBy('host')
    |alert().crit(lambda: "value" > 90).topic('bench')`), [{ db: 'db', rp: 'rp' }]);

  // pre-parsed seconds: value 95 on even seconds (CRITICAL), 10 on odd ones (OK): every point changes its group's level
  const parser = new LineParser();
  const seconds = Array.from({ length: SECONDS }, (_, s) =>
    parser.parse(Array.from({ length: GROUPS }, (_, h) => `cpu,host=h${h} value=${s % 2 === 0 ? 95 : 10} ${T0 + s}`).join('\n'), 'db', 'rp', 's'));
  const events = GROUPS * SECONDS;
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let peakHeap = 0;
  let gcMs = 0; // measuring the peak heap: not counted
  let peakPending = 0;
  let streamMs = 0;
  for (const pts of seconds) {
    // writes of BATCH points, as /write requests arrive: the event loop turns between them (deliveries progress)
    for (let i = 0; i < pts.length; i += BATCH) {
      const w0 = performance.now();
      tm.writePoints('db', 'rp', pts.slice(i, i + BATCH));
      streamMs += performance.now() - w0;
      await new Promise((r) => setImmediate(r));
    }
    const sinkStats = alerts.handlerStats().find((h) => h.id === 'sink')!.stats as { sent: number };
    const inQueue = GROUPS * (seconds.indexOf(pts) + 1) - sinkStats.sent;
    if (inQueue > peakPending) {
      peakPending = inQueue;
      const g0 = performance.now();
      gc();
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      gcMs += performance.now() - g0;
    }
  }
  const sinkStats = (): { sent: number; dropped: number; failed: number; queued: number } =>
    alerts.handlerStats().find((h) => h.id === 'sink')!.stats as { sent: number; dropped: number; failed: number; queued: number };
  while (received < events && sinkStats().dropped + sinkStats().failed + received < events) await new Promise((r) => setTimeout(r, 20));
  const e2eMs = performance.now() - t0 - gcMs;
  gc();
  const heapDrained = process.memoryUsage().heapUsed;
  const logLines = statSync(logFile).size;
  console.log(`alerting: ${GROUPS} groups x ${SECONDS} data seconds = ${events} events (every point a state change), handlers: log file + HTTP post`);
  console.log(`  stream side (route, alert node, topic, SQLite state, log write, post enqueue): ${(events / streamMs * 1000).toFixed(0)} events/s ` +
    `(${(streamMs * 1e6 / events / 1000).toFixed(1)} µs/event)`);
  console.log(`  end to end (sink received all ${received}): ${(events / e2eMs * 1000).toFixed(0)} events/s; post dropped ${sinkStats().dropped}, ` +
    `failed ${sinkStats().failed}, durable-queued ${sinkStats().queued}; log file ${mb(logLines)}`);
  console.log(`  heap: per queued event ${((peakHeap - heapDrained) / Math.max(1, peakPending)).toFixed(0)} B (peak ${peakPending} waiting for the sink, ` +
    `heap ${mb(peakHeap)}); per alerting group after drain ${((heapDrained - heap0) / GROUPS).toFixed(0)} B`);
  tm.stopAll();
  alerts.close();
  store.close();
  sink.closeAllConnections();
  sink.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
