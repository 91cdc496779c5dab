// GET /metrics (ECOSYSTEM 3.4, docs/metrics.md): Prometheus text over the real services (task store, TaskMaster,
// /write) through fastify inject(). Expected values are derived from what each test writes and from the node
// semantics in SPEC 3.x/4.2/7.2, never read back from the program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../../server/app.ts';
import { createServices } from '../../server/services.ts';
import { Lifecycle } from '../../server/lifecycle.ts';
import { silentLogger } from '../../server/logger.ts';
import type { IngressStats } from '../../server/ingest/ingress.ts';
import { WriteStats } from '../../server/ingest/write-route.ts';
import { newServerCounters } from '../../server/ingest/counters.ts';
import { TickstreamMetrics, counterFamilyName } from '../../server/metrics/tickstream.ts';
import { metricsRoutes } from '../../server/routes/metrics.ts';
import type { RunningTaskStats } from '../../server/metrics/snapshot.ts';
import { startKubeApi } from '../../fixtures/kube-api/server.ts';
import { tempDir, testApp, testConfig } from './helpers.ts';

type TestContext = { after(fn: () => unknown): void };

/** The real services behind a real app, on a fresh data dir, counting into fresh counters (as startDaemon wires them). */
async function server(t: TestContext, env: Record<string, string> = {}) {
  const dir = tempDir('tickstream-metrics-');
  const config = testConfig({ KAPACITOR_DATA_DIR: dir.path, ...env });
  const logger = silentLogger();
  const lifecycle = new Lifecycle();
  const counters = newServerCounters();
  const services = await createServices({ config, logger, lifecycle, counters });
  const app = buildApp({
    config, logger, sink: services.sink, plugins: services.plugins, lifecycle, ingress: counters.ingress, writes: counters.writes,
  });
  t.after(async () => {
    await app.close();
    await services.close();
    await lifecycle.runCloseHooks(logger);
    dir.remove();
  });
  return app;
}

interface Scrape {
  /** `name{labels}` exactly as exposed → value */
  samples: Map<string, number>;
  /** family name → TYPE */
  types: Map<string, string>;
}

// Prometheus text format 0.0.4: `# HELP name text`, `# TYPE name type`, samples `name{l="v",...} value`. Values are
// read as Prometheus does (Go strconv.ParseFloat: nan/inf in any case; prom-client writes an empty
// event-loop-lag histogram's mean as `Nan`).
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.]+(?:e[+-]?[0-9]+)?|(?:nan|[+-]?inf))$/i;
const TYPE = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/;
const HELP = /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/;

/** Parses the exposition strictly: every line is a HELP, a TYPE or a sample of a family TYPEd before it. */
function parse(body: string): Scrape {
  assert.ok(body.endsWith('\n'), 'exposition ends with a newline');
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of body.split('\n')) {
    if (line === '') continue;
    const ty = TYPE.exec(line);
    if (ty) {
      assert.ok(!types.has(ty[1]!), `family ${ty[1]} declared twice`);
      types.set(ty[1]!, ty[2]!);
      continue;
    }
    if (HELP.test(line)) continue;
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a valid sample line: ${JSON.stringify(line)}`);
    const name = m[1]!;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(family), `sample ${name} before its # TYPE line`);
    const key = `${name}${m[2] ?? ''}`;
    assert.ok(!samples.has(key), `duplicate series ${key}`);
    samples.set(key, Number(m[3]));
  }
  return { samples, types };
}

async function scrape(app: { inject: (o: { url: string }) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> }): Promise<Scrape> {
  const res = await app.inject({ url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return parse(res.body);
}

/** Samples of one family (name or name{...}). */
function family(s: Scrape, name: string): string[] {
  return [...s.samples.keys()].filter((k) => k === name || k.startsWith(`${name}{`));
}

test('/metrics with no tasks: process metrics, task gauges at 0, no task or node series', async (t) => {
  const app = await server(t);
  const s = await scrape(app);
  // Node's usual default metric names (prom-client collectDefaultMetrics, no prefix)
  assert.equal(s.types.get('process_cpu_user_seconds_total'), 'counter');
  assert.equal(s.types.get('nodejs_heap_size_used_bytes'), 'gauge');
  assert.ok((s.samples.get('process_resident_memory_bytes') ?? 0) > 0);
  assert.equal(s.samples.get('tickstream_tasks{status="enabled"}'), 0);
  assert.equal(s.samples.get('tickstream_tasks{status="disabled"}'), 0);
  assert.equal(s.samples.get('tickstream_tasks_executing'), 0);
  assert.equal(s.samples.get('tickstream_write_received_bytes_total'), 0);
  for (const f of ['tickstream_points_received_total', 'tickstream_write_requests_total', 'tickstream_task_throughput_points_per_second',
    'tickstream_node_collected_total', 'tickstream_node_emitted_total', 'tickstream_node_errors_total',
    'tickstream_node_working_cardinality', 'tickstream_node_avg_exec_time_seconds']) {
    assert.deepEqual(family(s, f), [], f);
  }
  assert.equal(s.types.get('tickstream_node_collected_total'), 'counter');
  assert.equal(s.types.get('tickstream_node_working_cardinality'), 'gauge');
  assert.equal(family(s, 'tickstream_build_info').length, 1);
  // HEAD and a second scrape work too (collectors reset instead of accumulating)
  assert.equal((await app.inject({ method: 'HEAD', url: '/metrics' })).statusCode, 200);
  assert.deepEqual((await scrape(app)).samples.get('tickstream_tasks_executing'), 0);
});

const SCRIPT = `stream
    |from()
        .measurement('cpu')
        .where(lambda: "v" > 1.0)
        .groupBy('host')
    |derivative('v')
        .unit(1s)
    |httpOut('d')
`;

test('a task defined and enabled through the API: ingress, write requests, task and node series from what was written', async (t) => {
  const app = await server(t);
  const created = await app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', payload: {
    id: 'cpu_rate', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: SCRIPT, status: 'enabled' } });
  assert.equal(created.statusCode, 200, created.body);
  const idle = await app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', payload: {
    id: 'idle', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script: "stream\n    |from()\n        .measurement('x')\n", status: 'disabled' } });
  assert.equal(idle.statusCode, 200, idle.body);

  const writes = [
    // 4 cpu points; the where() drops v=1 → from1 emits 3: a@2 (v=2), b@3 (v=4), a@4 (v=5)
    { url: '/write?db=telegraf&rp=autogen&precision=s', body: 'cpu,host=a v=1 1\ncpu,host=a v=2 2\ncpu,host=b v=4 3\ncpu,host=a v=5 4\n', status: 204 },
    // another database: counted by ingress, routed to no task
    { url: '/kapacitor/v1/write?db=other&rp=autogen&precision=s', body: 'mem used=7i 1\n', status: 204 },
    { url: '/write?db=telegraf&rp=autogen', body: 'cpu v= 1\n', status: 400 }, // bad line: nothing routed (Appendix C)
    { url: '/write?rp=autogen', body: 'cpu v=1 1\n', status: 400 }, // database is required (SPEC 9 item 10)
  ];
  for (const w of writes) {
    const res = await app.inject({ method: 'POST', url: w.url, payload: w.body });
    assert.equal(res.statusCode, w.status, res.body);
  }
  const s = await scrape(app);

  assert.equal(s.samples.get('tickstream_points_received_total{database="telegraf",retention_policy="autogen",measurement="cpu"}'), 4);
  assert.equal(s.samples.get('tickstream_points_received_total{database="other",retention_policy="autogen",measurement="mem"}'), 1);
  assert.equal(family(s, 'tickstream_points_received_total').length, 2);
  assert.equal(s.samples.get('tickstream_write_requests_total{code="204"}'), 2);
  assert.equal(s.samples.get('tickstream_write_requests_total{code="400"}'), 2);
  assert.equal(s.samples.get('tickstream_write_received_bytes_total'), writes.reduce((n, w) => n + Buffer.byteLength(w.body), 0));

  assert.equal(s.samples.get('tickstream_tasks{status="enabled"}'), 1);
  assert.equal(s.samples.get('tickstream_tasks{status="disabled"}'), 1);
  assert.equal(s.samples.get('tickstream_tasks_executing'), 1);
  // sampled every second from task start: at most what the source collected so far
  const tp = s.samples.get('tickstream_task_throughput_points_per_second{task="cpu_rate"}');
  assert.ok(tp !== undefined && tp >= 0 && tp <= 4, `throughput ${tp}`);
  assert.deepEqual(family(s, 'tickstream_task_throughput_points_per_second'), ['tickstream_task_throughput_points_per_second{task="cpu_rate"}']);

  const node = (f: string, n: string, kind: string): number | undefined => s.samples.get(`${f}{task="cpu_rate",node="${n}",kind="${kind}"}`);
  // SPEC 7.2: collected = what the input edges delivered, emitted = what went into the output edges
  assert.equal(node('tickstream_node_collected_total', 'stream0', 'stream'), 4);
  assert.equal(node('tickstream_node_emitted_total', 'stream0', 'stream'), 4);
  assert.equal(node('tickstream_node_collected_total', 'from1', 'from'), 4);
  assert.equal(node('tickstream_node_emitted_total', 'from1', 'from'), 3);
  // SPEC 3.8: the first point of each group (a@2, b@3) only primes it; a@4 emits (5-2)/2s
  assert.equal(node('tickstream_node_collected_total', 'derivative2', 'derivative'), 3);
  assert.equal(node('tickstream_node_emitted_total', 'derivative2', 'derivative'), 1);
  assert.equal(node('tickstream_node_collected_total', 'http_out3', 'http_out'), 1);
  assert.equal(node('tickstream_node_emitted_total', 'http_out3', 'http_out'), 0);
  // SPEC 7.2: working_cardinality is the number of groups a grouped node keeps: derivative has a and b; from has none
  assert.equal(node('tickstream_node_working_cardinality', 'derivative2', 'derivative'), 2);
  assert.equal(node('tickstream_node_working_cardinality', 'from1', 'from'), 0);
  for (const [n, k] of [['stream0', 'stream'], ['from1', 'from'], ['derivative2', 'derivative'], ['http_out3', 'http_out']]) {
    assert.equal(node('tickstream_node_errors_total', n!, k!), 0);
    const avg = node('tickstream_node_avg_exec_time_seconds', n!, k!);
    assert.ok(avg !== undefined && avg >= 0 && avg < 1, `${n} avg_exec_time ${avg}`);
  }
  assert.equal(family(s, 'tickstream_node_collected_total').length, 4, 'only the running task has node series');

  // disabling the task removes its series and the executing count
  const off = await app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/cpu_rate', payload: { status: 'disabled' } });
  assert.equal(off.statusCode, 200);
  const after = await scrape(app);
  assert.equal(after.samples.get('tickstream_tasks_executing'), 0);
  assert.equal(after.samples.get('tickstream_tasks{status="disabled"}'), 2);
  assert.deepEqual(family(after, 'tickstream_node_collected_total'), []);
  assert.deepEqual(family(after, 'tickstream_task_throughput_points_per_second'), []);
  // ingress counts are kept per server, not per task
  assert.equal(after.samples.get('tickstream_points_received_total{database="telegraf",retention_policy="autogen",measurement="cpu"}'), 4);
});

test('k8sAutoscale node counters: increase_events, decrease_events, cooldown_drops as named families', async (t) => {
  const kube = await startKubeApi();
  t.after(() => kube.close());
  kube.state.seed({ kind: 'deployments', name: 'app', replicas: 1 });
  const app = await server(t, { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: kube.url });
  const script = `stream
    |from()
        .measurement('scale')
    |k8sAutoscale()
        .resourceName('app')
        .increaseCooldown(1m)
        .replicas(lambda: int("want"))
`;
  const created = await app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', payload: {
    id: 'scaler', type: 'stream', dbrps: [{ db: 'k8s', rp: 'autogen' }], script, status: 'enabled' } });
  assert.equal(created.statusCode, 200, created.body);
  assert.equal(created.json().error, '');
  // SPEC 4.2 from replicas 1: t=100 want 3 → increase 1→3; t=110 want 5 is within the 1m increase cooldown →
  // cooldown_drops; t=120 want 2 → the first decrease is never blocked, 3→2.
  const w = await app.inject({ method: 'POST', url: '/write?db=k8s&rp=autogen&precision=s', payload: 'scale want=3i 100\nscale want=5i 110\nscale want=2i 120\n' });
  assert.equal(w.statusCode, 204);

  const series = (f: string): string => `${f}{task="scaler",node="k8s_autoscale2",kind="k8s_autoscale"}`;
  // the Kubernetes calls are asynchronous: scrape until both scale events are counted (bounded)
  let s = await scrape(app);
  const deadline = Date.now() + 5000;
  while ((s.samples.get(series('tickstream_node_increase_events_total')) ?? 0) + (s.samples.get(series('tickstream_node_decrease_events_total')) ?? 0) < 2
    && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    s = await scrape(app);
  }
  assert.equal(s.types.get('tickstream_node_increase_events_total'), 'counter');
  assert.equal(s.samples.get(series('tickstream_node_increase_events_total')), 1);
  assert.equal(s.samples.get(series('tickstream_node_decrease_events_total')), 1);
  assert.equal(s.samples.get(series('tickstream_node_cooldown_drops_total')), 1);
  assert.equal(s.samples.get(series('tickstream_node_errors_total')), 0);
  assert.equal(s.samples.get(series('tickstream_node_collected_total')), 3);
  // the scale writes the cluster saw agree (the actuator applies them after the decisions, in order)
  while (kube.state.get('deployments', 'default', 'app')!.replicas !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(kube.state.scaleWrites().filter((r) => r.status === 200).map((r) => JSON.parse(r.body).spec.replicas), [3, 2]);
  // node-specific families hold only the nodes that have that counter
  assert.deepEqual(family(s, 'tickstream_node_increase_events_total'), [series('tickstream_node_increase_events_total')]);
  // autoscale families (docs/metrics.md): decided replicas per resource, decisions by reason, API events
  const res = 'task="scaler",node="k8s_autoscale2",resource="default/deployments/app"';
  // the fake cluster holds 2 before the actuator has read the answer: scrape until the applied gauge follows (bounded)
  s = await scrape(app);
  while (s.samples.get(`tickstream_autoscale_applied_replicas{${res}}`) !== 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    s = await scrape(app);
  }
  assert.equal(s.samples.get(`tickstream_autoscale_desired_replicas{${res}}`), 2);
  assert.equal(s.samples.get(`tickstream_autoscale_applied_replicas{${res}}`), 2);
  const reason = (r: string): number | undefined => s.samples.get(`tickstream_autoscale_decisions_total{task="scaler",node="k8s_autoscale2",reason="${r}"}`);
  assert.deepEqual([reason('scaled'), reason('cooldown'), reason('unchanged'), reason('error')], [2, 1, 0, 0]);
  assert.equal(s.samples.get('tickstream_autoscale_events_total{task="scaler",node="k8s_autoscale2",event="actuation_applied"}'), 2);
  assert.equal(s.types.get('tickstream_autoscale_decisions_total'), 'counter');
});

/** A running task double with fixed stats (the shape of runtime/task.ts Task.stats()). */
function fakeTask(nodeStats: Record<string, Record<string, number>>, error = ''): RunningTaskStats {
  return { error, stats: () => ({ 'task-stats': { throughput: 7 }, 'node-stats': nodeStats }) };
}

test('two apps in one process have separate registries; a failed task is not executing and has no node series', async (t) => {
  const make = (tasks: Record<string, { status: string; running?: RunningTaskStats }>) => {
    // each app's /metrics reads that app's own ingress statistics (testApp gives every app a fresh IngressStats)
    let ingress: IngressStats | undefined;
    const metrics = new TickstreamMetrics({
      ingress: { snapshot: () => ingress!.snapshot() }, writes: new WriteStats(), version: 'test',
      tasks: { listTasks: () => Object.entries(tasks).map(([id, v]) => ({ id, status: v.status })), getTask: (id) => tasks[id]?.running },
    });
    const built = testApp({ plugins: [async (app) => { await app.register(metricsRoutes, { metrics }); }] });
    ingress = built.ingress;
    t.after(() => built.app.close());
    return { metrics, app: built.app };
  };
  const a = make({
    ok: { status: 'enabled', running: fakeTask({ stream0: { avg_exec_time_ns: 1500, collected: 5, emitted: 5, errors: 0, working_cardinality: 0 },
      alert1: { alerts_triggered: 2, avg_exec_time_ns: 2_000_000, collected: 5, crits_triggered: 1, emitted: 0, errors: 1, working_cardinality: 3 } }) },
    dead: { status: 'enabled', running: fakeTask({ stream0: { collected: 9 } }, 'boom') },
    off: { status: 'disabled' },
  });
  const b = make({});
  const appA = a.app;
  const appB = b.app;
  assert.equal((await appA.inject({ method: 'POST', url: '/write?db=d&rp=r', payload: 'm v=1 1\nm v=2 2\n' })).statusCode, 204);

  const sa = await scrape(appA);
  const sb = await scrape(appB);
  assert.equal(sa.samples.get('tickstream_points_received_total{database="d",retention_policy="r",measurement="m"}'), 2);
  assert.deepEqual(family(sb, 'tickstream_points_received_total'), []);
  assert.equal(sa.samples.get('tickstream_tasks{status="enabled"}'), 2);
  assert.equal(sa.samples.get('tickstream_tasks{status="disabled"}'), 1);
  assert.equal(sa.samples.get('tickstream_tasks_executing'), 1);
  assert.equal(sb.samples.get('tickstream_tasks_executing'), 0);
  assert.equal(sa.samples.get('tickstream_task_throughput_points_per_second{task="ok"}'), 7);
  assert.deepEqual(family(sa, 'tickstream_task_throughput_points_per_second'), ['tickstream_task_throughput_points_per_second{task="ok"}']);
  assert.equal(sa.samples.get('tickstream_node_avg_exec_time_seconds{task="ok",node="alert1",kind="alert"}'), 0.002);
  assert.equal(sa.samples.get('tickstream_node_avg_exec_time_seconds{task="ok",node="stream0",kind="stream"}'), 0.0000015);
  assert.equal(sa.samples.get('tickstream_node_errors_total{task="ok",node="alert1",kind="alert"}'), 1);
  assert.equal(sa.samples.get('tickstream_node_working_cardinality{task="ok",node="alert1",kind="alert"}'), 3);
  assert.equal(sa.samples.get('tickstream_node_alerts_triggered_total{task="ok",node="alert1",kind="alert"}'), 2);
  assert.equal(sa.samples.get('tickstream_node_crits_triggered_total{task="ok",node="alert1",kind="alert"}'), 1);
  assert.deepEqual(family(sa, 'tickstream_node_collected_total').sort(),
    ['tickstream_node_collected_total{task="ok",node="alert1",kind="alert"}', 'tickstream_node_collected_total{task="ok",node="stream0",kind="stream"}']);
  // b never saw an alert node: its registry has no such family
  assert.equal(sb.types.get('tickstream_node_alerts_triggered_total'), undefined);
  assert.equal(a.metrics.registry === b.metrics.registry, false);
});

test('counter family names: Prometheus-safe', () => {
  assert.equal(counterFamilyName('increase_events'), 'tickstream_node_increase_events_total');
  assert.equal(counterFamilyName('posts-dropped.x'), 'tickstream_node_posts_dropped_x_total');
});

test('write requests: a 413 over [http] max-body-size is counted by code; gzip bodies count their compressed bytes', async (t) => {
  const writes = new WriteStats();
  const { app, ingress } = testApp({ env: { KAPACITOR_HTTP_MAX_BODY_SIZE: '64' }, writes, plugins: [async (a) => {
    await a.register(metricsRoutes, { metrics: new TickstreamMetrics({
      ingress: { snapshot: () => ingress.snapshot() }, writes, version: 'test', processMetrics: false,
      tasks: { listTasks: () => [], getTask: () => undefined },
    }) });
  }] });
  t.after(() => app.close());
  const big = 'm v=1 1\n'.repeat(20); // 160 bytes > 64
  assert.equal((await app.inject({ method: 'POST', url: '/write?db=d', payload: big })).statusCode, 413);
  const gz = gzipSync(big);
  assert.ok(gz.length < 64);
  assert.equal((await app.inject({ method: 'POST', url: '/write?db=d', payload: gz, headers: { 'content-encoding': 'gzip' } })).statusCode, 413,
    'inflated body over the limit'); // the limit also bounds the inflated body (server/ingest/body.ts inflateGzip)
  const small = gzipSync('m v=1 1\nm v=2 2\n');
  assert.equal((await app.inject({ method: 'POST', url: '/write?db=d', payload: small, headers: { 'content-encoding': 'gzip' } })).statusCode, 204);
  const s = await scrape(app);
  assert.equal(s.samples.get('tickstream_write_requests_total{code="413"}'), 2);
  assert.equal(s.samples.get('tickstream_write_requests_total{code="204"}'), 1);
  // the rejected 160-byte body was never read; the two gzip bodies were, as sent
  assert.equal(s.samples.get('tickstream_write_received_bytes_total'), gz.length + small.length);
  assert.equal(s.samples.get('tickstream_points_received_total{database="d",retention_policy="",measurement="m"}'), 2);
  // processMetrics: false leaves only tickstream's families
  assert.deepEqual([...s.types.keys()].filter((k) => !k.startsWith('tickstream_')), []);
});
