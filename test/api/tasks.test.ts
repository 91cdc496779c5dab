// The /kapacitor/v1/tasks API (SPEC 5.1, 5.3) through fastify inject(), with fake evaluator/runner (test/api/fakes.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture } from './fakes.ts';

const SCRIPT = 'stream\n    |from()\n    |httpOut()\n';
const body = (o: unknown) => ({ payload: JSON.stringify(o), headers: { 'content-type': 'application/json' } });

test('POST creates a disabled task with the SPEC 5.3 JSON shape', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const res = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'autoscale', dbrps: [{ db: 'autoscale', rp: 'autogen' }], script: SCRIPT }) });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  // SPEC 5.1: pretty-printed with 4 spaces
  assert.match(res.body, /^\{\n {4}"link": \{\n {8}"rel": "self",/);
  const j = res.json();
  // field order of client/v1 Task (SPEC 5.3)
  assert.deepEqual(Object.keys(j), ['link', 'id', 'template-id', 'type', 'dbrps', 'script', 'vars', 'dot', 'status',
    'executing', 'error', 'stats', 'created', 'modified', 'last-enabled']);
  assert.deepEqual(j.link, { rel: 'self', href: '/kapacitor/v1/tasks/autoscale' });
  assert.equal(j['template-id'], '');
  assert.equal(j.type, 'stream');
  assert.deepEqual(j.dbrps, [{ db: 'autoscale', rp: 'autogen' }]);
  assert.equal(j.status, 'disabled');
  assert.equal(j.executing, false);
  assert.deepEqual(j.stats, {});
  assert.deepEqual(j.vars, {});
  assert.equal(j.created, '2016-11-08T18:21:07Z');
  assert.equal(j['last-enabled'], '0001-01-01T00:00:00Z');
  assert.equal(j.dot, 'digraph autoscale {\nstream0 -> from1;\nfrom1 -> httpout2;\n}');
  assert.equal(f.store.getTask('autoscale')?.status, 'disabled');
});

test('create errors: each a clear 400 and nothing stored', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const dbrps = [{ db: 'a', rp: 'b' }];
  const cases: [unknown, number, RegExp][] = [
    ['{not json', 400, /^invalid JSON/],
    [{ id: 'bad id!', dbrps, script: SCRIPT }, 400, /^task ID must contain only letters, numbers, '-', '\.' and '_'\. "bad id!"$/],
    [{ id: 'x', dbrps }, 400, /^must provide TICKscript$/],
    [{ id: 'x', dbrps, script: 'stream\nSYNTAX' }, 400, /^invalid TICKscript: parser: unexpected SYNTAX/],
    [{ id: 'x', script: SCRIPT }, 400, /^must specify dbrp$/],
    [{ id: 'x', dbrps, script: 'dbrp "a"."b"\n' + SCRIPT }, 400, /^cannot specify dbrp in both implicitly and explicitly$/],
    [{ id: 'x', dbrps, script: SCRIPT, scirpt: 1 }, 400, /unknown field "scirpt"/],
    [{ id: 'x', dbrps, script: SCRIPT, status: 'on' }, 400, /invalid status: "on"/],
    [{ id: 'x', dbrps: [{ db: 'a' }], script: SCRIPT }, 400, /invalid dbrps\[0\]: "rp"/],
    [{ id: 'x', dbrps, script: SCRIPT, vars: { n: { type: 'int', value: 1.5 } } }, 400, /invalid var "n": value 1.5 is not an int/],
    [{ id: 'x', dbrps, script: 'stream\n' + '//'.repeat(600 * 1024) }, 400, /script is too large: \d+ bytes, the limit is 1048576 bytes/],
  ];
  for (const [b, code, re] of cases) {
    const res = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', payload: typeof b === 'string' ? b : JSON.stringify(b) });
    assert.equal(res.statusCode, code, JSON.stringify(b).slice(0, 80));
    const j = res.json();
    assert.match(j.error, re);
    assert.equal(j.message, j.error); // SPEC 5.1 error body
  }
  assert.equal(f.store.listTasks().length, 0);
  const ok = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'x', dbrps, script: SCRIPT }) });
  assert.equal(ok.statusCode, 200);
  const dup = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'x', dbrps, script: SCRIPT }) });
  assert.equal(dup.statusCode, 400);
  assert.equal(dup.json().error, 'task x already exists');
});

test('oversized bodies answer 413 naming the limit', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const res = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', payload: 'x'.repeat(5 * 1024 * 1024) });
  assert.equal(res.statusCode, 413);
  assert.match(res.json().error, /limit is 4194304 bytes/);
});

test('dbrps from dbrp statements; type inferred from the script; missing id gets a UUID', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const res = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ type: 'stream', script: 'dbrp "telegraf"."autogen"\nbatch\n|httpOut()' }) });
  assert.equal(res.statusCode, 200);
  const j = res.json();
  assert.match(j.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(j.type, 'batch'); // SPEC 5.3: 1.8 infers the type
  assert.deepEqual(j.dbrps, [{ db: 'telegraf', rp: 'autogen' }]);
});

test('GET: 404 for unknown ids, parameter validation, raw vs formatted scripts', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', dbrps: [{ db: 'd', rp: 'r' }], script: '  stream\n  |from()\n' }) });
  const nf = await f.app.inject({ url: '/kapacitor/v1/tasks/nosuch' });
  assert.equal(nf.statusCode, 404);
  assert.equal(nf.json().error, 'no task exists');
  const bv = await f.app.inject({ url: '/kapacitor/v1/tasks/a?dot-view=x' });
  assert.equal(bv.statusCode, 400);
  assert.equal(bv.json().error, 'invalid dot-view parameter "x"');
  const bs = await f.app.inject({ url: '/kapacitor/v1/tasks/a?script-format=pretty' });
  assert.equal(bs.json().error, 'invalid script-format parameter "pretty"');
  // the request the real CLI sends for `show` (SPEC Appendix D)
  const ok = await f.app.inject({ url: '/kapacitor/v1/tasks/a?dot-view=attributes&replay-id=&script-format=formatted' });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.json().script, 'stream\n|from()\n');
  const raw = await f.app.inject({ url: '/kapacitor/v1/tasks/a?script-format=raw' });
  assert.equal(raw.json().script, '  stream\n  |from()\n');
});

test('PATCH: enable/disable start and stop the task; last-enabled and stats follow', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', dbrps: [{ db: 'd', rp: 'r' }], script: SCRIPT }) });
  f.clock.now += 60_000_000_000n;
  const en = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ status: 'enabled' }) });
  assert.equal(en.statusCode, 200);
  const j = en.json();
  assert.equal(j.status, 'enabled');
  assert.equal(j.executing, true);
  assert.equal(j['last-enabled'], '2016-11-08T18:22:07Z');
  assert.equal(j.modified, '2016-11-08T18:22:07Z');
  assert.equal(j.created, '2016-11-08T18:21:07Z');
  assert.deepEqual(Object.keys(j.stats), ['task-stats', 'node-stats']);
  assert.match(j.dot, /throughput/);
  // enabling again does not restart a running task
  await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ status: 'enabled' }) });
  assert.deepEqual(f.runner.log, ['start a']);
  // a script change does not touch the running instance (SPEC 5.3)
  await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ script: 'stream\n|from()\n|log()\n' }) });
  assert.deepEqual(f.runner.log, ['start a']);
  const dis = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ status: 'disabled' }) });
  assert.equal(dis.json().executing, false);
  assert.deepEqual(dis.json().stats, {});
  assert.deepEqual(f.runner.log, ['start a', 'stop a']);
  const nf = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/zz', ...body({ status: 'enabled' }) });
  assert.equal(nf.statusCode, 404);
  assert.equal(nf.json().error, 'task does not exist, cannot update');
});

test('PATCH: a failing start answers 500, saves the error, keeps status enabled; a bad script changes nothing', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', dbrps: [{ db: 'd', rp: 'r' }], script: 'stream\n|failStart()' }) });
  const res = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ status: 'enabled' }) });
  assert.equal(res.statusCode, 500);
  assert.equal(res.json().error, 'failStart: cannot start');
  const got = (await f.app.inject({ url: '/kapacitor/v1/tasks/a' })).json();
  assert.equal(got.error, 'failStart: cannot start');
  assert.equal(got.status, 'enabled');
  assert.equal(got.executing, false);
  const before = f.store.getTask('a');
  const bad = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ script: 'SYNTAX' }) });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /^invalid TICKscript: /);
  assert.deepEqual(f.store.getTask('a'), before);
  // changing the script alone does not start it …
  const scriptOnly = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ script: 'stream\n|failStart()\n|log()' }) });
  assert.equal(scriptOnly.statusCode, 200);
  assert.equal(scriptOnly.json().executing, false);
  // … a fixed script plus enable starts it and clears the error (SPEC 5.3 "task start clears error")
  const fixed = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ script: SCRIPT, status: 'enabled' }) });
  assert.equal(fixed.statusCode, 200);
  assert.equal(fixed.json().error, '');
  assert.equal(fixed.json().executing, true);
});

test('POST with status enabled: a failing start answers 500 and keeps the task with its error', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const res = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', status: 'enabled', dbrps: [{ db: 'd', rp: 'r' }], script: 'stream\n|failStart()' }) });
  assert.equal(res.statusCode, 500);
  assert.equal(res.json().error, 'failStart: cannot start');
  const stored = f.store.getTask('a');
  assert.equal(stored?.status, 'enabled');
  assert.equal(stored?.error, 'failStart: cannot start');
  assert.equal(stored?.lastEnabled, f.clock.now);
});

test('PATCH: rename, dbrps and vars replace the stored set', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', status: 'enabled', dbrps: [{ db: 'd', rp: 'r' }, { db: 'e', rp: 'f' }], script: SCRIPT, vars: { x: { type: 'int', value: 1 } } }) });
  const res = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ id: 'b', dbrps: [{ db: 'z', rp: 'y' }], vars: { target: { type: 'duration', value: '1m' } } }) });
  assert.equal(res.statusCode, 200);
  const j = res.json();
  assert.equal(j.id, 'b');
  assert.deepEqual(j.dbrps, [{ db: 'z', rp: 'y' }]);
  assert.deepEqual(j.vars, { target: { type: 'duration', value: 60000000000, description: '' } });
  assert.equal(j.executing, true);
  assert.equal(f.store.getTask('a'), undefined);
  assert.deepEqual(f.runner.log, ['start a', 'stop a', 'start b']);
});

test('DELETE stops a running task; unknown ids answer 204 too', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', status: 'enabled', dbrps: [{ db: 'd', rp: 'r' }], script: SCRIPT }) });
  assert.equal((await f.app.inject({ method: 'DELETE', url: '/kapacitor/v1/tasks/a' })).statusCode, 204);
  assert.equal((await f.app.inject({ method: 'DELETE', url: '/kapacitor/v1/tasks/nosuch' })).statusCode, 204);
  assert.deepEqual(f.runner.log, ['start a', 'stop a']);
  assert.equal(f.store.listTasks().length, 0);
});

test('list: sorted by id, pattern globs, fields subset with id+link and sorted keys, offset/limit', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  for (const id of ['cpu', 'autoscale', 'auto2', 'mem']) {
    await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id, dbrps: [{ db: 'd', rp: 'r' }], script: SCRIPT }) });
  }
  // the real CLI's `list tasks` request (SPEC Appendix D)
  const res = await f.app.inject({ url: '/kapacitor/v1/tasks?dot-view=attributes&fields=type&fields=status&fields=executing&fields=dbrps&limit=100&offset=0&pattern=&replay-id=&script-format=formatted' });
  assert.equal(res.statusCode, 200);
  const tasks = res.json().tasks;
  assert.deepEqual(tasks.map((x: { id: string }) => x.id), ['auto2', 'autoscale', 'cpu', 'mem']);
  assert.deepEqual(Object.keys(tasks[0]), ['dbrps', 'executing', 'id', 'link', 'status', 'type']);
  const pat = await f.app.inject({ url: '/kapacitor/v1/tasks?fields=link&pattern=auto*' });
  assert.deepEqual(pat.json().tasks, [
    { id: 'auto2', link: { rel: 'self', href: '/kapacitor/v1/tasks/auto2' } },
    { id: 'autoscale', link: { rel: 'self', href: '/kapacitor/v1/tasks/autoscale' } },
  ]);
  const page = await f.app.inject({ url: '/kapacitor/v1/tasks?fields=id&offset=1&limit=2' });
  assert.deepEqual(page.json().tasks.map((x: { id: string }) => x.id), ['autoscale', 'cpu']);
  const all = await f.app.inject({ url: '/kapacitor/v1/tasks?pattern=mem' });
  assert.equal(all.json().tasks[0]['template-id'], undefined); // omitted from list results (SPEC 5.3)
  assert.equal(all.json().tasks[0].script, 'stream\n|from()\n|httpOut()\n');
  const bad = await f.app.inject({ url: '/kapacitor/v1/tasks?fields=nope' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error, 'unsupported field "nope"');
  assert.equal((await f.app.inject({ url: '/kapacitor/v1/tasks?offset=-1' })).statusCode, 400);
  assert.equal((await f.app.inject({ url: '/kapacitor/v1/tasks?limit=x' })).statusCode, 400);
  assert.equal((await f.app.inject({ url: '/kapacitor/v1/tasks?pattern=%5B' })).statusCode, 400);
});

test('httpOut endpoints of running tasks; 404 otherwise', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', status: 'enabled', dbrps: [{ db: 'd', rp: 'r' }], script: SCRIPT }) });
  const ok = await f.app.inject({ url: '/kapacitor/v1/tasks/a/out' });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.body, '{"series":null}');
  assert.equal((await f.app.inject({ url: '/kapacitor/v1/tasks/a/other' })).statusCode, 404);
  assert.equal((await f.app.inject({ url: '/kapacitor/v1/tasks/b/out' })).statusCode, 404);
});

test('a task that dies after starting is reported with its error and not executing', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', status: 'enabled', dbrps: [{ db: 'd', rp: 'r' }], script: SCRIPT }) });
  f.runner.running.get('a')!.error = 'boom: something failed';
  const j = (await f.app.inject({ url: '/kapacitor/v1/tasks/a' })).json();
  assert.equal(j.executing, false);
  assert.equal(j.error, 'boom: something failed');
  assert.equal(j.status, 'enabled');
  assert.equal(f.store.getTask('a')?.error, 'boom: something failed');
});

test('/kapacitor/v1preview mirrors v1', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const res = await f.app.inject({ url: '/kapacitor/v1preview/tasks' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { tasks: [] });
  const slash = await f.app.inject({ url: '/kapacitor/v1/tasks/' }); // trailing slash, as Kapacitor routes it
  assert.deepEqual(slash.json(), { tasks: [] });
});

test('POST /loglevel sets the server log level; bad levels are 400 (SPEC 5.4)', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const ok = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/loglevel', ...body({ level: 'debug' }) });
  assert.equal(ok.statusCode, 204);
  assert.equal(f.logger.level, 'debug');
  const bad = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/loglevel', ...body({ level: 'loud' }) });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /^invalid log level "loud"/);
  assert.equal(f.logger.level, 'debug');
});

test('define with a node the runtime does not execute: 400 naming the node and where, nothing stored (issue 13)', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const dbrps = [{ db: 'd', rp: 'r' }];
  const want = 'line 1 char 1: node "sideload" is not supported yet';
  for (const status of ['disabled', 'enabled']) {
    const res = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', status, dbrps, script: 'stream\n|sideload()' }) });
    assert.equal(res.statusCode, 400, status);
    assert.equal(res.json().error, want);
  }
  assert.equal(f.store.listTasks().length, 0);
  assert.deepEqual(f.runner.log, []);
  // an update to such a script is rejected the same way and leaves the task as it was
  await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', ...body({ id: 'a', status: 'enabled', dbrps, script: SCRIPT }) });
  const before = f.store.getTask('a');
  const upd = await f.app.inject({ method: 'PATCH', url: '/kapacitor/v1/tasks/a', ...body({ script: 'stream\n|sideload()' }) });
  assert.equal(upd.statusCode, 400);
  assert.equal(upd.json().error, want);
  assert.deepEqual(f.store.getTask('a'), before);
  assert.deepEqual(f.runner.log, ['start a']);
  // templates: same check at define time
  const tpl = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/templates', ...body({ id: 'tp', script: 'stream\n|sideload()' }) });
  assert.equal(tpl.statusCode, 400);
  assert.equal(tpl.json().error, want);
  assert.equal(f.store.getTemplate('tp'), undefined);
});
