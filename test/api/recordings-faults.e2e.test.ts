/**
 * Recordings and replays under faults (issue 12, "Bad input and faults"), against a real kapacitord process:
 * - the disk refusing a recording's writes: the server runs with a file-size limit (RLIMIT_FSIZE, `ulimit -f`),
 *   so writing the recording file past it fails with EFBIG exactly as a full disk fails with ENOSPC — a real
 *   write error from the kernel, no hook. The recording is marked `failed` with the error; the live task, /write
 *   and other recordings carry on.
 * - 100 concurrent replays of one recording: all finish with the same result (the live task's result for the same
 *   points), and the server keeps answering meanwhile.
 * (Deleting a recording during a replay: recordings.e2e.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, write, type ServerProcess } from '../cli/processes.ts';
import { TUTORIAL_TOTALS } from '../helpers/tutorial-script.ts';

interface Ctx { after(fn: () => unknown): void }

const SCRIPT = `dbrp "autoscale"."autogen"\n${TUTORIAL_TOTALS}    |httpOut('totals')\n`;
const FAR_FUTURE = '2100-01-01T00:00:00Z';

async function call(s: { url: string }, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(s.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text };
}

async function settled(s: { url: string }, path: string): Promise<any> {
  for (let i = 0; i < 1200; i++) {
    const r = await call(s, 'GET', path);
    if (r.json?.status !== 'running') return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${path} still running after a minute`);
}

test('a write error while recording (file too large, as a full disk) fails that recording only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-full-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const LIMIT_KIB = 1024;
  const s = await startServer(dir, {}, { fileSizeLimitKiB: LIMIT_KIB });
  t.after(() => s.stop());
  assert.equal((await call(s, 'POST', '/kapacitor/v1/tasks', { id: 'totals', script: SCRIPT, status: 'enabled' })).status, 200);
  assert.equal((await call(s, 'POST', '/kapacitor/v1/recordings/stream', { id: 'big', task: 'totals', stop: FAR_FUTURE })).status, 201);

  // 3 MiB of random base64 in string fields: gzip cannot shrink it below the 1 MiB limit
  const WRITES = 24;
  const LINES = 100;
  let written = 0;
  for (let w = 0; w < WRITES; w++) {
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) {
      const n = w * LINES + i;
      lines.push(`requests,host=h${n % 10},replicaset=rs${n % 2} value=${n},blob="${randomBytes(1024).toString('base64')}" ${1478629267 + n}`);
    }
    assert.equal(await write(s.url, 'autoscale', 'autogen', lines.join('\n')), 204, '/write keeps accepting while the recording fails');
    written += LINES;
  }
  const failed = await settled(s, '/kapacitor/v1/recordings/big');
  assert.equal(failed.status, 200);
  assert.equal(failed.json.status, 'failed');
  // the error is the file system's, naming the file
  const file = join(dir, 'replay', 'big.tsrec');
  assert.equal(failed.json.error, `writing recording ${file}: EFBIG: file too large, write`);
  assert.ok(statSync(file).size <= LIMIT_KIB * 1024, 'nothing was written past the limit');

  // the live task saw every point and keeps running
  const live = await call(s, 'GET', '/kapacitor/v1/tasks/totals');
  assert.equal(live.json.executing, true);
  assert.equal(live.json.error, '');
  assert.equal(live.json.stats['node-stats'].stream0.collected, written);
  assert.equal(await write(s.url, 'autoscale', 'autogen', `requests,host=h0,replicaset=rs0 value=1 ${1478629267 + written}`), 204);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/tasks/totals')).json.stats['node-stats'].stream0.collected, written + 1);

  // another recording (small: under the limit) records and finishes normally, and replays
  assert.equal((await call(s, 'POST', '/kapacitor/v1/recordings/stream', { id: 'small', task: 'totals', stop: FAR_FUTURE })).status, 201);
  const t1 = 1478629267 + written + 1;
  assert.equal(await write(s.url, 'autoscale', 'autogen', `requests,host=h0,replicaset=rs0 value=2 ${t1}\nrequests,host=h0,replicaset=rs0 value=3 ${t1 + 1}`), 204);
  assert.equal(await write(s.url, 'autoscale', 'autogen', 'requests,host=h0,replicaset=rs0 value=4 4102444801'), 204); // past stop: ends it
  const small = await settled(s, '/kapacitor/v1/recordings/small');
  assert.equal(small.json.status, 'finished', small.text);
  await call(s, 'POST', '/kapacitor/v1/replays', { id: 'rp', task: 'totals', recording: 'small', 'recording-time': true });
  const rp = await settled(s, '/kapacitor/v1/replays/rp');
  assert.equal(rp.json.status, 'finished', rp.text);
  assert.equal(rp.json.stats['node-stats'].stream0.collected, 2);
  // the failed recording is listed as failed and deletes cleanly (row and file)
  const list = await call(s, 'GET', '/kapacitor/v1/recordings?fields=status');
  assert.deepEqual(list.json.recordings.map((r: { id: string; status: string }) => [r.id, r.status]), [['big', 'failed'], ['small', 'finished']]);
  assert.equal((await call(s, 'DELETE', '/kapacitor/v1/recordings/big')).status, 204);
  assert.deepEqual(readdirSync(join(dir, 'replay')), ['small.tsrec']);
});

async function server(t: Ctx): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-many-'));
  const s = await startServer(dir);
  t.after(async () => { await s.stop('SIGTERM'); rmSync(dir, { recursive: true, force: true }); });
  return s;
}

test('100 concurrent replays of one recording all finish with the live result; the server keeps answering', async (t) => {
  const s = await server(t);
  await call(s, 'POST', '/kapacitor/v1/tasks', { id: 'totals', script: SCRIPT, status: 'enabled' });
  // 120 s of 40 hosts' counters over 4 replicasets: 4800 points
  const lines: string[] = [];
  for (let sec = 0; sec < 120; sec++) {
    for (let h = 0; h < 40; h++) lines.push(`requests,host=h${h},replicaset=rs${h % 4} value=${sec * (10 + h)}i ${1478629267 + sec}`);
  }
  const lp = lines.join('\n');
  const imp = await fetch(`${s.url}/kapacitor/v1/recordings/import?id=rec&db=autoscale&rp=autogen&precision=s`, { method: 'POST', body: lp });
  assert.equal(imp.status, 201, await imp.clone().text());
  // the same points written live: a replay with recorded times must give what the live task gave
  assert.equal(await write(s.url, 'autoscale', 'autogen', lp), 204);
  const live = (await call(s, 'GET', '/kapacitor/v1/tasks/totals/totals')).text;
  assert.match(live, /"series":\[/);

  const N = 100;
  const ids = Array.from({ length: N }, (_, i) => `rp${i}`);
  const created = await Promise.all(ids.map((id) => call(s, 'POST', '/kapacitor/v1/replays', { id, task: 'totals', recording: 'rec', 'recording-time': true })));
  assert.deepEqual(created.map((c) => c.status), ids.map(() => 201));
  // while they run, the server answers (ping, a task read, a write to the live task)
  const t0 = performance.now();
  assert.equal((await call(s, 'GET', '/kapacitor/v1/ping')).status, 204);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/tasks/totals')).status, 200);
  assert.equal(await write(s.url, 'other', 'autogen', 'requests,host=x,replicaset=y value=1 1478629267'), 204);
  const answered = performance.now() - t0;

  for (const id of ids) {
    const r = await settled(s, `/kapacitor/v1/replays/${id}`);
    assert.equal(r.json.status, 'finished', `${id}: ${r.text}`);
    assert.equal(r.json.stats['node-stats'].stream0.collected, lines.length, id);
  }
  const outputs = await Promise.all(ids.map((id) => call(s, 'GET', `/kapacitor/v1/tasks/totals/totals?replay-id=${id}`)));
  for (const [i, o] of outputs.entries()) {
    assert.equal(o.status, 200, ids[i]);
    assert.equal(o.text, live, `${ids[i]} differs from the live result`);
  }
  assert.ok(answered < 30_000, `the server took ${answered.toFixed(0)} ms to answer three requests during the replays`);
  // the live task only saw its own write
  assert.equal((await call(s, 'GET', '/kapacitor/v1/tasks/totals')).json.stats['node-stats'].stream0.collected, lines.length);
  assert.equal((await call(s, 'GET', '/kapacitor/v1/replays?limit=1000')).json.replays.length, N);
});
