/**
 * UDFs through the real server: [udf.functions.*] agents (child processes and a unix-socket server) answer Info
 * at startup, scripts calling them are checked at define time, tasks stream points and batches through them, and
 * misbehaving agents (crash, hang past the timeout, garbage, ErrorResponse, refused Init, no Info) fail only their
 * own task with a clear error while their process is killed and reaped.
 *
 * Expected outputs are computed by hand from the agents' documented behaviour (test/udf/agents/*.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type Daemon } from '../../server/daemon.ts';
import { silentLogger } from '../../server/logger.ts';
import { until, untilValue } from '../helpers/until.ts';
import { movingAvgAgent } from './agents/moving-avg.ts';
import { socketServer } from './agents/kit.ts';
import { alive, pidsIn, processFunction, udfConfig } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickstream-udf-'));
const sock = join(dir, 'avg.sock');
const pidFile = (mode: string): string => join(dir, `${mode}.pids`);
let daemon: Daemon;
let sockServer: Server;
let sockConnections = 0;

before(async () => {
  sockServer = await socketServer(sock, () => { sockConnections++; return movingAvgAgent(); });
  const conf = join(dir, 'kapacitor.conf');
  // the tsx agents get 60s: starting node with tsx takes seconds on a loaded machine, and the keepalive timeout
  // runs from the process start (Info and Init included); the plain-JS faulty agent starts in milliseconds
  const faulty = (name: string, mode: string, timeout = '10s'): string =>
    processFunction(name, 'faulty.mjs', { args: [mode, pidFile(mode)], timeout });
  writeFileSync(conf, [
    '[udf]',
    '[udf.functions]',
    processFunction('movingAvg', 'moving-avg.ts', { timeout: '60s' }),
    processFunction('outliers', 'outliers.ts', { timeout: '60s' }),
    `  [udf.functions.sockAvg]\n    socket = ${JSON.stringify(sock)}\n    timeout = "10s"\n`,
    faulty('crash', 'crash'),
    faulty('hang', 'hang', '3s'), // not shorter: node itself may take a second to start on a loaded machine
    faulty('garbage', 'garbage'),
    faulty('errs', 'error'),
    faulty('initfail', 'initfail'),
    faulty('noinfo', 'noinfo'),
    faulty('polite', 'polite', '30s'), // well-behaved: answers Info/Init/keepalives, ignores points, exits on EOF
  ].join('\n'));
  daemon = await startDaemon(udfConfig(conf, join(dir, 'data')), silentLogger());
});

after(async () => {
  await daemon?.close();
  // the process table is clean: every agent this file started (Info at startup, one per task) is gone
  const all = ['crash', 'hang', 'garbage', 'error', 'initfail', 'noinfo', 'polite'].flatMap((m) => pidsIn(pidFile(m)));
  await until('every agent reaped', () => all.every((p) => !alive(p)), 15_000);
  await new Promise<void>((resolve) => sockServer?.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const api = (): string => daemon.url + '/kapacitor/v1';

async function define(id: string, script: string, status = 'enabled'): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(api() + '/tasks', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, dbrps: [{ db: 'db', rp: 'autogen' }], script, status }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function write(lines: string): Promise<void> {
  const r = await fetch(daemon.url + '/write?db=db&rp=autogen&precision=ns', { method: 'POST', body: lines });
  assert.equal(r.status, 204, await r.text());
}

async function endpoint(task: string, name: string): Promise<string> {
  return (await fetch(`${api()}/tasks/${task}/${name}`)).text();
}

async function task(id: string): Promise<{ error: string; executing: boolean }> {
  return (await (await fetch(`${api()}/tasks/${id}`)).json()) as { error: string; executing: boolean };
}

const S = 1_000_000_000n;
const T0 = 1478629260n * S; // 2016-11-08T18:21:00Z

describe('stream UDF (child process)', () => {
  it('@movingAvg().field(\'v\').size(3).as(\'avg\') emits the mean of the last 3 values, int64 and ns times exact', async () => {
    const script = "stream\n    |from()\n        .measurement('m')\n    @movingAvg()\n        .field('v')\n        .size(3)\n        .as('avg')\n    |httpOut('x')\n";
    const d = await define('mavg', script);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    // v = 1, 2, 3, 4: no output for the first two; then (1+2+3)/3 = 2 at the 3rd point, (2+3+4)/3 = 3 at the 4th
    await write([1, 2, 3, 4].map((v, i) => `m,host=a v=${v},big=9007199254740993i ${T0 + 7n * S + BigInt(i + 1)}`).join('\n'));
    const want = '{"series":[{"name":"m","tags":{"host":"a"},"columns":["time","avg","big"],'
      + '"values":[["2016-11-08T18:21:07.000000004Z",3,9007199254740993]]}]}';
    await until('movingAvg output', async () => (await endpoint('mavg', 'x')) === want);
    const stats = (await (await fetch(`${api()}/tasks/mavg`)).json()) as { dot: string; executing: boolean };
    assert.equal(stats.executing, true);
    // the UDF node received 4 points and emitted 2
    assert.ok(stats.dot.includes('from1 -> movingAvg2 [processed="4"];'), stats.dot);
    assert.ok(stats.dot.includes('movingAvg2 -> http_out3 [processed="2"];'), stats.dot);
  });
});

describe('batch UDF (child process)', () => {
  it('@outliers() on a window edge answers each batch with its outliers (quartiles by hand)', async () => {
    const script = "stream\n    |from()\n        .measurement('b')\n    |window()\n        .period(10s)\n        .every(10s)\n        .align()\n"
      + "    @outliers()\n        .field('v')\n        .scale(1.5)\n    |httpOut('o')\n";
    const d = await define('outl', script);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    // values at :00…:07 = 10 11 12 13 14 15 100 9 → sorted 9 10 11 12 | 13 14 15 100: q1 = 10.5, q3 = 14.5, IQR 4,
    // bounds [10.5 − 6, 14.5 + 6] = [4.5, 20.5] → only 100 (at :06) is outside; the point at :10 closes the window
    const vs = [10, 11, 12, 13, 14, 15, 100, 9];
    await write([...vs.map((v, i) => `b,host=a v=${v} ${T0 + BigInt(i) * S}`), `b,host=a v=1 ${T0 + 10n * S}`].join('\n'));
    const want = '{"series":[{"name":"b","columns":["time","host","v"],"values":[["2016-11-08T18:21:06Z","a",100]]}]}';
    await until('outliers output', async () => (await endpoint('outl', 'o')) === want);
  });
});

describe('socket UDF', () => {
  it('is served over a unix socket, one connection per task node (plus one for Info at startup)', async () => {
    assert.equal(sockConnections, 1);
    const script = (as: string): string => `stream\n    |from()\n        .measurement('s')\n    @sockAvg()\n        .field('v')\n        .size(2)\n        .as('${as}')\n    |httpOut('x')\n`;
    assert.equal((await define('sock1', script('a'))).status, 200);
    assert.equal((await define('sock2', script('b'))).status, 200);
    // (5 + 6) / 2 = 5.5; (6 + 8) / 2 = 7
    await write(`s v=5 ${T0}\ns v=6 ${T0 + S}\ns v=8 ${T0 + 2n * S}`);
    await until('socket agent output', async () =>
      (await endpoint('sock1', 'x')) === '{"series":[{"name":"s","columns":["time","a"],"values":[["2016-11-08T18:21:02Z",7]]}]}'
      && (await endpoint('sock2', 'x')) === '{"series":[{"name":"s","columns":["time","b"],"values":[["2016-11-08T18:21:02Z",7]]}]}');
    assert.equal(sockConnections, 3);
  });
});

describe('define-time checks against the agents\' Info', () => {
  const bad = async (script: string, message: string): Promise<void> => {
    const d = await define('bad', script, 'disabled');
    assert.equal(d.status, 400, JSON.stringify(d.body));
    assert.equal(d.body.error, message);
  };

  it('option argument types and counts (pipeline/udf.go SetProperty messages)', async () => {
    await bad("stream|from()@movingAvg().size(3.0)", 'invalid TICKscript: line 1 char 27: unexpected arg to size, got DOUBLE expected INT; hint: write an integer literal (no decimal point)');
    await bad("stream|from()@movingAvg().field(3)", 'invalid TICKscript: line 1 char 27: unexpected arg to field, got INT expected STRING');
    await bad("stream|from()@movingAvg().size(1, 2)", 'invalid TICKscript: line 1 char 27: unexpected number of args to size, got 2 expected 1; hint: size() takes INT');
    await bad("stream|from()|window().period(1s).every(1s)@outliers().field('v').scale(2)", 'invalid TICKscript: line 1 char 67: unexpected arg to scale, got INT expected DOUBLE; hint: write a float literal, e.g. 3.0');
  });

  it('unknown options, unknown UDFs, edge types, and a UDF whose Info failed', async () => {
    const d = await define('bad', "stream|from()@movingAvg().sise(3)", 'disabled');
    assert.equal(d.status, 400);
    assert.equal(d.body.error, 'invalid TICKscript: line 1 char 27: no method or property "sise" on *pipeline.UDFNode; hint: did you mean "size"?');
    await bad("stream|from()@nope()", 'invalid TICKscript: line 1 char 15: no UDF named "nope" is configured; hint: UDFs are declared in the [udf] section of the configuration');
    await bad("stream|from()@outliers()", 'invalid TICKscript: line 1 char 15: cannot add child mismatched edges: from1:stream -> outliers2:batch');
    await bad("stream|from()@noinfo()", 'invalid TICKscript: line 1 char 15: UDF "noinfo" is configured but unavailable: '
      + 'failed to load process info for "noinfo": process exited unexpectedly: exit status 2; hint: fix the agent or its [udf.functions.noinfo] section and restart kapacitord');
  });
});

describe('faulty agents fail their own task only; the process is killed and reaped', () => {
  const cases: [name: string, mode: string, error: string][] = [
    ['crash', 'crash', 'crash2: process exited unexpectedly: exit status 3'],
    ['garbage', 'garbage', 'garbage2: read error: truncated varint'],
    ['errs', 'error', 'errs2: bad point: value missing'],
    ['initfail', 'initfail', 'initfail2: failed to initialize processes unsupported option value'],
  ];
  for (const [name, mode, error] of cases) {
    it(`${mode}: the task reports "${error}"`, async () => {
      const d = await define(`f-${mode}`, `stream|from().measurement('f${mode}')@${name}().field('v')|httpOut('x')`);
      assert.equal(d.status, 200, JSON.stringify(d.body));
      await write(`f${mode} v=1 ${T0}`);
      const t = await untilValue(`${mode} task error`, async () => { const x = await task(`f-${mode}`); return x.error !== '' ? x : undefined; });
      assert.equal(t.error, error);
      assert.equal(t.executing, false);
      const pids = pidsIn(pidFile(mode));
      assert.equal(pids.length, 2, 'one agent for Info at startup, one for the task');
      await until(`${mode} agents gone`, () => pids.every((p) => !alive(p)), 15_000);
    });
  }

  it('hang: no response within the 3s timeout → keepalive timeout, the agent is killed', async () => {
    const d = await define('f-hang', "stream|from().measurement('fhang')@hang().field('v')|httpOut('x')");
    assert.equal(d.status, 200, JSON.stringify(d.body));
    await write(`fhang v=1 ${T0}`);
    const t = await untilValue('hang task error', async () => { const x = await task('f-hang'); return x.error !== '' ? x : undefined; });
    assert.match(t.error, /^hang2: keepalive timedout, last keepalive received was: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
    const pids = pidsIn(pidFile('hang'));
    assert.equal(pids.length, 2);
    // it ignores stdin EOF: only the kill after the grace period (2 × timeout) ends it
    await until('hung agent killed', () => pids.every((p) => !alive(p)), 15_000);
  });

  it('other tasks keep running: the movingAvg task still answers', async () => {
    await write([5, 6, 7].map((v, i) => `m,host=a v=${v},big=1i ${T0 + 20n * S + BigInt(i)}`).join('\n'));
    // window now 5 6 7 → 6
    const want = '{"series":[{"name":"m","tags":{"host":"a"},"columns":["time","avg","big"],"values":[["2016-11-08T18:21:20.000000002Z",6,1]]}]}';
    await until('movingAvg still running', async () => (await endpoint('mavg', 'x')) === want);
    assert.equal((await task('mavg')).error, '');
  });

  it('disabling a task ends its agent: stdin closed, the agent exits by itself (long before the 60s kill)', async () => {
    const d = await define('f-stop', "stream|from().measurement('fstop')@polite().field('v')|httpOut('x')");
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const pids = await untilValue('polite agent started', async () => { const p = pidsIn(pidFile('polite')); return p.length === 2 ? p : undefined; });
    assert.ok(alive(pids[1]!), 'the task\'s agent runs');
    const r = await fetch(`${api()}/tasks/f-stop`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"status":"disabled"}' });
    assert.equal(r.status, 200);
    assert.equal((await task('f-stop')).executing, false);
    await until('polite agent exited', () => !alive(pids[1]!), 10_000);
  });
});
