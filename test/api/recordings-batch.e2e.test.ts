/**
 * Batch and query recordings and replays against a real InfluxDB 1.x (test/helpers/influxd.ts) and a real
 * kapacitord, driven through the CLI where Kapacitor's CLI has the command (`record batch|query`, `replay`) and
 * the API otherwise (`/replays/batch`, `/replays/query`). Expected outputs are derived by hand from the points
 * written to InfluxDB (see the comments next to them), never from the program's own output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer, type ServerProcess } from '../cli/processes.ts';
import { startInfluxd } from '../helpers/influxd.ts';

const S = 1_000_000_000n;
const M = 60n * S;

/** RFC3339 as Kapacitor prints it (no fraction for whole seconds). */
const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString().replace('.000Z', 'Z');

async function call(s: ServerProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(s.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

async function settled(s: ServerProcess, path: string): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const r = await call(s, 'GET', path);
    if (r.json?.status !== 'running') return r.json;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${path} still running`);
}

type Series = { name: string; tags: Record<string, string>; columns: string[]; values: unknown[][] };
const byHost = (series: Series[] | undefined): Series[] => [...(series ?? [])].sort((a, b) => (a.tags.host! < b.tags.host! ? -1 : 1));

test('record batch/query, replay them, live /replays/batch and /replays/query, errors (real influxd)', async (t) => {
  const influx = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-batch-'));
  const conf = join(dir, 'kapacitor.conf');
  writeFileSync(conf, `[[influxdb]]\n  name = "local"\n  urls = ["${influx.url}"]\n  disable-subscriptions = true\n`);
  const s = await startServer(join(dir, 'data'), { KAPACITOR_CONFIG_PATH: conf });
  t.after(async () => { await s.stop('SIGTERM'); await influx.stop(); rmSync(dir, { recursive: true, force: true }); });
  const run = (...args: string[]) => kapacitor(s.url, ...args);

  // points in two whole minutes, half an hour ago
  const t0 = (BigInt(Date.now()) * 1_000_000n / M - 30n) * M;
  await influx.query('CREATE DATABASE telegraf');
  await influx.write('telegraf', [
    `cpu,host=a usage=1 ${t0}`, `cpu,host=a usage=3 ${t0 + 10n * S}`, `cpu,host=b usage=10 ${t0 + 20n * S}`,
    `cpu,host=a usage=5 ${t0 + M}`, `cpu,host=b usage=20 ${t0 + M + 10n * S}`, `cpu,host=b usage=30 ${t0 + M + 20n * S}`,
  ].join('\n'));

  const define = async (id: string, type: string, script: string): Promise<void> => {
    const tick = join(dir, `${id}.tick`);
    writeFileSync(tick, script);
    const r = await run('define', id, '-type', type, '-tick', tick, '-dbrp', 'telegraf.autogen');
    assert.equal(r.code, 0, r.stderr);
  };
  // a per-minute mean per host; disabled: only replays run it
  await define('means', 'batch', `batch
    |query('SELECT mean("usage") AS m FROM "telegraf"."autogen"."cpu"')
        .period(1m)
        .every(1m)
        .align()
        .groupBy('host')
    |httpOut('out')
`);
  await define('last', 'stream', `stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |httpOut('out')
`);

  // ---- record batch: runs at t0+1m and t0+2m (every 1m from start, aligned) over the minute before each
  const rb = await run('record', 'batch', '-task', 'means', '-start', iso(t0), '-stop', iso(t0 + 2n * M), '-recording-id', 'rb');
  assert.deepEqual([rb.code, rb.stdout, rb.stderr], [0, 'rb\n', '']);
  const rbJson = (await call(s, 'GET', '/kapacitor/v1/recordings/rb')).json;
  assert.equal(rbJson.type, 'batch');
  assert.equal(rbJson.status, 'finished');
  const list = await run('list', 'recordings', 'rb');
  assert.match(list.stdout.split('\n')[1]!, /^rb +batch +finished /);

  // ---- replay it with the recorded times: the last batch per host is the second minute's
  const rp = await run('replay', '-recording', 'rb', '-task', 'means', '-rec-time', '-replay-id', 'rp-rb');
  assert.deepEqual([rp.code, rp.stdout, rp.stderr], [0, 'rp-rb\n', '']);
  const out = (await call(s, 'GET', '/kapacitor/v1/tasks/means/out?replay-id=rp-rb')).json as { series: Series[] };
  // minute 2: host a mean(5) = 5, host b mean(20, 30) = 25; a mean without GROUP BY time() carries the run's start
  assert.deepEqual(byHost(out.series), [
    { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'm'], values: [[iso(t0 + M), 5]] },
    { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'm'], values: [[iso(t0 + M), 25]] },
  ]);
  const replay = (await call(s, 'GET', '/kapacitor/v1/replays/rp-rb')).json;
  assert.equal(replay.status, 'finished');
  assert.equal(replay.recording, 'rb');
  const stats = replay.stats['node-stats'] as Record<string, Record<string, number>>;
  const q = Object.keys(stats).find((k) => k.startsWith('query'))!;
  // 2 runs × 2 hosts = 4 batches reach the query node and leave it; the replay does not query InfluxDB itself
  assert.deepEqual([stats[q]!.collected, stats[q]!.emitted, stats[q]!.batches_queried], [4, 4, 0]);

  // ---- without -rec-time the values are the same, the times move to the replay's start
  const rpShift = await run('replay', '-recording', 'rb', '-task', 'means', '-replay-id', 'rp-shift');
  assert.equal(rpShift.code, 0, rpShift.stderr);
  const shifted = byHost(((await call(s, 'GET', '/kapacitor/v1/tasks/means/out?replay-id=rp-shift')).json as { series: Series[] }).series);
  assert.deepEqual(shifted.map((x) => x.values[0]![1]), [5, 25]);
  assert.ok(Date.parse(shifted[0]!.values[0]![0] as string) > Number(t0 / 1_000_000n) + 20 * 60_000);

  // ---- record query as stream: the points in time order across series
  const qs = await run('record', 'query', '-type', 'stream', '-recording-id', 'qs', '-query',
    `SELECT usage FROM "telegraf"."autogen"."cpu" WHERE time >= '${iso(t0)}' AND time < '${iso(t0 + 2n * M)}' GROUP BY host`);
  assert.deepEqual([qs.code, qs.stdout, qs.stderr], [0, 'qs\n', '']);
  const exported = await run('export-recording', 'qs');
  assert.equal(exported.stdout, [
    '# DML', '# CONTEXT-DATABASE:telegraf', '# CONTEXT-RETENTION-POLICY:autogen',
    `cpu,host=a usage=1 ${t0}`, `cpu,host=a usage=3 ${t0 + 10n * S}`, `cpu,host=b usage=10 ${t0 + 20n * S}`,
    `cpu,host=a usage=5 ${t0 + M}`, `cpu,host=b usage=20 ${t0 + M + 10n * S}`, `cpu,host=b usage=30 ${t0 + M + 20n * S}`, '',
  ].join('\n'));
  const rqs = await run('replay', '-recording', 'qs', '-task', 'last', '-rec-time', '-replay-id', 'rp-qs');
  assert.equal(rqs.code, 0, rqs.stderr);
  const lastOut = byHost(((await call(s, 'GET', '/kapacitor/v1/tasks/last/out?replay-id=rp-qs')).json as { series: Series[] }).series);
  // the last point per host: a 5 at t0+1m, b 30 at t0+1m20s
  assert.deepEqual(lastOut.map((x) => [x.tags.host, x.values]), [['a', [[iso(t0 + M), 5]]], ['b', [[iso(t0 + M + 20n * S), 30]]]]);

  // ---- record query as batch: one batch per series; replayed into a batch task with one query node
  const qb = await run('record', 'query', '-type', 'batch', '-recording-id', 'qb', '-query',
    `SELECT mean(usage) AS m FROM "telegraf"."autogen"."cpu" WHERE time >= '${iso(t0)}' AND time < '${iso(t0 + 2n * M)}' GROUP BY time(1m), host`);
  assert.deepEqual([qb.code, qb.stdout, qb.stderr], [0, 'qb\n', '']);
  const rqb = await run('replay', '-recording', 'qb', '-task', 'means', '-rec-time', '-replay-id', 'rp-qb');
  assert.equal(rqb.code, 0, rqb.stderr);
  const qbOut = byHost(((await call(s, 'GET', '/kapacitor/v1/tasks/means/out?replay-id=rp-qb')).json as { series: Series[] }).series);
  // minute 1: a mean(1, 3) = 2, b 10; minute 2: a 5, b mean(20, 30) = 25
  assert.deepEqual(qbOut.map((x) => [x.tags.host, x.values]), [
    ['a', [[iso(t0), 2], [iso(t0 + M), 5]]], ['b', [[iso(t0), 10], [iso(t0 + M), 25]]],
  ]);

  // ---- live replays, nothing stored: the same results as the recordings
  const lb = await call(s, 'POST', '/kapacitor/v1/replays/batch', {
    id: 'live-b', task: 'means', start: iso(t0), stop: iso(t0 + 2n * M), 'recording-time': true, clock: 'fast',
  });
  assert.equal(lb.status, 201, JSON.stringify(lb.json));
  assert.equal((await settled(s, '/kapacitor/v1/replays/live-b')).status, 'finished');
  assert.deepEqual(byHost(((await call(s, 'GET', '/kapacitor/v1/tasks/means/out?replay-id=live-b')).json as { series: Series[] }).series), byHost(out.series));
  const lq = await call(s, 'POST', '/kapacitor/v1/replays/query', {
    id: 'live-q', task: 'last', 'recording-time': true, clock: 'fast',
    query: `SELECT usage FROM "telegraf"."autogen"."cpu" WHERE time >= '${iso(t0)}' AND time < '${iso(t0 + 2n * M)}' GROUP BY host`,
  });
  assert.equal(lq.status, 201, JSON.stringify(lq.json));
  assert.equal((await settled(s, '/kapacitor/v1/replays/live-q')).status, 'finished');
  assert.deepEqual(byHost(((await call(s, 'GET', '/kapacitor/v1/tasks/last/out?replay-id=live-q')).json as { series: Series[] }).series), lastOut);
  assert.deepEqual((await run('list', 'recordings')).stdout.split('\n').length, 1 + 3 + 1); // rb, qb, qs: the live replays stored nothing

  // ---- errors, as Kapacitor's texts
  const streamTask = await run('record', 'batch', '-task', 'last', '-past', '1h', '-recording-id', 'e1');
  assert.deepEqual([streamTask.code, streamTask.stdout, streamTask.stderr], [3, 'e1\n', 'Error: wrong task type\n']);
  const noTask = await run('record', 'batch', '-task', 'nope', '-past', '1h');
  assert.deepEqual([noTask.code, noTask.stderr], [3, 'Error: no task exists\n']);
  const unqualified = await run('record', 'query', '-type', 'batch', '-query', 'SELECT usage FROM cpu', '-recording-id', 'e2');
  assert.deepEqual([unqualified.code, unqualified.stderr], [3, 'Error: could not determine database and retention policy. Is the query fully qualified?\n']);
  const noCluster = await run('record', 'query', '-type', 'stream', '-cluster', 'other', '-recording-id', 'e3', '-query', 'SELECT usage FROM "telegraf"."autogen"."cpu"');
  assert.equal(noCluster.code, 3);
  assert.match(noCluster.stderr, /^Error: failed to get InfluxDB client: no such InfluxDB config other/);
  const badQuery = await run('record', 'query', '-type', 'stream', '-recording-id', 'e4', '-query', 'SELECT nosuchfunc(usage) FROM "telegraf"."autogen"."cpu"');
  assert.equal(badQuery.code, 3);
  assert.match(badQuery.stderr, /^Error: InfluxDB query failed: .*undefined function nosuchfunc\(\)/);
  const mismatch = await run('replay', '-recording', 'rb', '-task', 'last');
  assert.equal(mismatch.code, 3);
  assert.match(mismatch.stderr, /cannot replay batch recording rb into stream task last/);
  const againstStream = await call(s, 'POST', '/kapacitor/v1/replays/batch', { task: 'last', start: iso(t0) });
  assert.deepEqual([againstStream.status, againstStream.json.error], [400, 'cannot replay batch against stream task: last']);
  const noStart = await call(s, 'POST', '/kapacitor/v1/recordings/batch', { task: 'means' });
  assert.deepEqual([noStart.status, noStart.json.error], [400, 'must provide start time']);
  const badType = await call(s, 'POST', '/kapacitor/v1/recordings/query', { query: 'SELECT 1', type: 'table' });
  assert.deepEqual([badType.status, badType.json.error], [400, 'unknown TaskType table']);
  const badClock = await call(s, 'POST', '/kapacitor/v1/replays/query', { task: 'last', query: 'SELECT 1', clock: 'slow' });
  assert.deepEqual([badClock.status, badClock.json.error], [400, 'invalid clock type slow']);
});

test('batch and query recordings without [[influxdb]]: failed with Kapacitor\'s texts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-batch-none-'));
  const s = await startServer(dir);
  t.after(async () => { await s.stop('SIGTERM'); rmSync(dir, { recursive: true, force: true }); });
  const run = (...args: string[]) => kapacitor(s.url, ...args);
  const tick = join(dir, 'b.tick');
  writeFileSync(tick, `batch|query('SELECT mean(v) FROM "db"."rp"."m"').period(1m).every(1m)|httpOut('out')\n`);
  // defined but not enabled: without InfluxDB it could not run
  assert.equal((await run('define', 'b', '-type', 'batch', '-tick', tick, '-dbrp', 'db.rp')).code, 0);
  const rb = await run('record', 'batch', '-task', 'b', '-past', '1h', '-recording-id', 'rb');
  assert.deepEqual([rb.code, rb.stdout, rb.stderr], [3, 'rb\n', 'Error: InfluxDB not configured, cannot record batch query\n']);
  const rq = await run('record', 'query', '-type', 'stream', '-recording-id', 'rq', '-query', 'SELECT v FROM "db"."rp"."m"');
  assert.deepEqual([rq.code, rq.stdout, rq.stderr], [3, 'rq\n', 'Error: InfluxDB not configured, cannot record query\n']);
});
