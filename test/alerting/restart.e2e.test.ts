// Alert state survives kill -9 (issue 15): a real kapacitord on a temp data_dir, a stateChangesOnly alert with a
// .log() handler and a .topic(); after SIGKILL and a restart the still-CRITICAL group does not fire again, and
// its recovery fires with the restored level as previousLevel (Kapacitor restoreEventState, alert.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer, write } from '../cli/processes.ts';

const lines = (f: string): Record<string, unknown>[] =>
  existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];

test('kill -9 and restart: alert levels are restored, nothing re-fires, the recovery fires', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-alert-restart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'alerts.log');
  const tick = join(dir, 'cpu.tick');
  writeFileSync(tick, `stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |alert()
        .crit(lambda: "value" > 90)
        .stateChangesOnly()
        .topic('ops')
        .log('${log}')
`);
  let srv = await startServer(dir);
  t.after(() => srv.stop());
  assert.equal((await kapacitor(srv.url, 'define', 'cpu_alert', '-tick', tick, '-dbrp', 'telegraf.autogen')).code, 0);
  assert.equal((await kapacitor(srv.url, 'enable', 'cpu_alert')).code, 0);
  assert.equal(await write(srv.url, 'telegraf', 'autogen', 'cpu,host=a value=95 1478629260\ncpu,host=a value=96 1478629261\n'), 204);
  assert.deepEqual(lines(log).map((r) => [r['id'], r['level'], r['previousLevel']]), [['cpu:host=a', 'CRITICAL', 'OK']]);

  await srv.stop('SIGKILL');
  srv = await startServer(dir);

  // still CRITICAL after the restart: stateChangesOnly sends nothing
  assert.equal(await write(srv.url, 'telegraf', 'autogen', 'cpu,host=a value=97 1478629270\n'), 204);
  assert.equal(lines(log).length, 1);
  // the recovery fires; duration runs from the restored event's time (…260) to …271 = 11s
  assert.equal(await write(srv.url, 'telegraf', 'autogen', 'cpu,host=a value=10 1478629271\n'), 204);
  const recs = lines(log);
  assert.deepEqual(recs.map((r) => [r['id'], r['level'], r['previousLevel'], r['duration']]), [
    ['cpu:host=a', 'CRITICAL', 'OK', 0], ['cpu:host=a', 'OK', 'CRITICAL', 11_000_000_000]]);
});
