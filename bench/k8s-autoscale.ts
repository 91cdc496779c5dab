/**
 * k8sAutoscale under a burst: with the Kubernetes API answering in 20 ms, 1,000 resources change at once. Reports
 * how long until every change is applied, how long the write that triggered them took, and how long further
 * writes take (and how late the event loop runs) while the changes are in flight.
 *
 *   npm run bench:k8s [-- --resources 1000 --delay-ms 20 --ingest-every-ms 100]
 *
 * The API server (fixtures/kube-api) runs in a child process so it does not share the event loop; the pipeline is
 * `from().groupBy('deployment') |k8sAutoscale().resourceNameTag('deployment').replicas(lambda: int("replicas"))`
 * run by an in-process TaskMaster (the synchronous write path behind /write, after line-protocol parsing).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import { makePoint } from '../model/build.ts';
import { makeDimensions, groupId, type Point } from '../model/point.ts';
import { setLambdaCompiler } from '../runtime/lambda.ts';
import { compileLambda, evaluateScript } from '../tickscript/index.ts';
import { KubernetesClients, defaultKubernetesSection } from '../kube/index.ts';
import { control, startApiProcess } from './support/kube-api-process.ts';
import { numberOption } from './support/args.ts';
import { builtinNodes } from '../nodes/index.ts';

const N = numberOption('resources', 1000);
const DELAY = numberOption('delay-ms', 20);
/** while the changes are in flight, another write of one point per resource every INGEST ms (10 points/s each) */
const INGEST = numberOption('ingest-every-ms', 100);
const S = 1_000_000_000n;

const dims = makeDimensions(['deployment'], false);
function burst(names: string[], replicas: bigint, sec: bigint): Point[] {
  return names.map((name) => {
    const tags = { deployment: name };
    return makePoint('load', 'bench', 'autogen', tags, { replicas }, sec * S, dims, groupId('load', tags, dims));
  });
}

function ms(t0: number): string {
  return (performance.now() - t0).toFixed(1);
}

const api = await startApiProcess(DELAY);
try {
  const warm = Array.from({ length: N }, (_, i) => `app-${String(i).padStart(4, '0')}`);
  const cold = Array.from({ length: N }, (_, i) => `cold-${String(i).padStart(4, '0')}`);
  await control(api.url, 'POST', '/_test/objects', [...warm, ...cold].map((name) => ({ kind: 'deployments', name, replicas: 1 })));

  setLambdaCompiler(compileLambda);
  const tm = new TaskMaster({ nodes: builtinNodes, logger: pino({ level: 'silent' }), services: {
    kubernetes: new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true, 'api-servers': [api.url] }], { env: {} }),
  } });
  const task = tm.startTask('bench', evaluateScript(`stream|from().measurement('load').groupBy('deployment')
    |k8sAutoscale().resourceNameTag('deployment').replicas(lambda: int("replicas"))`), [{ db: 'bench', rp: 'autogen' }]);
  const node = (task as unknown as { nodes: { def: { kind: string } }[] }).nodes.find((n) => n.def.kind === 'k8sAutoscale') as unknown as
    { whenIdle(): Promise<void>; pending: number };

  console.log(`k8sAutoscale burst: ${N} resources, API latency ${DELAY} ms (kube-api in a child process), client concurrency 32, ingest every ${INGEST} ms`);

  // 1. first sight of every resource: one GET each, no change (replicas 1 = current)
  let t0 = performance.now();
  tm.writePoints('bench', 'autogen', burst(warm, 1n, 1n));
  const w0 = ms(t0);
  await node.whenIdle();
  console.log(`  warm-up (initial GETs, no change):        write ${w0} ms, idle after ${ms(t0)} ms`);

  // 2. all of them change at once, while ingest goes on every INGEST ms
  for (const [label, names, sec] of [['known resources (GET + PUT each)', warm, 2n], ['unseen resources (GET, GET + PUT each)', cold, 2n]] as const) {
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    t0 = performance.now();
    tm.writePoints('bench', 'autogen', burst(names, 3n, sec));
    const first = ms(t0);
    const writeTimes: number[] = [];
    let more = sec;
    let done = false;
    const idle = node.whenIdle().then(() => { done = true; });
    while (!done) {
      await new Promise((r) => setTimeout(r, INGEST));
      if (done) break;
      const w = performance.now();
      tm.writePoints('bench', 'autogen', burst(names, 3n, ++more));
      writeTimes.push(performance.now() - w);
    }
    await idle;
    const total = ms(t0);
    loop.disable();
    const objs: { name: string; replicas: number }[] = await control(api.url, 'GET', '/_test/objects');
    const applied = objs.filter((o) => names.includes(o.name) && o.replicas === 3).length;
    writeTimes.sort((a, b) => a - b);
    const p = (q: number): string => (writeTimes.length ? writeTimes[Math.min(writeTimes.length - 1, Math.floor(q * writeTimes.length))]!.toFixed(1) : '-');
    console.log(`  ${label}:`);
    console.log(`    ${applied}/${N} applied in ${total} ms (target < 5000 ms)`);
    console.log(`    the ${N}-point write that triggered them: ${first} ms`);
    console.log(`    ${writeTimes.length} further ${N}-point writes during the apply: median ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms`);
    console.log(`    event-loop delay during the apply: p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
    const stats = task.stats()['node-stats']['k8s_autoscale2']!;
    console.log(`    node stats so far: increase_events ${stats['increase_events']}, errors ${stats['errors']}`);
  }
  tm.stopAll();
} finally {
  api.stop();
}
