// The runtime through the real server: define + enable a task over the task API, write line protocol to /write,
// read the httpOut endpoint, DOT and stats from GET task (SPEC 3.12, 5.2, 5.3, 7.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../../server/daemon.ts';
import { loadConfig } from '../../config/index.ts';
import { silentLogger } from '../../server/logger.ts';
import { TUTORIAL_TOTALS } from '../helpers/tutorial-script.ts';

const SCRIPT = TUTORIAL_TOTALS + "    |httpOut('out')\n";

test('define, enable, write, read httpOut / DOT / stats over HTTP', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-runtime-http-'));
  const config = loadConfig({ env: { KAPACITOR_DATA_DIR: dir, KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' } });
  const d = await startDaemon(config, silentLogger());
  t.after(async () => { await d.close(); rmSync(dir, { recursive: true, force: true }); });
  const api = d.url + '/kapacitor/v1';
  const created = await fetch(api + '/tasks', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'rt', dbrps: [{ db: 'autoscale', rp: 'autogen' }], script: SCRIPT, status: 'enabled' }),
  });
  assert.equal(created.status, 200, await created.clone().text());
  const before = await fetch(api + '/tasks/rt/out');
  assert.equal(before.status, 200);
  assert.equal(await before.text(), '{"series":null}');
  const S0 = Date.UTC(2016, 10, 8, 18, 21, 7) / 1000;
  const write = async (lines: string[]) => {
    const r = await fetch(d.url + '/write?db=autoscale&rp=autogen&precision=s', { method: 'POST', body: lines.join('\n') });
    assert.equal(r.status, 204, await r.text());
  };
  await write([`requests,host=a,replicaset=app value=0i ${S0}`, `requests,host=b,replicaset=app value=0i ${S0}`]);
  await write([`requests,host=a,replicaset=app value=100i ${S0 + 1}`, `requests,host=b,replicaset=app value=40i ${S0 + 1}`]);
  await write([`requests,host=a,replicaset=app value=250i ${S0 + 2}`, 'cpu,host=a value=1']);
  // Appendix A row s2: 140 @s1 with the group tags only
  const out = await fetch(api + '/tasks/rt/out');
  assert.match(out.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(await out.text(),
    '{"series":[{"name":"requests","tags":{"replicaset":"app"},"columns":["time","total_requests_per_second"],"values":[["2016-11-08T18:21:08Z",140]]}]}');
  const task = (await (await fetch(api + '/tasks/rt')).json()) as { dot: string; stats: { 'node-stats': Record<string, Record<string, number>> } };
  assert.match(task.dot, /^digraph rt \{\ngraph \[throughput="[\d.]+ points\/s"\];\n\nstream0 \[/);
  assert.match(task.dot, /stream0 -> from1 \[processed="5"\];/, 'the cpu point is not routed to this task');
  assert.equal(task.stats['node-stats']['derivative2']!['emitted'], 3);
  assert.equal(task.stats['node-stats']['sum4']!['emitted'], 1);
  const labels = (await (await fetch(api + '/tasks/rt?dot-view=labels')).json()) as { dot: string };
  assert.match(labels.dot, /from1 -> derivative2 \[label="processed=5"\];/);
});
