/**
 * The autoscale engine at scale (issue "decisions in data time"): 10^4 resources, the Kubernetes API answering in
 * 50 ms (kube-api in a child process), 2·10^6 points through `from().groupBy('app') |k8sAutoscale()`.
 * Reports decisions per second on the write path (points decided synchronously, no API wait), memory per
 * resource, and the time from a decision to the cluster holding it (actuation latency, coalesced per resource).
 *
 *   npm run bench:autoscale [-- --resources 10000 --points 2000000 --delay-ms 50]
 */
import pino from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import { makePoint } from '../model/build.ts';
import { makeDimensions, groupId, type Point } from '../model/point.ts';
import { setLambdaCompiler } from '../runtime/lambda.ts';
import { compileLambda, evaluateScript } from '../tickscript/index.ts';
import { KubernetesClients, defaultKubernetesSection } from '../kube/index.ts';
import type { AutoscaleView } from '../autoscale/view.ts';
import { control, startApiProcess } from './support/kube-api-process.ts';
import { numberOption } from './support/args.ts';
import { builtinNodes } from '../nodes/index.ts';

const N = numberOption('resources', 10_000);
const POINTS = numberOption('points', 2_000_000);
const DELAY = numberOption('delay-ms', 50);
const BATCH = 5000;
const S = 1_000_000_000n;

const dims = makeDimensions(['app'], false);
const names = Array.from({ length: N }, (_, i) => `app-${i}`);
const tagsOf = names.map((app) => ({ app }));
const groups = names.map((_, i) => groupId('load', tagsOf[i]!, dims));

/** Point k: resource k mod N at second floor(k / N); wanted replicas follow a slow wave per resource. */
function point(k: number): Point {
  const r = k % N;
  const sec = Math.floor(k / N);
  const want = 1n + BigInt(((sec >> 2) + r) % 8);
  return makePoint('load', 'bench', 'autogen', tagsOf[r]!, { want }, BigInt(1_000_000 + sec) * S, dims, groups[r]!);
}

const api = await startApiProcess(DELAY);
try {
  await control(api.url, 'POST', '/_test/objects', names.map((name) => ({ kind: 'deployments', name, replicas: 1 })));
  setLambdaCompiler(compileLambda);
  const tm = new TaskMaster({ nodes: builtinNodes, logger: pino({ level: 'silent' }), services: {
    kubernetes: new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true, 'api-servers': [api.url] }], { env: {}, timeoutMs: 30_000 }),
    autoscaleLimits: { ringSize: 10_000 },
  } });
  const task = tm.startTask('bench', evaluateScript(`stream|from().measurement('load').groupBy('app')
    |k8sAutoscale().resourceNameTag('app').increaseCooldown(10s).decreaseCooldown(20s).replicas(lambda: "want")`), [{ db: 'bench', rp: 'autogen' }]);
  const node = task.autoscalers()[0] as AutoscaleView & { whenIdle(): Promise<void> };
  console.log(`autoscale engine: ${N} resources, ${POINTS} points in ${BATCH}-point writes, API latency ${DELAY} ms (child process), client concurrency 32`);

  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  // first sight of every resource: the one wait (initial reads), then everything is decided at once
  let t0 = performance.now();
  const warm: Point[] = [];
  for (let k = 0; k < N; k++) warm.push(point(k));
  tm.writePoints('bench', 'autogen', warm);
  await node.whenIdle();
  console.log(`  first reads of ${N} resources: ${(performance.now() - t0).toFixed(0)} ms`);
  global.gc?.();
  const perResource = (process.memoryUsage().heapUsed - heap0) / N;

  // the write path: decide POINTS points, never waiting for the API
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  let writeMs = 0;
  for (let k = N; k < N + POINTS; k += BATCH) {
    const batch: Point[] = [];
    for (let j = k; j < Math.min(k + BATCH, N + POINTS); j++) batch.push(point(j));
    const w = performance.now();
    tm.writePoints('bench', 'autogen', batch);
    writeMs += performance.now() - w;
    if ((k / BATCH) % 20 === 0) await new Promise((r) => setImmediate(r)); // let API answers in, as a server would
  }
  const decidedAt = Date.now();
  const cpu = process.cpuUsage(cpu0);
  const c = node.autoscaleCounters;
  console.log(`  decisions: ${POINTS} points in ${writeMs.toFixed(0)} ms of write calls → ${(POINTS / writeMs * 1000 / 1e6).toFixed(2)} M decisions/s`
    + ` (process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)`);
  console.log(`  reasons: ${[...c.reasons].filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ')}`);
  await node.whenIdle();
  const converged = Date.now() - decidedAt;
  // actuation latency of the last change of each resource: from the end of the writes to the apply
  const lat: number[] = [];
  for (const r of node.decisions({ reasons: new Set(['scaled']), limit: 10_000 })) {
    if (r.actuation?.at !== undefined && r.actuation.status === 'applied') lat.push(Math.max(0, r.actuation.at - decidedAt));
  }
  lat.sort((a, b) => a - b);
  const p = (q: number): string => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!.toFixed(0) : '-');
  console.log(`  actuation: converged ${converged} ms after the last write; ${c.actuationsApplied} API writes for ${c.increases + c.decreases} decided changes (coalesced);`
    + ` last changes applied p50 ${p(0.5)} ms, p99 ${p(0.99)} ms after the writes`);
  console.log(`  memory: ${perResource.toFixed(0)} bytes per resource (heap after the first reads, incl. engine, actuator and group state; ring of 10,000 records separate)`);
  const objs: { name: string; replicas: number }[] = await control(api.url, 'GET', '/_test/objects');
  let ok = 0;
  const decided = new Map([...node.autoscaleResources()].map((r) => [r.key.split('/')[2]!, r.decided]));
  for (const o of objs) if (decided.get(o.name) === o.replicas) ok++;
  console.log(`  cluster matches the decided counts for ${ok}/${N} resources`);
  tm.stopAll();
} finally {
  api.stop();
}
