/**
 * Issue 17 bad input on the task side, against a real kapacitord: a 10,000-deep lambda, an oversized script,
 * more tasks than [limits] max-tasks, a catastrophic-backtracking regex, and 10^6 distinct series through a
 * groupBy. Each shows the clear error (or the bounded outcome), that nothing was stored for a refusal, that the
 * refusal is counted in /metrics, and that the server keeps serving (ping, a write) afterwards.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type ServerProcess } from '../cli/processes.ts';
import { until } from '../helpers/until.ts';

let s: ServerProcess;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tickstream-task-limits-'));
  s = await startServer(dir, {
    KAPACITOR_LIMITS_MAX_TASKS: '3',
    KAPACITOR_LIMITS_MAX_TICKSCRIPT_SIZE: '100000',
    KAPACITOR_LIMITS_MAX_GROUPS_PER_NODE: '1000',
    KAPACITOR_LIMITS_GROUP_IDLE_TIMEOUT: '1m',
    KAPACITOR_HTTP_LOG_ENABLED: 'false',
  });
});
after(async () => {
  await s?.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(s.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

async function write(lines: string, db = 'd'): Promise<void> {
  const res = await fetch(`${s.url}/write?db=${db}&rp=r&precision=s`, { method: 'POST', body: lines });
  assert.equal(res.status, 204, await res.text());
}

async function servesStill(): Promise<void> {
  assert.equal((await fetch(`${s.url}/kapacitor/v1/ping`)).status, 204);
  await write('still,host=a v=1 1\n', 'elsewhere');
}

async function metric(pattern: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (pattern.test(line)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function taskIds(): Promise<string[]> {
  const r = await call('GET', '/kapacitor/v1/tasks?fields=id');
  return (r.json.tasks as { id: string }[]).map((t) => t.id).sort();
}

describe('TICKscript limits', () => {
  it('a 10,000-deep nested lambda: 400 with line and char, nothing stored, no crash', async () => {
    const lambda = '('.repeat(10_000) + '"v"' + ')'.repeat(10_000) + ' > 1';
    const script = `dbrp "d"."r"\nstream\n    |from()\n        .measurement('m')\n    |where(lambda: ${lambda})\n    |httpOut('o')\n`;
    // line 5 is `    |where(lambda: ` (19 bytes; `where(` opens level 1), then the lambda's parentheses at char 20, 21, …:
    // the 256th of them (char 275) opens level 257, one more than the limit
    const r = await call('POST', '/kapacitor/v1/tasks', { id: 'deep', type: 'stream', script });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid TICKscript: line 5 char 275: expression nested deeper than [limits] max-tickscript-depth (256); hint: split the expression into vars');
    assert.deepEqual(await taskIds(), []);
    assert.equal(await metric(/^tickstream_limit_refusals_total\{limit="max-tickscript-depth"\}/), 1);
    await servesStill();
  });

  it('a script over max-tickscript-size: 400 naming the limit', async () => {
    const script = `dbrp "d"."r"\nstream|from().measurement('m')|httpOut('o')\n// ${'x'.repeat(100_000)}\n`;
    const r = await call('POST', '/kapacitor/v1/tasks', { id: 'big', type: 'stream', script });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, `invalid TICKscript: script is ${Buffer.byteLength(script)} bytes, larger than [limits] max-tickscript-size (100000 bytes)`);
    assert.deepEqual(await taskIds(), []);
    await servesStill();
  });
});

describe('regex safety', () => {
  it('/(a+)+$/ in where() against a 30,000-character string finishes at once (RE2, no backtracking)', async () => {
    const script = `dbrp "d"."r"\nstream\n    |from()\n        .measurement('re')\n    |where(lambda: "s" =~ /(a+)+$/)\n    |httpOut('o')\n`;
    const r = await call('POST', '/kapacitor/v1/tasks', { id: 'regex', type: 'stream', script, status: 'enabled' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const started = Date.now();
    // no match: a backtracking engine would try 2^30000 ways; then a matching point
    await write(`re s="${'a'.repeat(30_000)}b" 1\nre s="${'a'.repeat(30_000)}" 2\n`);
    const took = Date.now() - started;
    assert.ok(took < 10_000, `the write returned in ${took} ms`);
    await until('the matching point reached httpOut', async () => {
      const out = await call('GET', '/kapacitor/v1/tasks/regex/o');
      return out.status === 200 && out.json.series?.[0]?.values?.length === 1;
    });
    const out = await call('GET', '/kapacitor/v1/tasks/regex/o');
    assert.equal(out.json.series[0].values[0][1], 'a'.repeat(30_000));
    await servesStill();
  });

  it('lookarounds and backreferences (not RE2) are refused with Go\'s message', async () => {
    for (const [re, msg] of <[string, string][]>[['(?=a)b', 'invalid or unsupported Perl syntax: `(?=`'], ['(a)\\1', 'invalid escape sequence: `\\1`']]) {
      const script = `dbrp "d"."r"\nstream|from().measurement('m')|where(lambda: "s" =~ /${re}/)|httpOut('o')\n`;
      const r = await call('POST', '/kapacitor/v1/tasks', { id: 'bad_re', type: 'stream', script });
      assert.equal(r.status, 400);
      assert.match(r.json.error, new RegExp(`error parsing regexp: ${msg.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`));
    }
    await servesStill();
  });
});

describe('groups per node', () => {
  it('10^6 distinct series through groupBy stay bounded at max-groups-per-node; idle groups expire in data time', async () => {
    const script = `dbrp "d"."r"\nstream\n    |from()\n        .measurement('series')\n    |groupBy('id')\n    |derivative('v')\n    |httpOut('o')\n`;
    const r = await call('POST', '/kapacitor/v1/tasks', { id: 'groups', type: 'stream', script, status: 'enabled' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const PER_WRITE = 50_000;
    for (let w = 0; w < 20; w++) {
      let body = '';
      for (let i = 0; i < PER_WRITE; i++) body += `series,id=s${w * PER_WRITE + i} v=1 100\n`;
      await write(body);
    }
    const cardinality = /^tickstream_node_working_cardinality\{task="groups",node="derivative\d+",kind="derivative"\}/;
    assert.equal(await metric(cardinality), 1000, 'the derivative node keeps max-groups-per-node groups');
    assert.equal(await metric(/^tickstream_node_groups_evicted_total\{task="groups",node="derivative\d+"/), 1_000_000 - 1000);
    await servesStill();
    // data time moves 2 minutes on (past the 1m idle timeout): the 1000 groups not seen since expire
    await write('series,id=late v=1 220\n');
    assert.equal(await metric(cardinality), 1, 'only the group seen within the timeout is kept');
    assert.equal(await metric(/^tickstream_node_groups_expired_total\{task="groups",node="derivative\d+"/), 1000);
    await servesStill();
  });
});

describe('tasks per server', () => {
  it('defining a task past max-tasks: 403 naming the limit, nothing stored; updates of existing tasks still work', async () => {
    const before = await taskIds();
    assert.equal(before.length, 2, `the tasks of the tests above: ${before.join(', ')}`);
    const script = `dbrp "d"."r"\nstream|from().measurement('m')|httpOut('o')\n`;
    assert.equal((await call('POST', '/kapacitor/v1/tasks', { id: 'third', type: 'stream', script })).status, 200);
    const r = await call('POST', '/kapacitor/v1/tasks', { id: 'fourth', type: 'stream', script });
    assert.equal(r.status, 403);
    assert.equal(r.json.error, 'cannot create task: the server already holds 3 tasks, the [limits] max-tasks limit (3); delete a task first');
    assert.deepEqual(await taskIds(), [...before, 'third'].sort());
    assert.equal(await metric(/^tickstream_limit_refusals_total\{limit="max-tasks"\}/), 1);
    assert.equal((await call('PATCH', '/kapacitor/v1/tasks/third', { script: script.replace("'o'", "'p'") })).status, 200);
    assert.equal((await call('DELETE', '/kapacitor/v1/tasks/third')).status, 204);
    assert.equal((await call('POST', '/kapacitor/v1/tasks', { id: 'fourth', type: 'stream', script })).status, 200, 'room again after a delete');
    await servesStill();
  });
});
