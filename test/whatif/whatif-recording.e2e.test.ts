// What-if from a recording (issue "recordings, replays and what-if"): a live task records its stream while ten
// minutes of two-host traffic arrive; `kapacitor whatif -recording` replays that recording through the same
// script against a simulated cluster and makes the same decisions the live task made against the (fake) cluster.
// Expected sequence: test/helpers/ten-minute-traffic.ts ([3,4,6,5,1,2,3], 188 cooldown drops, derived there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer, write } from '../cli/processes.ts';
import { until } from '../helpers/until.ts';
import { startKubeApi } from '../../fixtures/kube-api/server.ts';
import { TUTORIAL_AUTOSCALE_SCRIPT } from '../helpers/tutorial-script.ts';
import { TEN_MINUTES_DECISIONS, tenMinuteLines } from '../helpers/ten-minute-traffic.ts';

interface Decision { reason: string; final: number }


test('whatif -recording: a recording of live traffic replays to the decisions the live task made', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-whatif-rec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const kube = await startKubeApi();
  t.after(() => kube.close());
  // the simulated cluster of whatif starts every resource at 1 replica (-initial-replicas default): so does this one
  kube.state.seed({ kind: 'replicasets', name: 'app', replicas: 1 });
  const srv = await startServer(dir, { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: kube.url });
  t.after(() => srv.stop());
  const tick = join(dir, 'autoscale.tick');
  writeFileSync(tick, TUTORIAL_AUTOSCALE_SCRIPT);
  assert.equal((await kapacitor(srv.url, 'define', 'autoscale', '-tick', tick, '-dbrp', 'autoscale.autogen')).code, 0);
  assert.equal((await kapacitor(srv.url, 'enable', 'autoscale')).code, 0);

  // record the task's stream for 5 s (the recording exists once the command returns), write the ten minutes
  const rec = await kapacitor(srv.url, 'record', 'stream', '-task', 'autoscale', '-duration', '5s', '-no-wait', '-recording-id', 'live');
  assert.equal(rec.code, 0, rec.stderr);
  const lines = tenMinuteLines();
  for (let i = 0; i < lines.length; i += 60) {
    assert.equal(await write(srv.url, 'autoscale', 'autogen', lines.slice(i, i + 60).flat().join('\n') + '\n'), 204);
  }

  // live decisions, in data-time order
  const live = async (): Promise<number[]> => {
    const r = await fetch(`${srv.url}/kapacitor/v1/tasks/autoscale/autoscale/decisions?limit=1000`);
    const body = (await r.json()) as { decisions: Decision[] };
    return body.decisions.filter((d) => d.reason === 'scaled').map((d) => d.final); // oldest first
  };
  await until('the live task decided every change', async () => (await live()).length >= TEN_MINUTES_DECISIONS.length);
  assert.deepEqual(await live(), TEN_MINUTES_DECISIONS);

  await until('the recording finished', async () => {
    const r = await fetch(`${srv.url}/kapacitor/v1/recordings/live`);
    return ((await r.json()) as { status: string }).status === 'finished';
  });
  const w = await kapacitor(srv.url, 'whatif', '-task', 'autoscale', '-recording', 'live');
  assert.equal(w.code, 0, w.stderr);
  const out = w.stdout.split('\n');
  assert.equal(out[0], 'Task autoscale: 1200 points replayed; load field "avg_requests_per_second"');
  // Changes, Max, Min, Final, Cooldown drops of the one resource: the live sequence [3,4,6,5,1,2,3] again
  const row = out.find((l) => l.startsWith('default/replicasets/app'))!.split(/ {2,}/);
  assert.deepEqual([row[2], row[3], row[4], row[5], row[8]], ['7', '6', '1', '3', '188']);

  // the API form gives the decision list itself
  const api = await fetch(`${srv.url}/kapacitor/v1/whatif`, { method: 'POST', body: JSON.stringify({ task: 'autoscale', recording: 'live' }) });
  assert.equal(api.status, 200);
  const report = (await api.json()) as { tasks: { resources: { events: { to: number }[] }[] }[] };
  const simulated = report.tasks[0]!.resources[0]!.events.map((e) => e.to);
  assert.deepEqual(simulated, TEN_MINUTES_DECISIONS);

  // an unknown recording is a 404 naming it; nothing runs
  const missing = await fetch(`${srv.url}/kapacitor/v1/whatif`, { method: 'POST', body: JSON.stringify({ task: 'autoscale', recording: 'nosuch' }) });
  assert.equal(missing.status, 404);
});
