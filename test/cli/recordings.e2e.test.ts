/**
 * `kapacitor record|replay|list recordings|list replays|delete|export-recording` against a real kapacitord, and
 * kill -9 during a recording. Layouts from Kapacitor 1.8 cmd/kapacitor/main.go doList: recordings
 * `%-<maxID+1>s%-8v%-10s%-10s%-23s` with go-humanize sizes, replays `%-<maxID+1>v%-<maxTask+1>v%-<maxRec+1>v%-9v%-8v%-23v`,
 * dates as Date.Local().Format(time.RFC822) (TZ=UTC here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
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

/** Line protocol in the influx_inspect export layout for the task's dbrp, one point per second from `t0`. */
function lpFile(dir: string, name: string, seconds: number[]): string {
  const path = join(dir, name);
  const t0 = 1478629267;
  writeFileSync(path, '# CONTEXT-DATABASE:autoscale\n# CONTEXT-RETENTION-POLICY:autogen\n' +
    seconds.map((s, i) => `requests,host=a value=${i + 1} ${t0 + s}\n`).join(''));
  return path;
}

test('replay clocks through the CLI, show -replay of a running replay, list while running', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-clock-'));
  const s = await startServer(dir);
  t.after(async () => { await s.stop('SIGTERM'); rmSync(dir, { recursive: true, force: true }); });
  const tick = join(dir, 'x.tick');
  writeFileSync(tick, SCRIPT);
  assert.equal((await kapacitor(s.url, 'define', 'x', '-tick', tick)).code, 0);
  const seconds = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  for (const [id, secs] of [['slow', seconds(60)], ['short', [0, 1, 2]], ['hour', [0, 3600]]] as const) {
    const r = await kapacitor(s.url, 'record', 'stream', '-file', lpFile(dir, `${id}.lp`, [...secs]), '-precision', 's', '-recording-id', id);
    assert.equal(r.stdout, `${id}\n`, r.stderr);
  }

  // a minute of data at recorded pace: -no-wait returns at once and prints nothing
  const started = await kapacitor(s.url, 'replay', '-recording', 'slow', '-task', 'x', '-real-clock', '-no-wait', '-replay-id', 'live');
  assert.deepEqual([started.code, started.stdout, started.stderr], [0, '', '']);
  const running = await kapacitor(s.url, 'list', 'replays');
  assert.equal(running.stdout, 'ID   Task Recording Status   Clock   Date                   \n' +
    `live x    slow      running  real    ${running.stdout.slice(-24, -1)}\n`);
  assert.match(running.stdout, /\d\d \w{3} \d\d \d\d:\d\d UTC    \n$/);
  // show -replay: the replay's instance of the task (executing although the task is disabled), with its DOT stats
  const shown = await kapacitor(s.url, 'show', '-replay', 'live', 'x');
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^ID: x\nError: \nTemplate: \nType: stream\nStatus: disabled\nExecuting: true\n/);
  assert.match(shown.stdout, /\nDOT:\ndigraph x \{\ngraph \[throughput="[\d.]+ points\/s"\];\n/);
  // tickstream: the task ID may be left out with -replay
  const short = await kapacitor(s.url, 'show', '-replay', 'live');
  assert.equal(short.code, 0, short.stderr);
  assert.equal(short.stdout.split('DOT:')[0], shown.stdout.split('DOT:')[0]);
  const unknown = await kapacitor(s.url, 'show', '-replay', 'nosuch');
  assert.deepEqual([unknown.code, unknown.stderr], [3, 'Error: could not find replay: no replay exists\n']);
  // the live task is untouched: its own view is not executing
  assert.match((await kapacitor(s.url, 'show', 'x')).stdout, /\nExecuting: false\n/);
  // deleting the running replay stops it
  assert.equal((await kapacitor(s.url, 'delete', 'replays', 'live')).code, 0);
  assert.equal((await kapacitor(s.url, 'list', 'replays')).stdout, 'ID Task Recording Status   Clock   Date                   \n');

  // -real-clock waits as long as the data spans (2 s); without -rec-time the times are shifted to now
  let began = Date.now();
  const paced = await kapacitor(s.url, 'replay', '-recording', 'short', '-task', 'x', '-real-clock', '-replay-id', 'paced');
  assert.equal(paced.stdout, 'paced\n', paced.stderr);
  assert.ok(Date.now() - began >= 2000, `a real-clock replay of 2 s of data took ${Date.now() - began} ms`);
  const out = JSON.parse(await (await fetch(`${s.url}/kapacitor/v1/tasks/x/out?replay-id=paced`)).text()) as { series: { values: [string, number][] }[] };
  const [time, value] = out.series[0]!.values[0]!;
  assert.equal(value, 3);
  assert.ok(Math.abs(Date.parse(time) - Date.now()) < 10 * 60_000, `shifted time ${time} is not near now`);
  // fast (the default): an hour of data replays without waiting for it
  began = Date.now();
  const quick = await kapacitor(s.url, 'replay', '-recording', 'hour', '-task', 'x', '-rec-time', '-replay-id', 'quick');
  assert.equal(quick.stdout, 'quick\n', quick.stderr);
  assert.ok(Date.now() - began < 60_000);
  assert.equal(await (await fetch(`${s.url}/kapacitor/v1/tasks/x/out?replay-id=quick`)).text(),
    '{"series":[{"name":"requests","tags":{"host":"a"},"columns":["time","value"],"values":[["2016-11-08T19:21:07Z",2]]}]}');
  const done = await kapacitor(s.url, 'list', 'replays', 'p*', 'q*');
  assert.match(done.stdout, /^ID    Task Recording Status   Clock   Date {19}\npaced x    short     finished real    .{23}\nquick x    hour      finished fast    .{23}\n$/);
  const recs = await kapacitor(s.url, 'list', 'recordings', 'short', 'h*');
  assert.match(recs.stdout, /^ID    Type    Status    Size      Date {19}\nshort stream  finished  \d+ B {4,}.{23}\nhour  stream  finished  \d+ B {4,}.{23}\n$/);
});

test('record and replay argument errors: Kapacitor\'s messages and exit codes; batch/query answered by the server', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-args-'));
  const s = await startServer(dir);
  t.after(async () => { await s.stop('SIGTERM'); rmSync(dir, { recursive: true, force: true }); });
  const tick = join(dir, 'x.tick');
  writeFileSync(tick, SCRIPT);
  assert.equal((await kapacitor(s.url, 'define', 'x', '-tick', tick)).code, 0);
  const run = (...args: string[]) => kapacitor(s.url, ...args);

  // Kapacitor: the subcommand's usage, then the error (exit 3)
  const noStart = await run('record', 'batch', '-task', 'x');
  assert.equal(noStart.code, 3);
  assert.ok(noStart.stderr.startsWith('Usage: kapacitor record batch [options]\n'), noStart.stderr);
  assert.ok(noStart.stderr.endsWith('\nError: must set one of start or past flags.\n'), noStart.stderr);
  const both = await run('record', 'batch', '-task', 'x', '-past', '1h', '-start', '2015-09-01T00:00:00Z');
  assert.ok(both.stderr.endsWith('\nError: cannot set both start and past flags.\n'), both.stderr);
  assert.ok((await run('record', 'batch', '-past', '1h')).stderr.endsWith('\nError: task is required\n'));
  const noType = await run('record', 'query', '-query', 'select 1');
  assert.equal(noType.code, 3);
  assert.ok(noType.stderr.startsWith('Usage: kapacitor record query [options]\n'));
  assert.ok(noType.stderr.endsWith('\nError: both query and type are required\n'));
  const badStart = await run('record', 'batch', '-task', 'x', '-start', 'yesterday');
  assert.deepEqual([badStart.code, badStart.stderr], [3, 'Error: invalid -start "yesterday": must be an RFC3339 time, e.g. 2015-09-01T00:00:00Z\n']);
  const badDur = await run('record', 'stream', '-task', 'x', '-duration', 'soon');
  assert.deepEqual([badDur.code, badDur.stderr], [3, 'Error: invalid -duration "soon": must be a duration, e.g. 90s, 1m or 1h30m\n']);

  // well-formed batch/query requests reach the server (no InfluxDB here: test/api/recordings-batch.e2e.test.ts)
  const batch = await run('record', 'batch', '-task', 'x', '-past', '1h', '-recording-id', 'b');
  assert.deepEqual([batch.code, batch.stdout, batch.stderr], [3, 'b\n', 'Error: wrong task type\n']); // x is a stream task
  const noTask = await run('record', 'batch', '-task', 'nosuch', '-past', '1h');
  assert.deepEqual([noTask.code, noTask.stdout, noTask.stderr], [3, '', 'Error: no task exists\n']);
  const query = await run('record', 'query', '-query', 'select value from cpu', '-type', 'stream', '-recording-id', 'q');
  assert.deepEqual([query.code, query.stdout, query.stderr],
    [3, 'q\n', 'Error: could not determine database and retention policy. Is the query fully qualified?\n']);
  await run('delete', 'recordings', 'q', 'b');
  assert.equal((await run('list', 'recordings')).stdout, 'ID Type    Status    Size      Date                   \n');

  // usage errors: exit 2, message then usage
  const badType = await run('record', 'query', '-query', 'q', '-type', 'table');
  assert.equal(badType.code, 2);
  assert.ok(badType.stderr.startsWith('invalid value "table" for flag -type: must be stream or batch\nUsage: kapacitor record query'));
  const fileAndTask = await run('record', 'stream', '-file', 'a.lp', '-task', 'x');
  assert.equal(fileAndTask.code, 2);
  assert.ok(fileAndTask.stderr.startsWith('-file imports a file as a recording: it cannot be combined with -task or -duration\nUsage: kapacitor record stream'));
  const dbNoFile = await run('record', 'stream', '-task', 'x', '-duration', '1s', '-db', 'd', '-rp', 'r');
  assert.equal(dbNoFile.code, 2);
  assert.ok(dbNoFile.stderr.startsWith('-db, -rp only apply with -file\n'));
  const unknownFlag = await run('replay', '-recording', 'r', '-task', 'x', '-fast');
  assert.equal(unknownFlag.code, 2);
  assert.ok(unknownFlag.stderr.startsWith('flag provided but not defined: -fast\nUsage: kapacitor replay [options]'));
  const noRecType = await run('record');
  assert.equal(noRecType.code, 2);
  assert.ok(noRecType.stderr.includes('Usage: kapacitor record [batch|stream|query] [options]'));
  assert.deepEqual([(await run('record', 'table')).stderr], ['Error: Unknown record type "table", expected \'stream\', \'batch\' or \'query\'\n']);
  const missingFile = await run('record', 'stream', '-file', join(dir, 'none.lp'));
  assert.equal(missingFile.code, 3);
  assert.match(missingFile.stderr, /^Error: reading .*none\.lp: ENOENT: no such file or directory/);

  // replay: Kapacitor checks the recording before the task
  const noRec = await run('replay', '-task', 'x');
  assert.equal(noRec.code, 3);
  assert.ok(noRec.stderr.startsWith('Usage: kapacitor replay [options]\n') && noRec.stderr.endsWith('\nError: must pass recording ID\n'));
  assert.ok((await run('replay', '-recording', 'r')).stderr.endsWith('\nError: must pass task ID\n'));
  const missing = await run('replay', '-recording', 'nosuch', '-task', 'x');
  assert.deepEqual([missing.code, missing.stderr], [3, 'Error: recording not found: no recording exists\n']);

  // help: the subcommand's usage for record stream -h, export-recording's own
  const help = await run('record', 'stream', '-h');
  assert.equal(help.code, 0);
  assert.ok(help.stderr.startsWith('Usage: kapacitor record stream [options]\n'));
  assert.ok((await run('help', 'export-recording')).stdout.startsWith('Usage: kapacitor export-recording <recording ID>\n'));
  const exportMissing = await run('export-recording', 'nosuch');
  assert.deepEqual([exportMissing.code, exportMissing.stderr], [3, 'Error: error finding recording: no recording exists\n']);
  assert.equal((await run('export-recording')).code, 2);
  // export streams; a damaged file cuts the transfer, which is an error, not a silently short export
  const big = join(dir, 'big.lp');
  writeFileSync(big, Array.from({ length: 15_000 }, (_, i) => `requests,host=h${i % 97} value=${i} ${1478629267 + i}\n`).join(''));
  assert.equal((await run('record', 'stream', '-file', big, '-db', 'autoscale', '-rp', 'autogen', '-precision', 's', '-recording-id', 'big')).stdout, 'big\n');
  const whole = await run('export-recording', 'big');
  assert.equal(whole.code, 0, whole.stderr);
  const lines = whole.stdout.split('\n');
  assert.equal(lines.length, 3 + 15_000 + 1);
  assert.equal(lines[3 + 14_999], 'requests,host=h61 value=14999 1478644266000000000');
  const file = join(dir, 'replay', 'big.tsrec');
  truncateSync(file, Math.floor(statSync(file).size * 0.6));
  const cut = await run('export-recording', 'big');
  assert.equal(cut.code, 3);
  assert.match(cut.stderr, /^Error: Get "http:\/\/127\.0\.0\.1:\d+\/kapacitor\/v1\/recordings\/big\/data": /);
  assert.equal((await run('list')).stderr.split('\n')[0], "Must specify 'tasks', 'templates', 'recordings', 'replays', 'topics', or 'topic-handlers'");
});
