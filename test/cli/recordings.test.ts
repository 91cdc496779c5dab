/**
 * `kapacitor record|replay|list recordings|list replays|delete|export-recording` against a real kapacitord, and
 * kill -9 during a recording. Layouts from Kapacitor 1.8 cmd/kapacitor/main.go doList: recordings
 * `%-<maxID+1>s%-8v%-10s%-10s%-23s` with go-humanize sizes, replays `%-<maxID+1>v%-<maxTask+1>v%-<maxRec+1>v%-9v%-8v%-23v`,
 * dates as Date.Local().Format(time.RFC822) (TZ=UTC here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer, write } from './processes.ts';
import { formatRecordingList, formatReplayList, humanizeBytes } from '../../cli/recordings.ts';

process.env['TZ'] = 'UTC';

test('go-humanize Bytes and the list layouts', () => {
  // humanize.Bytes: < 10 → "%d B"; else one decimal below 10 of the unit, none above (SI, base 1000)
  assert.deepEqual([0, 9, 82, 999, 1234, 15000, 2_500_000].map(humanizeBytes), ['0 B', '9 B', '82 B', '999 B', '1.2 kB', '15 kB', '2.5 MB']);
  assert.equal(formatRecordingList([{ id: 'rec1', type: 'stream', status: 'finished', size: 1234, date: '2016-11-08T18:21:07Z' }]),
    'ID   Type    Status    Size      Date                   \n' +
    'rec1 stream  finished  1.2 kB    08 Nov 16 18:21 UTC    \n');
  assert.equal(formatReplayList([{ id: 'r', task: 'autoscale', recording: 'rec1', status: 'finished', clock: 'fast', date: '2016-11-08T18:21:07Z' }]),
    'ID Task      Recording Status   Clock   Date                   \n' +
    'r  autoscale rec1      finished fast    08 Nov 16 18:21 UTC    \n');
});

const SCRIPT = `dbrp "autoscale"."autogen"\nstream\n    |from()\n        .measurement('requests')\n    |httpOut('out')\n`;

test('record, list, replay, show -replay, export, import and delete with the CLI', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-cli-'));
  const s = await startServer(dir);
  t.after(async () => { await s.stop('SIGTERM'); rmSync(dir, { recursive: true, force: true }); });
  const tick = join(dir, 'x.tick');
  writeFileSync(tick, SCRIPT);
  assert.equal((await kapacitor(s.url, 'define', 'x', '-tick', tick)).code, 0);

  // a missing task: Kapacitor's usage + error, exit 3
  const noArgs = await kapacitor(s.url, 'record', 'stream', '-task', 'x');
  assert.equal(noArgs.code, 3);
  assert.match(noArgs.stderr, /Error: both task and duration are required\n$/);
  const noTask = await kapacitor(s.url, 'record', 'stream', '-task', 'nosuch', '-duration', '1s');
  assert.equal(noTask.code, 3);
  assert.equal(noTask.stderr, 'Error: no task exists\n');

  // record for 3 s while writing; the CLI waits and prints the id
  const rec = kapacitor(s.url, 'record', 'stream', '-task', 'x', '-duration', '5s', '-recording-id', 'r1');
  // write once the recording runs (the CLI process may start slowly on a loaded machine)
  while ((await fetch(`${s.url}/kapacitor/v1/recordings/r1`)).status !== 202) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await write(s.url, 'autoscale', 'autogen', 'requests,host=a value=1 1478629267\nrequests,host=a value=2 1478629268'), 204);
  const done = await rec;
  assert.equal(done.stderr, '');
  assert.equal(done.stdout, 'r1\n');
  const list = await kapacitor(s.url, 'list', 'recordings');
  assert.match(list.stdout, /^ID Type    Status    Size      Date                   \nr1 stream  finished  \d+ B {4,}\d\d \w{3} \d\d \d\d:\d\d UTC    \n$/);

  const rp = await kapacitor(s.url, 'replay', '-recording', 'r1', '-task', 'x', '-rec-time', '-replay-id', 'p1');
  assert.equal(rp.stdout, 'p1\n', rp.stderr);
  const out = await fetch(`${s.url}/kapacitor/v1/tasks/x/out?replay-id=p1`);
  assert.equal(await out.text(), '{"series":[{"name":"requests","tags":{"host":"a"},"columns":["time","value"],"values":[["2016-11-08T18:21:08Z",2]]}]}');
  const rl = await kapacitor(s.url, 'list', 'replays');
  assert.match(rl.stdout, /^ID Task Recording Status   Clock   Date                   \np1 x    r1        finished fast    /);
  // show -replay of a replay that is no longer running: Kapacitor's task API error
  const show = await kapacitor(s.url, 'show', '-replay', 'p1', 'x');
  assert.equal(show.code, 3);
  assert.equal(show.stderr, 'Error: no running replay with ID: p1\n');

  // export then import back
  const exp = await kapacitor(s.url, 'export-recording', 'r1');
  assert.equal(exp.stdout, '# DML\n# CONTEXT-DATABASE:autoscale\n# CONTEXT-RETENTION-POLICY:autogen\nrequests,host=a value=1 1478629267000000000\nrequests,host=a value=2 1478629268000000000\n');
  const lp = join(dir, 'out.lp');
  writeFileSync(lp, exp.stdout);
  const imp = await kapacitor(s.url, 'record', 'stream', '-file', lp, '-recording-id', 'r2');
  assert.equal(imp.stdout, 'r2\n', imp.stderr);
  assert.equal((await kapacitor(s.url, 'export-recording', 'r2')).stdout, exp.stdout);
  const bad = join(dir, 'bad.lp');
  writeFileSync(bad, 'm v=1 1\nm v=\n');
  const badImp = await kapacitor(s.url, 'record', 'stream', '-file', bad, '-db', 'd');
  assert.equal(badImp.code, 3);
  assert.equal(badImp.stderr, "Error: line 2: unable to parse 'm v=': missing field value\n");

  // delete with patterns
  assert.equal((await kapacitor(s.url, 'delete', 'replays', 'p*')).code, 0);
  assert.equal((await kapacitor(s.url, 'delete', 'recordings', 'r*')).code, 0);
  assert.equal((await kapacitor(s.url, 'list', 'recordings')).stdout, 'ID Type    Status    Size      Date                   \n');
  assert.equal((await kapacitor(s.url, 'list', 'replays')).stdout, 'ID Task Recording Status   Clock   Date                   \n');
});

test('kill -9 during a recording: after restart it is listed as failed and the data dir still works', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-kill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let s = await startServer(dir);
  t.after(() => s.stop('SIGKILL'));
  const tick = join(dir, 'x.tick');
  writeFileSync(tick, SCRIPT);
  await kapacitor(s.url, 'define', 'x', '-tick', tick);
  const started = await kapacitor(s.url, 'record', 'stream', '-task', 'x', '-duration', '1h', '-recording-id', 'cut', '-no-wait');
  assert.equal(started.code, 0);
  assert.equal(started.stdout, ''); // -no-wait prints nothing (doRecord returns before Println)
  await write(s.url, 'autoscale', 'autogen', 'requests,host=a value=1 1478629267');
  await s.stop('SIGKILL');
  s = await startServer(dir);
  // Kapacitor's markFailedRecordings: status failed, error "unexpected Kapacitor shutdown"
  const r = await (await fetch(`${s.url}/kapacitor/v1/recordings/cut`)).json() as { status: string; error: string };
  assert.deepEqual([r.status, r.error], ['failed', 'unexpected Kapacitor shutdown']);
  assert.match((await kapacitor(s.url, 'list', 'recordings')).stdout, /\ncut stream  failed /);
  // a failed recording cannot be replayed: the replay fails with the reason
  const rp = await kapacitor(s.url, 'replay', '-recording', 'cut', '-task', 'x');
  assert.equal(rp.code, 3);
  assert.match(rp.stderr, /^Error: running replay: recording cut failed: unexpected Kapacitor shutdown\n$/);
  // the id can be reused after deleting it
  assert.equal((await kapacitor(s.url, 'delete', 'recordings', 'cut')).code, 0);
  assert.equal((await kapacitor(s.url, 'record', 'stream', '-task', 'x', '-duration', '1ms', '-recording-id', 'cut')).stdout, 'cut\n');
});
