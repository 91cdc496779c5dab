/**
 * `kapacitor record batch` and `/replays/batch` refuse a batch task whose queries read outside the task's dbrps,
 * as Kapacitor's ExecutingTask.checkDBRPs does (task.go): `batch query is not allowed to request data from
 * "db"."rp"` (Go %q quoting; an unqualified source is `"".""`). The recording/replay fails with that error and
 * InfluxDB (real, so the refusal is not an InfluxDB error in disguise) is never asked. A query inside the dbrps
 * records normally.
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
  const define = async (id: string, from: string): Promise<void> => {
    const tick = join(dir, `${id}.tick`);
    writeFileSync(tick, `batch\n    |query('SELECT mean("usage") FROM ${from}')\n        .period(1m)\n        .every(1m)\n    |httpOut('out')\n`);
    const r = await run('define', id, '-type', 'batch', '-tick', tick, '-dbrp', 'telegraf.autogen');
    assert.equal(r.code, 0, r.stderr);
  };

  await define('inside', '"telegraf"."autogen"."cpu"');
  await define('outside', '"other"."autogen"."cpu"');
  await define('second', '"telegraf"."autogen"."cpu", "telegraf"."weekly"."cpu"');
  await define('bare', 'cpu');

  // the CLI waits for the recording and prints its error (exit 3, as for any failed recording)
  const refused: [string, string][] = [
    ['outside', '"other"."autogen"'],
    ['second', '"telegraf"."weekly"'], // the first source is allowed, the second is not
    ['bare', '"".""'],
  ];
  for (const [task, dbrp] of refused) {
    const r = await run('record', 'batch', '-task', task, '-past', '10m', '-recording-id', `r-${task}`);
    assert.deepEqual([r.code, r.stderr], [3, `Error: batch query is not allowed to request data from ${dbrp}\n`], task);
    const rec = (await (await fetch(`${s.url}/kapacitor/v1/recordings/r-${task}`)).json()) as { status: string; error: string };
    assert.deepEqual([rec.status, rec.error], ['failed', `batch query is not allowed to request data from ${dbrp}`]);
  }

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
