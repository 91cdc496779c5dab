/**
 * `kapacitor record batch` and `/replays/batch` refuse a batch task whose queries read outside the task's dbrps,
 * as Kapacitor's ExecutingTask.checkDBRPs does (task.go): `batch query is not allowed to request data from
 * "db"."rp"` (Go %q quoting; an unqualified source is `"".""`). The recording/replay fails with that error and
 * InfluxDB (real, so the refusal is not an InfluxDB error in disguise) is never asked. Enabling such a task fails
 * the same way (Kapacitor StartBatching). A query inside the dbrps records normally.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer } from '../cli/processes.ts';
import { startInfluxd } from '../helpers/influxd.ts';
import { untilValue } from '../helpers/until.ts';

test('record batch / replay batch: queries outside the task\'s dbrps are refused with Kapacitor\'s error', async (t) => {
  const influx = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-dbrps-'));
  const conf = join(dir, 'kapacitor.conf');
  writeFileSync(conf, `[[influxdb]]\n  name = "local"\n  urls = ["${influx.url}"]\n  disable-subscriptions = true\n`);
  const s = await startServer(join(dir, 'data'), { KAPACITOR_CONFIG_PATH: conf });
  t.after(async () => { await s.stop('SIGTERM'); await influx.stop(); rmSync(dir, { recursive: true, force: true }); });
  await influx.query('CREATE DATABASE telegraf');
  await influx.query('CREATE DATABASE other');
  const run = (...args: string[]) => kapacitor(s.url, ...args);
  // defined through the API (disabled, as `kapacitor define` leaves them) to keep the CLI runs few
  const define = async (id: string, from: string): Promise<void> => {
    const r = await fetch(`${s.url}/kapacitor/v1/tasks`, {
      method: 'POST', body: JSON.stringify({
        id, type: 'batch', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'disabled',
        script: `batch\n    |query('SELECT mean("usage") FROM ${from}')\n        .period(1m)\n        .every(1m)\n    |httpOut('out')\n`,
      }),
    });
    assert.equal(r.status, 200, await r.text());
  };
  const recordViaApi = async (task: string): Promise<{ status: string; error: string }> => {
    const r = await fetch(`${s.url}/kapacitor/v1/recordings/batch`, {
      method: 'POST', body: JSON.stringify({ id: `r-${task}`, task, start: new Date(Date.now() - 600_000).toISOString() }),
    });
    assert.equal(r.status, 201, await r.text());
    return untilValue(`recording r-${task} done`, async () => {
      const j = (await (await fetch(`${s.url}/kapacitor/v1/recordings/r-${task}`)).json()) as { status: string; error: string };
      return j.status === 'running' ? undefined : j;
    });
  };

  await define('inside', '"telegraf"."autogen"."cpu"');
  await define('outside', '"other"."autogen"."cpu"');
  await define('second', '"telegraf"."autogen"."cpu", "telegraf"."weekly"."cpu"');
  await define('bare', 'cpu');

  // the CLI waits for the recording and prints its error (exit 3, as for any failed recording)
  const cli = await run('record', 'batch', '-task', 'outside', '-past', '10m', '-recording-id', 'r-outside');
  assert.deepEqual([cli.code, cli.stderr], [3, 'Error: batch query is not allowed to request data from "other"."autogen"\n']);
  const rec = (await (await fetch(`${s.url}/kapacitor/v1/recordings/r-outside`)).json()) as { status: string; error: string };
  assert.deepEqual([rec.status, rec.error], ['failed', 'batch query is not allowed to request data from "other"."autogen"']);
  const refused: [string, string][] = [
    ['second', '"telegraf"."weekly"'], // the first source is allowed, the second is not
    ['bare', '"".""'],
  ];
  for (const [task, dbrp] of refused) {
    const r = await recordViaApi(task);
    assert.deepEqual([r.status, r.error], ['failed', `batch query is not allowed to request data from ${dbrp}`], task);
  }

  // and enabling such a task fails at start, as Kapacitor's StartBatching does
  const en = await fetch(`${s.url}/kapacitor/v1/tasks/outside`, { method: 'PATCH', body: JSON.stringify({ status: 'enabled' }) });
  const enBody = await en.text();
  assert.notEqual(en.status, 200, enBody);
  assert.match(enBody, /batch query is not allowed to request data from \\"other\\"\.\\"autogen\\"/);

  // inside its dbrps the task records (nothing written: an empty recording that finishes)
  const ok = await run('record', 'batch', '-task', 'inside', '-past', '10m', '-recording-id', 'r-inside');
  assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, 'r-inside\n', '']);

  // /replays/batch runs the same queries live: the same refusal, as the replay's error (Kapacitor doReplay wraps
  // it in `running replay: `)
  const res = await fetch(`${s.url}/kapacitor/v1/replays/batch`, {
    method: 'POST', body: JSON.stringify({ id: 'rp-outside', task: 'outside', start: new Date(Date.now() - 600_000).toISOString() }),
  });
  assert.equal(res.status, 201, await res.text());
  const replay = await untilValue('replay finished', async () => {
    const j = (await (await fetch(`${s.url}/kapacitor/v1/replays/rp-outside`)).json()) as { status: string; error: string };
    return j.status === 'running' ? undefined : j;
  });
  assert.deepEqual([replay.status, replay.error], ['failed', 'running replay: batch query is not allowed to request data from "other"."autogen"']);
});
