// The requests the CLI sends, compared with those of Kapacitor's own 1.8 CLI (SPEC 6.2–6.3, Appendix D), and
// exit codes/messages of SPEC 6.1, against a stub server on 127.0.0.1:0 that records what it receives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/main.ts';

interface Req { method: string; url: string; ua: string | undefined; body: string }
let server: Server;
let url = '';
let reqs: Req[] = [];
/** path → [status, body] answers; default 404 no task exists */
let answers: Record<string, [number, string]> = {};
let dir = '';

const task = (id: string, status: string) => JSON.stringify({ link: { rel: 'self', href: `/kapacitor/v1/tasks/${id}` }, id, status, type: 'stream', dbrps: [] });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tickstream-cli-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      reqs.push({ method: req.method!, url: req.url!, ua: req.headers['user-agent'], body });
      const key = `${req.method} ${req.url!.split('?')[0]}`;
      const [status, out] = answers[key] ?? answers[`${req.method} ${req.url}`] ?? [404, '{"error":"no task exists","message":"no task exists"}'];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(out);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address() as { port: number };
  url = `http://127.0.0.1:${a.port}`;
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on any more (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  return port;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['-url', url, ...argv], { env: {}, io: { out: (s) => { out += s; }, err: (s) => { err += s; } } });
  return { code, out, err };
}

function reset(a: Record<string, [number, string]> = {}): void {
  reqs = [];
  answers = a;
}

test('define of a new task: GET, then POST {id, dbrps, script, status: disabled}', async () => {
  const tick = join(dir, 'a.tick');
  writeFileSync(tick, 'stream\n    |from()\n');
  reset({ 'POST /kapacitor/v1/tasks': [200, task('autoscale', 'disabled')] });
  const r = await cli('define', 'autoscale', '-tick', tick, '-type', 'stream', '-dbrp', 'autoscale.autogen');
  assert.deepEqual([r.code, r.out, r.err], [0, '', '']);
  assert.deepEqual(reqs.map((q) => `${q.method} ${q.url}`), [
    'GET /kapacitor/v1/tasks/autoscale?dot-view=attributes&replay-id=&script-format=formatted',
    'POST /kapacitor/v1/tasks',
  ]);
  assert.ok(reqs.every((q) => q.ua === 'KapacitorClient'));
  assert.deepEqual(JSON.parse(reqs[1]!.body), { id: 'autoscale', type: 'stream', dbrps: [{ db: 'autoscale', rp: 'autogen' }], script: 'stream\n    |from()\n', status: 'disabled' });
});

test('define of an enabled task: PATCH the given fields, then disable and re-enable (unless -no-reload)', async () => {
  const tick = join(dir, 'b.tick');
  writeFileSync(tick, 'stream\n');
  reset({ 'GET /kapacitor/v1/tasks/autoscale': [200, task('autoscale', 'enabled')], 'PATCH /kapacitor/v1/tasks/autoscale': [200, task('autoscale', 'enabled')] });
  assert.equal((await cli('define', 'autoscale', '-tick', tick)).code, 0);
  assert.deepEqual(reqs.slice(1).map((q) => `${q.method} ${q.url} ${q.body}`), [
    'PATCH /kapacitor/v1/tasks/autoscale {"script":"stream\\n"}',
    'PATCH /kapacitor/v1/tasks/autoscale {"status":"disabled"}',
    'PATCH /kapacitor/v1/tasks/autoscale {"status":"enabled"}',
  ]);
  reset({ 'GET /kapacitor/v1/tasks/autoscale': [200, task('autoscale', 'enabled')], 'PATCH /kapacitor/v1/tasks/autoscale': [200, task('autoscale', 'enabled')] });
  assert.equal((await cli('define', 'autoscale', '-dbrp=a.b', '-no-reload')).code, 0);
  assert.deepEqual(reqs.slice(1).map((q) => `${q.method} ${q.body}`), ['PATCH {"dbrps":[{"db":"a","rp":"b"}]}']);
});

test('define from a template: -template/-vars and -file (YAML with template-id, dbrps, vars)', async () => {
  const vars = join(dir, 'vars.json');
  writeFileSync(vars, JSON.stringify({ m: { type: 'string', value: 'cpu' } }));
  reset({ 'POST /kapacitor/v1/tasks': [200, task('t1', 'disabled')] });
  assert.equal((await cli('define', 't1', '-template', 'tpl', '-vars', vars, '-dbrp', 'a.b')).code, 0);
  assert.equal(reqs[1]!.body, '{"id":"t1","template-id":"tpl","dbrps":[{"db":"a","rp":"b"}],"status":"disabled","vars":{"m":{"type":"string","value":"cpu"}}}');
  const file = join(dir, 'task.yaml');
  writeFileSync(file, 'template-id: tpl\ndbrps: ["telegraf.autogen"]\nvars:\n  m: {type: string, value: mem}\n');
  reset({ 'POST /kapacitor/v1/tasks': [200, task('t2', 'disabled')] });
  assert.equal((await cli('define', 't2', '-file', file)).code, 0);
  assert.deepEqual(JSON.parse(reqs[1]!.body), { id: 't2', 'template-id': 'tpl', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'disabled', vars: { m: { type: 'string', value: 'mem' } } });
  const missing = await cli('define', 't3', '-tick', join(dir, 'nope.tick'));
  assert.equal(missing.code, 3);
  assert.match(missing.err, /^Error: failed to read tick file: open .*nope\.tick: no such file or directory\n$/);
});

test('enable/disable/delete list matches by pattern first, then act on each link (unknown ids: nothing, exit 0)', async () => {
  const list = JSON.stringify({ tasks: [{ id: 'auto1', link: { rel: 'self', href: '/kapacitor/v1/tasks/auto1' } }, { id: 'auto2', link: { rel: 'self', href: '/kapacitor/v1/tasks/auto2' } }] });
  reset({ 'GET /kapacitor/v1/tasks': [200, list], 'PATCH /kapacitor/v1/tasks/auto1': [200, '{}'], 'PATCH /kapacitor/v1/tasks/auto2': [200, '{}'] });
  assert.equal((await cli('enable', 'auto*')).code, 0);
  assert.deepEqual(reqs.map((q) => `${q.method} ${q.url} ${q.body}`), [
    'GET /kapacitor/v1/tasks?dot-view=attributes&fields=link&limit=100&offset=0&pattern=auto*&replay-id=&script-format=formatted ',
    'PATCH /kapacitor/v1/tasks/auto1 {"status":"enabled"}',
    'PATCH /kapacitor/v1/tasks/auto2 {"status":"enabled"}',
  ]);
  reset({ 'GET /kapacitor/v1/tasks': [200, '{"tasks":[]}'] });
  const d = await cli('delete', 'tasks', 'nosuch');
  assert.deepEqual([d.code, d.out, d.err], [0, '', '']);
  assert.equal(reqs.length, 1);
  reset({ 'GET /kapacitor/v1/tasks': [200, list], 'PATCH /kapacitor/v1/tasks/auto1': [500, '{"error":"node \\"alert\\" is not supported yet"}'] });
  const e = await cli('enable', 'auto*');
  assert.deepEqual([e.code, e.err], [3, 'Error: enabling task auto1: node "alert" is not supported yet\n']);
});

test('list tasks and list templates send the real CLI requests', async () => {
  reset({ 'GET /kapacitor/v1/tasks': [200, '{"tasks":[]}'], 'GET /kapacitor/v1/templates': [200, '{"templates":[]}'] });
  const r = await cli('list', 'tasks');
  assert.equal(r.out, 'ID Type      Status    Executing Databases and Retention Policies\n');
  await cli('list', 'templates');
  assert.deepEqual(reqs.map((q) => q.url), [
    '/kapacitor/v1/tasks?dot-view=attributes&fields=type&fields=status&fields=executing&fields=dbrps&limit=100&offset=0&pattern=&replay-id=&script-format=formatted',
    '/kapacitor/v1/templates?fields=type&fields=vars&limit=100&offset=0&pattern=&script-format=formatted',
  ]);
});

test('exit codes and messages (SPEC 6.1, Appendix D)', async () => {
  reset();
  assert.deepEqual(await cli('show', 'nosuch'), { code: 3, out: '', err: 'Error: no task exists\n' });
  const bogus = await cli('bogus');
  assert.equal(bogus.code, 1);
  assert.match(bogus.err, /^Unknown command bogus\nUsage: kapacitor \[options\] \[command\] \[args\]\n/);
  const none = await run([], { env: {}, io: { out: () => {}, err: () => {} } });
  assert.equal(none, 1);
  const def = await cli('define');
  assert.equal(def.code, 2);
  assert.match(def.err, /^Must provide a task ID\.\nUsage: kapacitor define/);
  assert.equal((await cli('show')).code, 2);
  assert.match((await cli('enable')).err, /^Must pass at least one task ID\n/);
  assert.match((await cli('delete', 'tasks')).err, /^Must pass at least one ID\n/);
  const del = await cli('delete', 'things', 'x');
  assert.deepEqual([del.code, del.err], [3, "Error: cannot delete 'things' did you mean 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'?\n"]);
  const stats = await cli('stats');
  assert.equal(stats.code, 3);
  assert.match(stats.err, /^Usage: kapacitor stats <general\|ingress>\n[\s\S]*Error: must provide a stats category\n$/);
  reset({ 'GET /kapacitor/v1/debug/vars': [200, '{"num_tasks": 1}'] });
  assert.deepEqual(await cli('stats', 'nosuch'), { code: 0, out: '', err: '' });
  assert.deepEqual(await cli('vars'), { code: 0, out: '{"num_tasks": 1}', err: '' }); // raw, no newline added
  reset({ 'GET /kapacitor/v1/tasks/x': [502, 'bad gateway'] });
  assert.deepEqual(await cli('show', 'x'), { code: 3, out: '', err: 'Error: invalid response: code 502: body: bad gateway\n' });
  const scheme = await run(['-url', 'ftp://x', 'list', 'tasks'], { env: {}, io: { out: () => {}, err: () => {} } });
  assert.equal(scheme, 4);
  assert.match((await cli('define', 'x', '-bogus', 'y')).err, /^flag provided but not defined: -bogus\n/);
});

test('KAPACITOR_URL is used when -url is absent; a refused connection is a command failure', async () => {
  reset({ 'GET /kapacitor/v1/tasks': [200, '{"tasks":[]}'] });
  let out = '';
  const code = await run(['list', 'tasks'], { env: { KAPACITOR_URL: url }, io: { out: (s) => { out += s; }, err: () => {} } });
  assert.equal(code, 0);
  assert.match(out, /^ID Type/);
  // a port that was just free (not port 1: fetch refuses such "bad ports" before connecting, another error)
  const port = await closedPort();
  let err = '';
  const refused = await run(['-url', `http://127.0.0.1:${port}`, 'list', 'tasks'], { env: {}, io: { out: () => {}, err: (s) => { err += s; } } });
  assert.equal(refused, 3);
  assert.match(err, new RegExp(`^Error: Get "http://127\\.0\\.0\\.1:${port}/kapacitor/v1/tasks\\?[^"]*": dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused\\n$`));
});

test('define ignores errors of its first GET (SPEC 6.2): the create reports the problem', async () => {
  const tick = join(dir, 'c.tick');
  writeFileSync(tick, 'stream\n');
  // an unparseable 200 answer counts as "no such task": the task is created
  reset({ 'GET /kapacitor/v1/tasks/t': [200, 'not json'], 'POST /kapacitor/v1/tasks': [200, task('t', 'disabled')] });
  assert.deepEqual(await cli('define', 't', '-tick', tick), { code: 0, out: '', err: '' });
  assert.deepEqual(reqs.map((q) => q.method), ['GET', 'POST']);
  // a refused connection: the error is the POST's, as Go's doDefine ignores the GET error (SPEC 6.1: exit 3)
  const port = await closedPort();
  let err = '';
  const code = await run(['-url', `http://127.0.0.1:${port}`, 'define', 't', '-tick', tick], { env: {}, io: { out: () => {}, err: (s) => { err += s; } } });
  assert.equal(code, 3);
  assert.equal(err, `Error: Post "http://127.0.0.1:${port}/kapacitor/v1/tasks": dial tcp 127.0.0.1:${port}: connect: connection refused\n`);
});

test('define -file: a wrong type in the task file is an error naming the file and the entry', async () => {
  const cases: [string, RegExp][] = [
    ['template-id: 3\n', /template-id must be a string, got 3/],
    ['dbrps: telegraf.autogen\n', /dbrps must be a list of "db\.rp" strings/],
    ['dbrps: ["a.b", "nodot"]\n', /dbrps\[1\]: does not contain a '\.'/],
    ['dbrps: [{db: a, rp: b}]\n', /dbrps\[0\] must be a "db\.rp" string/],
    ['vars: [1, 2]\n', /vars must be a mapping/],
  ];
  for (const [yaml, re] of cases) {
    const file = join(dir, 'bad-task.yaml');
    writeFileSync(file, yaml);
    reset();
    const r = await cli('define', 'bad', '-file', file);
    assert.equal(r.code, 3, yaml);
    assert.match(r.err, new RegExp(`^Error: task file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${re.source}`), yaml);
    assert.equal(reqs.length, 0, 'nothing is sent for a bad task file');
  }
});

test('a server on a port fetch calls "bad" (6000, 6665-6669, 10080) is reachable, as with Go\'s client', async (t) => {
  // SPEC 6.1: -url takes any http(s) URL; WHATWG fetch refuses these ports before connecting
  let bad: Server | undefined;
  let port = 0;
  for (const p of [10080, 6000, 6665, 6666, 6667, 6668, 6669]) {
    const s = createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"tasks":[]}'); req.resume(); });
    const ok = await new Promise<boolean>((r) => { s.once('error', () => r(false)); s.listen(p, '127.0.0.1', () => r(true)); });
    if (ok) { bad = s; port = p; break; }
  }
  if (!bad) { t.skip('none of the ports is free'); return; }
  t.after(() => new Promise<void>((r) => bad!.close(() => r())));
  let out = '';
  const code = await run(['-url', `http://127.0.0.1:${port}`, 'list', 'tasks'], { env: {}, io: { out: (s) => { out += s; }, err: () => {} } });
  assert.equal(code, 0);
  assert.equal(out, 'ID Type      Status    Executing Databases and Retention Policies\n');
});

const rec = (id: string, status: string) => JSON.stringify({ link: { rel: 'self', href: `/kapacitor/v1/recordings/${id}` }, id, type: 'stream', size: 0, date: '2016-11-08T18:21:07Z', error: '', status, progress: 0 });
const replayJson = (id: string, status: string) => JSON.stringify({ link: { rel: 'self', href: `/kapacitor/v1/replays/${id}` }, id, task: 't', recording: 'r', 'recording-time': false, clock: 'fast', date: '2016-11-08T18:21:07Z', error: '', status, progress: 0 });

test('record stream: POST {id, task, stop = now + duration}, then poll the link every 500 ms until it is done', async () => {
  reset({ 'POST /kapacitor/v1/recordings/stream': [201, rec('r', 'running')], 'GET /kapacitor/v1/recordings/r': [200, rec('r', 'finished')] });
  const before = Date.now();
  const r = await cli('record', 'stream', '-task', 't', '-duration', '1m', '-recording-id', 'r');
  assert.deepEqual([r.code, r.out, r.err], [0, 'r\n', '']);
  assert.deepEqual(reqs.map((q) => `${q.method} ${q.url}`), ['POST /kapacitor/v1/recordings/stream', 'GET /kapacitor/v1/recordings/r']);
  const body = JSON.parse(reqs[0]!.body) as { stop: string };
  assert.deepEqual(Object.keys(body), ['id', 'task', 'stop']);
  const stop = Date.parse(body.stop);
  assert.ok(stop >= before + 60_000 && stop <= Date.now() + 60_000, body.stop);
  assert.ok(Date.now() - before >= 500, 'polled after 500 ms');
  // no -recording-id: the id is left out (omitempty); -no-wait: no polling, nothing printed
  reset({ 'POST /kapacitor/v1/recordings/stream': [201, rec('gen', 'running')] });
  const nw = await cli('record', 'stream', '-task', 't', '-duration', '10s', '-no-wait');
  assert.deepEqual([nw.code, nw.out], [0, '']);
  assert.deepEqual(Object.keys(JSON.parse(reqs[0]!.body) as object), ['task', 'stop']);
  assert.equal(reqs.length, 1);
  // a failed recording: its id, then its error (exit 3)
  reset({ 'POST /kapacitor/v1/recordings/stream': [201, rec('f', 'running')], 'GET /kapacitor/v1/recordings/f': [200, rec('f', 'failed')] });
  const f = await cli('record', 'stream', '-task', 't', '-duration', '1s');
  assert.deepEqual([f.code, f.out, f.err], [3, 'f\n', 'Error: recording failed: unknown reason\n']);
});

test('record batch and query send Go\'s RecordBatchOptions/RecordQueryOptions', async () => {
  reset({ 'POST /kapacitor/v1/recordings/batch': [201, rec('b', 'finished')], 'POST /kapacitor/v1/recordings/query': [201, rec('q', 'finished')] });
  const b = await cli('record', 'batch', '-task', 't', '-past', '1h', '-stop', '2016-11-08T18:21:07Z');
  assert.deepEqual([b.code, b.out], [0, 'b\n']);
  assert.deepEqual(JSON.parse(reqs[0]!.body), { task: 't', start: '2016-11-08T17:21:07Z', stop: '2016-11-08T18:21:07Z' });
  const q = await cli('record', 'query', '-query', 'select value from cpu', '-type', 'batch', '-cluster', 'c', '-recording-id', 'q');
  assert.deepEqual([q.code, q.out], [0, 'q\n']);
  assert.equal(reqs[1]!.body, '{"id":"q","query":"select value from cpu","type":"batch","cluster":"c"}');
});

test('import: record stream -file POSTs the file as it is to /recordings/import with id, db, rp, precision', async () => {
  const lp = join(dir, 'data.lp');
  writeFileSync(lp, 'm v=1 1\n');
  reset({ 'POST /kapacitor/v1/recordings/import': [201, rec('imp', 'finished')] });
  const r = await cli('record', 'stream', '-file', lp, '-db', 'd', '-rp', 'r', '-precision', 's', '-recording-id', 'imp');
  assert.deepEqual([r.code, r.out, r.err], [0, 'imp\n', '']);
  assert.deepEqual(reqs.map((q) => `${q.method} ${q.url} ${q.body}`), ['POST /kapacitor/v1/recordings/import?db=d&id=imp&precision=s&rp=r m v=1 1\n']);
  reset({ 'POST /kapacitor/v1/recordings/import': [400, '{"error":"line 1: no database"}'] });
  const bad = await cli('record', 'stream', '-file', lp);
  assert.deepEqual([bad.code, bad.err], [3, 'Error: line 1: no database\n']);
  assert.equal(reqs[0]!.url, '/kapacitor/v1/recordings/import');
});

test('replay: POST Go\'s CreateReplayOptions (every field), poll, print the id', async () => {
  reset({ 'POST /kapacitor/v1/replays': [201, replayJson('p', 'running')], 'GET /kapacitor/v1/replays/p': [200, replayJson('p', 'finished')] });
  const r = await cli('replay', '-recording', 'r', '-task', 't', '-real-clock', '-rec-time', '-replay-id', 'p');
  assert.deepEqual([r.code, r.out, r.err], [0, 'p\n', '']);
  assert.equal(reqs[0]!.body, '{"id":"p","recording":"r","task":"t","recording-time":true,"clock":"real"}');
  assert.deepEqual(reqs.map((q) => `${q.method} ${q.url}`), ['POST /kapacitor/v1/replays', 'GET /kapacitor/v1/replays/p']);
  reset({ 'POST /kapacitor/v1/replays': [201, replayJson('p', 'finished')] });
  await cli('replay', '-recording', 'r', '-task', 't');
  assert.equal(reqs[0]!.body, '{"id":"","recording":"r","task":"t","recording-time":false,"clock":"fast"}');
});

test('list and delete recordings/replays: the real CLI\'s queries (pages of 100), then DELETE each link', async () => {
  reset({ 'GET /kapacitor/v1/recordings': [200, '{"recordings":[]}'], 'GET /kapacitor/v1/replays': [200, '{"replays":[]}'] });
  await cli('list', 'recordings', 'a*');
  await cli('list', 'replays');
  assert.deepEqual(reqs.map((q) => q.url), [
    '/kapacitor/v1/recordings?fields=type&fields=size&fields=date&fields=status&limit=100&offset=0&pattern=a*',
    '/kapacitor/v1/replays?fields=task&fields=recording&fields=status&fields=clock&fields=date&limit=100&offset=0&pattern=',
  ]);
  reset({
    'GET /kapacitor/v1/recordings': [200, `{"recordings":[${rec('r1', 'finished')}]}`],
    'DELETE /kapacitor/v1/recordings/r1': [204, ''],
    'GET /kapacitor/v1/replays': [200, `{"replays":[${replayJson('p1', 'finished')}]}`],
    'DELETE /kapacitor/v1/replays/p1': [204, ''],
  });
  assert.equal((await cli('delete', 'recordings', 'r*')).code, 0);
  assert.equal((await cli('delete', 'replays', 'p1')).code, 0);
  assert.deepEqual(reqs.map((q) => `${q.method} ${q.url}`), [
    'GET /kapacitor/v1/recordings?fields=link&limit=100&offset=0&pattern=r*',
    'DELETE /kapacitor/v1/recordings/r1',
    'GET /kapacitor/v1/replays?fields=link&limit=100&offset=0&pattern=p1',
    'DELETE /kapacitor/v1/replays/p1',
  ]);
});
