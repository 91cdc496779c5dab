/**
 * The recordings and replays API (Kapacitor 1.8 services/replay/service.go, SPEC 5.4) against a real kapacitord:
 * JSON shapes, status codes and error texts as Kapacitor answers them, record-then-replay giving the live
 * httpOut output, replay isolation, a dbrp mismatch, and deletion during a replay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, write, type ServerProcess } from '../cli/processes.ts';
import { TUTORIAL_TOTALS } from '../helpers/tutorial-script.ts';

interface Ctx { after(fn: () => unknown): void }

async function server(t: Ctx): Promise<{ s: ServerProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-api-'));
  const s = await startServer(dir);
  t.after(async () => { await s.stop('SIGTERM'); rmSync(dir, { recursive: true, force: true }); });
  return { s, dir };
}

async function call(s: ServerProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(s.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text };
}

/** Polls until the recording/replay left `running` (Kapacitor's CLI polls the same way, every 500 ms). */
async function settled(s: ServerProcess, path: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const r = await call(s, 'GET', path);
    if (r.json?.status !== 'running') return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${path} still running`);
}

// The seed-like pipeline (SPEC 1.6 up to the totals) with an httpOut at the end.
const SCRIPT = `dbrp "autoscale"."autogen"\n${TUTORIAL_TOTALS}    |httpOut('totals')\n`;

/** Two replicasets' request counters over 20 s (seconds precision), as the seed's app reports them. */
function traffic(): string {
  const lines: string[] = [];
  for (let s = 0; s < 20; s++) {
    for (const [host, rs, rate] of [['h1', 'web', 3], ['h2', 'web', 5], ['h3', 'api', 7]] as const) {
      lines.push(`requests,host=${host},replicaset=${rs} value=${rate * s * (s + 1) / 2} ${1478629267 + s}`);
    }
  }
  return lines.join('\n');
}

const FAR_FUTURE = '2100-01-01T00:00:00Z';

test('record a stream, replay it with recorded times: the replay\'s httpOut equals the live one', async (t) => {
  const { s, dir } = await server(t);
  assert.equal((await call(s, 'POST', '/kapacitor/v1/tasks', { id: 'totals', script: SCRIPT, status: 'enabled' })).status, 200);

  // Kapacitor answers 201 with the recording, status running, size 0, progress 0 (handleRecordStream)
  const rec = await call(s, 'POST', '/kapacitor/v1/recordings/stream', { id: 'rec1', task: 'totals', stop: FAR_FUTURE });
  assert.equal(rec.status, 201);
  assert.deepEqual(Object.keys(rec.json), ['link', 'id', 'type', 'size', 'date', 'error', 'status', 'progress']);
  assert.deepEqual(rec.json.link, { rel: 'self', href: '/kapacitor/v1/recordings/rec1' });
  assert.equal(rec.json.type, 'stream');
  assert.equal(rec.json.status, 'running');
  assert.equal(rec.json.size, 0);
  assert.equal(rec.json.progress, 0);
  // a running recording answers 202 (handleRecording)
  assert.equal((await call(s, 'GET', '/kapacitor/v1/recordings/rec1')).status, 202);

  assert.equal(await write(s.url, 'autoscale', 'autogen', traffic()), 204);
  // points of another database are not the task's and are not recorded
  assert.equal(await write(s.url, 'other', 'autogen', 'requests,host=x,replicaset=web value=1 1478629267'), 204);
  // a point after `stop` ends the recording (Kapacitor: p.Time().After(stop)); it is not recorded
  assert.equal(await write(s.url, 'autoscale', 'autogen', 'requests,host=h1,replicaset=web value=1 4102444801'), 204);
  const done = await settled(s, '/kapacitor/v1/recordings/rec1');
  assert.equal(done.status, 200);
  assert.equal(done.json.status, 'finished');
  assert.equal(done.json.progress, 1);
  assert.equal(done.json.error, '');
  assert.ok(done.json.size > 23, `size ${done.json.size}`);
  assert.deepEqual(readdirSync(join(dir, 'replay')), ['rec1.tsrec']);

  const live = (await call(s, 'GET', '/kapacitor/v1/tasks/totals/totals')).text;
  assert.match(live, /"series":\[/);

  const rp = await call(s, 'POST', '/kapacitor/v1/replays', { id: 'rp1', task: 'totals', recording: 'rec1', 'recording-time': true });
  assert.equal(rp.status, 201);
  assert.deepEqual(Object.keys(rp.json), ['link', 'id', 'task', 'recording', 'recording-time', 'clock', 'date', 'error', 'status', 'progress', 'stats']);
  assert.equal(rp.json.clock, 'fast'); // Kapacitor defaults the clock to fast
  assert.equal(rp.json['recording-time'], true);
  assert.deepEqual(rp.json.stats, {});
  const rdone = await settled(s, '/kapacitor/v1/replays/rp1');
  assert.equal(rdone.json.status, 'finished', rdone.text);
  // a finished replay carries the task's execution stats (convertReplay)
  assert.equal(rdone.json.stats['node-stats'].stream0.collected, 60);
  const replayed = await call(s, 'GET', '/kapacitor/v1/tasks/totals/totals?replay-id=rp1');
  assert.equal(replayed.status, 200);
  assert.equal(replayed.text, live);
  // nothing leaked into the live task: its stream node saw the 60 written points + the one after stop, once
  const liveTask = await call(s, 'GET', '/kapacitor/v1/tasks/totals');
  assert.equal(liveTask.json.stats['node-stats'].stream0.collected, 61);

  // lists: Go maps, keys sorted; `fields` adds id and link
  const list = await call(s, 'GET', '/kapacitor/v1/recordings?fields=size&fields=status');
  assert.deepEqual(list.json.recordings.map((r: object) => Object.keys(r)), [['id', 'link', 'size', 'status']]);
  const rlist = await call(s, 'GET', '/kapacitor/v1/replays');
  assert.deepEqual(Object.keys(rlist.json.replays[0]), ['clock', 'date', 'error', 'id', 'link', 'progress', 'recording', 'recording-time', 'status', 'task']);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/replays?pattern=nomatch*')).json.replays.length, 0);

  // export → import round trip gives the same data
  const exported = await fetch(`${s.url}/kapacitor/v1/recordings/rec1/data`);
  assert.equal(exported.status, 200);
  const lp = await exported.text();
  assert.match(lp, /^# DML\n# CONTEXT-DATABASE:autoscale\n# CONTEXT-RETENTION-POLICY:autogen\nrequests,host=h1,replicaset=web value=0 1478629267000000000\n/);
  assert.equal(lp.trim().split('\n').length, 3 + 60);
  const imp = await fetch(`${s.url}/kapacitor/v1/recordings/import?id=back`, { method: 'POST', body: lp });
  assert.equal(imp.status, 201, await imp.clone().text());
  assert.equal(((await imp.json()) as { status: string }).status, 'finished');
  assert.equal(await (await fetch(`${s.url}/kapacitor/v1/recordings/back/data`)).text(), lp);

  // deleting removes the row and the file (204, also for unknown ids)
  assert.equal((await call(s, 'DELETE', '/kapacitor/v1/recordings/rec1')).status, 204);
  assert.equal((await call(s, 'DELETE', '/kapacitor/v1/recordings/rec1')).status, 204);
  assert.deepEqual(readdirSync(join(dir, 'replay')), ['back.tsrec']);
  assert.equal((await call(s, 'DELETE', '/kapacitor/v1/replays/rp1')).status, 204);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/replays/rp1')).status, 404);
});

test('errors: Kapacitor\'s texts and codes; rejected requests create nothing', async (t) => {
  const { s, dir } = await server(t);
  await call(s, 'POST', '/kapacitor/v1/tasks', { id: 'totals', script: SCRIPT });
  const err = (r: { json: any }): string => r.json.error;
  // recording a task that does not exist: 404 with TaskStore.Load's error
  const noTask = await call(s, 'POST', '/kapacitor/v1/recordings/stream', { task: 'nosuch', stop: FAR_FUTURE });
  assert.equal(noTask.status, 404);
  assert.equal(err(noTask), 'no task exists');
  assert.deepEqual(noTask.json, { error: 'no task exists', message: 'no task exists' });
  const badId = await call(s, 'POST', '/kapacitor/v1/recordings/stream', { id: 'a b', task: 'totals', stop: FAR_FUTURE });
  assert.equal(badId.status, 400);
  assert.equal(err(badId), `recording ID must contain only letters, numbers, '-', '.' and '_'. "a b"`);
  const noStop = await call(s, 'POST', '/kapacitor/v1/recordings/stream', { task: 'totals' });
  assert.equal(noStop.status, 400);
  assert.match(err(noStop), /must provide stop time/);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/recordings')).json.recordings.length, 0);

  // duplicate recording id: the DAO's `recording already exists` (500 in Kapacitor)
  await call(s, 'POST', '/kapacitor/v1/recordings/stream', { id: 'r', task: 'totals', stop: '2000-01-01T00:00:00Z' });
  const dup = await call(s, 'POST', '/kapacitor/v1/recordings/stream', { id: 'r', task: 'totals', stop: FAR_FUTURE });
  assert.equal(dup.status, 500);
  assert.equal(err(dup), 'recording already exists');
  // a stop time already past ends the recording at once (wall clock), with no points
  assert.equal((await settled(s, '/kapacitor/v1/recordings/r')).json.status, 'finished');

  const unknownRec = await call(s, 'GET', '/kapacitor/v1/recordings/nosuch');
  assert.equal(unknownRec.status, 404);
  assert.equal(err(unknownRec), 'error finding recording: no recording exists');
  const unknownReplay = await call(s, 'GET', '/kapacitor/v1/replays/nosuch');
  assert.equal(unknownReplay.status, 404);
  assert.equal(err(unknownReplay), 'could not find replay: no replay exists');

  // replay errors (handleCreateReplay)
  const rTask = await call(s, 'POST', '/kapacitor/v1/replays', { task: 'nosuch', recording: 'r' });
  assert.equal(rTask.status, 404);
  assert.equal(err(rTask), 'task load: no task exists');
  const rRec = await call(s, 'POST', '/kapacitor/v1/replays', { task: 'totals', recording: 'nosuch' });
  assert.equal(rRec.status, 404);
  assert.equal(err(rRec), 'recording not found: no recording exists');
  const rClock = await call(s, 'POST', '/kapacitor/v1/replays', { task: 'totals', recording: 'r', clock: 'slow' });
  assert.equal(rClock.status, 400);
  assert.equal(err(rClock), 'unknown Clock slow');
  const rId = await call(s, 'POST', '/kapacitor/v1/replays', { id: 'x/y', task: 'totals', recording: 'r' });
  assert.equal(rId.status, 400);
  assert.equal(err(rId), `replay ID must contain only letters, numbers, '-', '.' and '_'. "x/y"`);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/replays')).json.replays.length, 0);

  // list parameters (handleListRecordings)
  const off = await call(s, 'GET', '/kapacitor/v1/recordings?offset=x');
  assert.equal(off.status, 400);
  assert.equal(err(off), 'invalid offset parameter "x" must be an integer: strconv.ParseInt: parsing "x": invalid syntax');
  // an unknown field is refused while an entry is rendered (Kapacitor checks fields per entry: recording r exists)
  const field = await call(s, 'GET', '/kapacitor/v1/recordings?fields=bogus');
  assert.equal(field.status, 400);
  assert.equal(err(field), 'unsupported field "bogus"');

  // `?replay-id=` of no running replay (task_store handleTask)
  const noReplay = await call(s, 'GET', '/kapacitor/v1/tasks/totals?replay-id=nope');
  assert.equal(noReplay.status, 400);
  assert.equal(err(noReplay), 'no running replay with ID: nope');

  // batch and query: Kapacitor's request checks (InfluxDB itself: test/api/recordings-batch.e2e.test.ts)
  const checks: [string, number, string][] = [
    ['/recordings/batch', 400, 'must provide start time'],
    ['/recordings/query', 400, 'must provide query'],
    ['/replays/batch', 400, 'cannot replay batch against stream task: totals'],
    ['/replays/query', 400, 'must provide query'],
  ];
  for (const [p, status, text] of checks) {
    const r = await call(s, 'POST', `/kapacitor/v1${p}`, { task: 'totals' });
    assert.deepEqual([r.status, err(r)], [status, text], p);
  }

  // import: bad line protocol names the line; nothing is kept
  const bad = await fetch(`${s.url}/kapacitor/v1/recordings/import?id=imp&db=d&rp=r`, { method: 'POST', body: 'm v=1 1\nm v= 2\n' });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: string }).error, "line 2: unable to parse 'm v= 2': missing field value");
  const noDb = await fetch(`${s.url}/kapacitor/v1/recordings/import?id=imp`, { method: 'POST', body: 'm v=1 1\n' });
  assert.equal(noDb.status, 400);
  assert.match(((await noDb.json()) as { error: string }).error, /^line 1: no database/);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/recordings/imp')).status, 404);
  assert.deepEqual(readdirSync(join(dir, 'replay')).sort(), ['r.tsrec']);
});

test('a replay into a task with another dbrp fails with a clear error; the live task is untouched', async (t) => {
  const { s } = await server(t);
  await call(s, 'POST', '/kapacitor/v1/tasks', { id: 'totals', script: SCRIPT, status: 'enabled' });
  await call(s, 'POST', '/kapacitor/v1/tasks', { id: 'other', script: SCRIPT.replace('"autoscale"."autogen"', '"telegraf"."autogen"') });
  const imp = await fetch(`${s.url}/kapacitor/v1/recordings/import?id=rec&db=autoscale&rp=autogen&precision=s`, { method: 'POST', body: traffic() });
  assert.equal(imp.status, 201);
  await call(s, 'POST', '/kapacitor/v1/replays', { id: 'mismatch', task: 'other', recording: 'rec' });
  const r = await settled(s, '/kapacitor/v1/replays/mismatch');
  assert.equal(r.json.status, 'failed');
  assert.equal(r.json.error, 'running replay: recording rec has no points for the dbrps of task other ["telegraf"."autogen"]; it holds ["autoscale"."autogen"]');
  // recording-time false (the default): times are shifted to the replay's start; the live task saw nothing
  await call(s, 'POST', '/kapacitor/v1/replays', { id: 'now', task: 'totals', recording: 'rec' });
  assert.equal((await settled(s, '/kapacitor/v1/replays/now')).json.status, 'finished');
  const out = JSON.parse((await call(s, 'GET', '/kapacitor/v1/tasks/totals/totals?replay-id=now')).text);
  const t0 = Date.parse(out.series[0].values[0][0]);
  assert.ok(Math.abs(t0 - Date.now()) < 10 * 60_000, `shifted time ${out.series[0].values[0][0]} is not near now`);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/tasks/totals/totals')).text, '{"series":null}');
});

test('a real-clock replay shows its task instance while running; deleting its recording fails it cleanly', async (t) => {
  const { s } = await server(t);
  await call(s, 'POST', '/kapacitor/v1/tasks', { id: 'totals', script: SCRIPT });
  const imp = await fetch(`${s.url}/kapacitor/v1/recordings/import?id=rec&db=autoscale&rp=autogen&precision=s`, { method: 'POST', body: traffic() });
  assert.equal(imp.status, 201);
  // 20 s of data at recorded pace: still running while we look
  const rp = await call(s, 'POST', '/kapacitor/v1/replays', { id: 'slow', task: 'totals', recording: 'rec', clock: 'real' });
  assert.equal(rp.json.clock, 'real');
  await new Promise((r) => setTimeout(r, 300));
  const running = await call(s, 'GET', '/kapacitor/v1/replays/slow');
  assert.equal(running.status, 202);
  const shown = await call(s, 'GET', '/kapacitor/v1/tasks/totals?replay-id=slow');
  assert.equal(shown.status, 200);
  assert.equal(shown.json.executing, true); // the replay's instance executes, though the task is disabled
  assert.equal(shown.json.status, 'disabled');
  assert.match(shown.json.dot, /^digraph totals \{\ngraph \[throughput=/);
  const other = await call(s, 'POST', '/kapacitor/v1/tasks', { id: 'x', script: SCRIPT });
  assert.equal(other.status, 200);
  const wrong = await call(s, 'GET', '/kapacitor/v1/tasks/x?replay-id=slow');
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json.error, 'replay slow is not for task: x');

  assert.equal((await call(s, 'DELETE', '/kapacitor/v1/recordings/rec')).status, 204);
  const failed = await settled(s, '/kapacitor/v1/replays/slow');
  assert.equal(failed.json.status, 'failed');
  assert.equal(failed.json.error, 'running replay: recording rec was deleted during the replay');
  // the server is fine: the task API still answers
  assert.equal((await call(s, 'GET', '/kapacitor/v1/tasks/totals')).json.executing, false);
});
