// Issue 18, end to end with the real broker: nats-server -js, three clustered kapacitord processes sharing one
// Kubernetes API (fixtures/kube-api), one of them killed with SIGKILL while points are written. Asserts that every
// acknowledged point reached the decisions, that each scale target had one writer at a time, and that the
// decisions equal those of a single (non-clustered) instance fed the same points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer, type ServerProcess } from '../cli/processes.ts';
import { startKubeApi } from '../../fixtures/kube-api/server.ts';
import { mulberry32 } from '../helpers/prng.ts';
import { startNatsServer } from './nats-server.ts';
import { settled, startInstance, status, until } from './cluster-helpers.ts';
import { partitionOf } from '../../server/cluster/partition.ts';

const PARTITIONS = 16;
const RESOURCES = ['rs0', 'rs1', 'rs2', 'rs3', 'rs4', 'rs5', 'rs6', 'rs7'];
const BATCHES = 240;
const KILL_AT = 80;
/** 2016-11-08T18:21:07Z */
const T0 = 1478629267;

// moving average (state a new owner must rebuild by replay), cooldowns in data time (path dependent decisions)
const SCRIPT = `stream
    |from()
        .measurement('load')
        .groupBy('replicaset')
    |movingAverage('want', 3)
        .as('want')
    |k8sAutoscale()
        .kind('replicasets')
        .resourceNameTag('replicaset')
        .min(1)
        .max(30)
        .increaseCooldown(5s)
        .decreaseCooldown(10s)
        .replicas(lambda: int(ceil("want")))
`;

interface Decision { time: string; resource: string; current: number; recommended: number | null; final: number; reason: string }

/** Batch i: one point per resource at T0 + i s; wants wander up and down (seeded). */
function batches(): string[] {
  const rnd = mulberry32(18);
  const level = RESOURCES.map(() => 3);
  const out: string[] = [];
  for (let i = 0; i < BATCHES; i++) {
    let body = '';
    RESOURCES.forEach((rs, k) => {
      level[k] = Math.max(1, Math.min(25, level[k]! + Math.floor(rnd() * 5) - 2));
      body += `load,replicaset=${rs},host=h${k} want=${level[k]}i ${T0 + i}\n`;
    });
    out.push(body);
  }
  return out;
}

async function decisionsOf(url: string, resource: string): Promise<Decision[]> {
  const r = await fetch(`${url}/kapacitor/v1/tasks/scaler/autoscale/decisions?limit=10000&resource=${resource}`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { decisions: Decision[] }).decisions;
}

const key = (d: Decision): string => `${d.time} ${d.current} ${d.recommended} ${d.final} ${d.reason}`;

test('three instances on nats-server, kill -9 one under write load: no acknowledged point lost, one writer per target, decisions as one instance', { timeout: 300_000 }, async (t) => {
  const nats = await startNatsServer();
  t.after(() => nats.stop());
  const kube = await startKubeApi();
  t.after(() => kube.close());
  for (const name of RESOURCES) kube.state.seed({ kind: 'replicasets', name, replicas: 2 });
  const dirs: string[] = [];
  const tmp = (p: string): string => { const d = mkdtempSync(join(tmpdir(), p)); dirs.push(d); return d; };
  t.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const tick = join(tmp('tickstream-cluster-script-'), 'scaler.tick');
  writeFileSync(tick, SCRIPT);

  const ids = ['a', 'b', 'c'];
  const procs: ServerProcess[] = [];
  t.after(async () => { for (const p of procs) await p.stop(); });
  for (const id of ids) {
    procs.push(await startInstance(tmp(`tickstream-cluster-${id}-`), nats.url, id, {
      KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: kube.url, KAPACITOR_KUBERNETES_TOKEN: `token-${id}`,
      KAPACITOR_CLUSTER_CHECKPOINT_INTERVAL: '300ms',
    }));
  }
  const urls = procs.map((p) => p.url);
  await until('all partitions owned once', () => settled(urls, PARTITIONS), 30_000);

  // defined and enabled on one instance: every instance lists it
  assert.equal((await kapacitor(urls[0]!, 'define', 'scaler', '-tick', tick, '-dbrp', 'k8s.autogen')).code, 0);
  const en = await kapacitor(urls[0]!, 'enable', 'scaler');
  assert.equal(en.code, 0, en.stderr);
  for (const u of urls) {
    await until(`scaler enabled on ${u}`, async () => / enabled +true /.test((await kapacitor(u, 'list', 'tasks')).stdout));
  }

  // the instance owning the most partitions dies after KILL_AT batches
  const owned = await Promise.all(urls.map(async (u) => (await status(u)).owned.length));
  const victim = owned.indexOf(Math.max(...owned));
  const victimId = ids[victim]!;

  const acked: string[] = [];
  let retried = 0;
  let next = 0;
  const alive = new Set(urls.keys());
  const all = batches();
  /** the victim's checkpoint sequence per partition it owns, once every one of them is checkpointed */
  const checkpointed = new Map<number, number>();
  for (let i = 0; i < all.length; i++) {
    let killed: Promise<void> | undefined;
    if (i === KILL_AT) {
      // the victim dies after it checkpointed every partition it owns (writes go on meanwhile, to the others)
      await until('the victim checkpointed its partitions', async () => {
        const s = await status(urls[victim]!) as unknown as { partitionsDetail: { partition: number; lastSeq: number; checkpointSeq: number }[] };
        checkpointed.clear();
        for (const p of s.partitionsDetail) if (p.lastSeq > 0) checkpointed.set(p.partition, p.checkpointSeq);
        return s.partitionsDetail.every((p) => p.lastSeq === 0 || p.checkpointSeq > 0);
      }, 15_000);
    }
    // round robin over the instances believed alive; a failed write is retried on the next one (at-least-once)
    for (let attempt = 0; ; attempt++) {
      const live = [...alive];
      let u = urls[live[next++ % live.length]!]!;
      if (i === KILL_AT && attempt === 0) {
        // SIGKILL while this write is in flight on the victim: it may have published some partitions' messages
        u = urls[victim]!;
        killed = new Promise((r) => setTimeout(r, 1)).then(() => procs[victim]!.stop('SIGKILL'));
        alive.delete(victim);
      }
      let code = 0;
      try {
        const r = await fetch(`${u}/write?db=k8s&rp=autogen&precision=s`, { method: 'POST', body: all[i] });
        code = r.status;
        await r.arrayBuffer();
      } catch {
        code = 0;
      }
      if (code === 204) break;
      retried++;
      assert.ok(attempt < 20, `batch ${i} was never acknowledged`);
    }
    await killed;
    acked.push(all[i]!);
    await new Promise((r) => setTimeout(r, 5));
  }
  const survivors = urls.filter((_, i) => i !== victim);
  try {
    await until('the survivors own every partition', () => settled(survivors, PARTITIONS), 30_000);
  } catch (err) {
    // what was missing: members, owned partitions, the ones still replaying and how far they got
    const views = await Promise.all(survivors.map(async (u) => {
      const s = await status(u) as unknown as { instance: string; members: string[]; owned: number[]; replaying: number[]; partitionsDetail: { partition: number; replayTo: number; lastSeq: number; restoredFrom: number | null; fullReplayReason: string | null }[] };
      return { instance: s.instance, members: s.members, owned: s.owned, replaying: s.partitionsDetail.filter((p) => s.replaying.includes(p.partition)) };
    }));
    throw new Error(`${(err as Error).message}: ${JSON.stringify(views)}`);
  }

  // the new owners of the victim's partitions restored its checkpoints and replayed only what came after them
  assert.ok(checkpointed.size > 0, 'the victim owned partitions with data');
  let replayed = 0;
  let total = 0;
  for (const u of survivors) {
    const s = await status(u) as unknown as { partitionsDetail: { partition: number; restoredFrom: number | null; replayedPoints: number }[] };
    for (const p of s.partitionsDetail) {
      const seq = checkpointed.get(p.partition);
      if (seq === undefined) continue;
      assert.ok(p.restoredFrom !== null && p.restoredFrom >= seq, `partition ${p.partition}: restored from ${p.restoredFrom}, the victim checkpointed ${seq}`);
      const inPartition = RESOURCES.filter((rs) => partitionOf(PARTITIONS, 'k8s', 'autogen', 'load', rs) === p.partition).length;
      replayed += p.replayedPoints;
      total += inPartition * acked.length;
    }
  }
  assert.ok(replayed < total, `the new owners replayed ${replayed} of the ${total} points of the taken-over partitions`);
  t.diagnostic(`taken over: ${checkpointed.size} partitions, replayed ${replayed} of ${total} points after the victim's checkpoints`);

  // every acknowledged point is decided (the first two per resource only fill the moving average)
  const owner = new Map<string, string>();
  const got = new Map<string, Decision[]>();
  await until('every acknowledged point decided', async () => {
    for (const rs of RESOURCES) {
      for (const u of survivors) {
        const d = await decisionsOf(u, rs);
        if (d.length > 0) { owner.set(rs, u); got.set(rs, d); }
      }
      if ((got.get(rs)?.length ?? 0) < acked.length - 2) return false;
    }
    return true;
  }, 30_000);
  for (const rs of RESOURCES) {
    const times = got.get(rs)!.map((d) => d.time);
    const want = acked.slice(2).map((_, i) => new Date((T0 + i + 2) * 1000).toISOString().replace('.000Z', 'Z'));
    assert.deepEqual(times, want, `${rs}: one decision per acknowledged point, in data-time order`);
  }

  // the same points through one non-clustered instance
  const kube1 = await startKubeApi();
  t.after(() => kube1.close());
  for (const name of RESOURCES) kube1.state.seed({ kind: 'replicasets', name, replicas: 2 });
  const single = await startServer(tmp('tickstream-single-'), { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: kube1.url });
  procs.push(single);
  assert.equal((await kapacitor(single.url, 'define', 'scaler', '-tick', tick, '-dbrp', 'k8s.autogen')).code, 0);
  assert.equal((await kapacitor(single.url, 'enable', 'scaler')).code, 0);
  for (const body of acked) {
    const r = await fetch(`${single.url}/write?db=k8s&rp=autogen&precision=s`, { method: 'POST', body });
    assert.equal(r.status, 204);
  }
  let changes = 0;
  for (const rs of RESOURCES) {
    const ref = await decisionsOf(single.url, rs);
    assert.deepEqual(got.get(rs)!.map(key), ref.map(key), `${rs}: the cluster decided what one instance decides`);
    changes += ref.filter((d) => d.reason === 'scaled').length;
    // the cluster ends where the single instance's cluster ends
    await until(`${rs} converged`, () => kube.state.get('replicasets', 'default', rs)!.replicas === kube1.state.get('replicasets', 'default', rs)!.replicas, 15_000);
  }
  assert.ok(changes > 20, `the load scales up and down (${changes} changes)`);

  // one writer at a time per scale target: a writer that stopped writing a target never writes it again
  const writes = kube.state.scaleWrites().filter((w) => w.status === 200);
  assert.ok(writes.length > 0);
  let moved = 0;
  for (const rs of RESOURCES) {
    const seq = writes.filter((w) => w.path.includes(`/replicasets/${rs}/`)).map((w) => w.authorization);
    const runs = seq.filter((w, i) => i === 0 || seq[i - 1] !== w);
    assert.equal(new Set(runs).size, runs.length, `${rs}: writers ${runs.join(' → ')} interleaved`);
    if (runs.length > 1) {
      moved++;
      assert.equal(runs[0], `Bearer token-${victimId}`, `${rs}: only the killed instance hands a target over`);
    }
  }
  assert.ok(moved > 0, 'some scale target moved from the killed instance to a survivor');
  t.diagnostic(`victim ${victimId}, ${acked.length} batches acknowledged, ${retried} retried, ${changes} scale changes, ${moved} targets failed over`);
});
