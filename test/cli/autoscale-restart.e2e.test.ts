// Autoscale state survives kill -9 (issue "decisions in data time"), end to end through the real server process,
// the HTTP API and the CLI: a cooldown that was running before the crash still blocks after the restart, the
// change made before it is not applied again, and the decision records (API and `kapacitor show`) are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer, write } from './processes.ts';
import { until } from '../helpers/until.ts';
import { startKubeApi } from '../../fixtures/kube-api/server.ts';

const SCRIPT = `stream
    |from()
        .measurement('load')
    |k8sAutoscale()
        .resourceName('web')
        .increaseCooldown(1m)
        .decreaseCooldown(1m)
        .replicas(lambda: "want")
`;

/** 2016-11-08T18:21:07Z */
const T = 1478629267;

interface Decision { node: string; time: string; resource: string; current: number; final: number; reason: string; actuation?: { status: string } }

async function decisions(url: string): Promise<{ executing: boolean; decisions: Decision[] }> {
  const r = await fetch(`${url}/kapacitor/v1/tasks/scaler/autoscale/decisions?limit=50`);
  assert.equal(r.status, 200);
  return (await r.json()) as { executing: boolean; decisions: Decision[] };
}


test('kill -9 and restart: cooldown still blocks, nothing applied twice, decisions kept (API and kapacitor show)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-autoscale-restart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const kube = await startKubeApi();
  t.after(() => kube.close());
  kube.state.seed({ kind: 'deployments', name: 'web', replicas: 2 });
  const env = { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: kube.url };
  const tick = join(dir, 'scaler.tick');
  writeFileSync(tick, SCRIPT);
  const replicas = (): number => kube.state.get('deployments', 'default', 'web')!.replicas;
  const writes = (): number[] => kube.state.scaleWrites().filter((r) => r.status === 200).map((r) => JSON.parse(r.body).spec.replicas);

  let srv = await startServer(dir, env);
  t.after(() => srv.stop());
  assert.equal((await kapacitor(srv.url, 'define', 'scaler', '-tick', tick, '-dbrp', 'k8s.autogen')).code, 0);
  const en = await kapacitor(srv.url, 'enable', 'scaler');
  assert.equal(en.code, 0, en.stderr);

  // from 2: want 5 at T → 2→5 (the first increase is never blocked)
  assert.equal(await write(srv.url, 'k8s', 'autogen', `load want=5i ${T}\n`), 204);
  await until('the cluster at 5', () => replicas() === 5);
  let d = await decisions(srv.url);
  assert.deepEqual(d.decisions.map((x) => [x.time, x.current, x.final, x.reason]), [['2016-11-08T18:21:07Z', 2, 5, 'scaled']]);
  await until('the record shows the apply', async () => (await decisions(srv.url)).decisions[0]!.actuation?.status === 'applied');

  const shown = await kapacitor(srv.url, 'show', 'scaler');
  assert.equal(shown.code, 0, shown.stderr);
  const table = shown.stdout.slice(shown.stdout.indexOf('Last decisions:'));
  assert.match(table, /^Last decisions:\nTime +Node +Resource +Current +Wanted +Final +Reason +Actuation\n/);
  assert.match(table, /\n2016-11-08T18:21:07Z +k8s_autoscale2 +default\/deployments\/web +2 +5 +5 +scaled +applied\n$/);

  // crash
  await srv.stop('SIGKILL');
  srv = await startServer(dir, env);

  // want 8 at T+30: an increase within the 1m cooldown that started at T → blocked, even across the crash
  assert.equal(await write(srv.url, 'k8s', 'autogen', `load want=8i ${T + 30}\n`), 204);
  d = await decisions(srv.url);
  assert.equal(d.executing, true);
  assert.deepEqual(d.decisions.map((x) => [x.current, x.final, x.reason]), [[2, 5, 'scaled'], [5, 5, 'cooldown']]);
  assert.equal(replicas(), 5);
  assert.deepEqual(writes(), [5], 'the change made before the crash was not applied again');

  // T+60: the cooldown is over
  assert.equal(await write(srv.url, 'k8s', 'autogen', `load want=8i ${T + 60}\n`), 204);
  await until('the cluster at 8', () => replicas() === 8);
  assert.deepEqual(writes(), [5, 8]);
  const shown2 = await kapacitor(srv.url, 'show', 'scaler');
  assert.match(shown2.stdout, /\n2016-11-08T18:21:37Z +k8s_autoscale2 +default\/deployments\/web +5 +8 +5 +cooldown\n/);

  // disabled: the records come from SQLite (every record but `unchanged`)
  assert.equal((await kapacitor(srv.url, 'disable', 'scaler')).code, 0);
  d = await decisions(srv.url);
  assert.equal(d.executing, false);
  assert.deepEqual(d.decisions.map((x) => [x.final, x.reason]), [[5, 'scaled'], [5, 'cooldown'], [8, 'scaled']]);
  // deleting the task deletes its autoscale state
  assert.equal((await kapacitor(srv.url, 'delete', 'tasks', 'scaler')).code, 0);
  assert.equal((await fetch(`${srv.url}/kapacitor/v1/tasks/scaler/autoscale/decisions`)).status, 404);
});
