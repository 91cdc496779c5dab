// Crash loop (issue 17): the real kapacitord (bin/kapacitord.mjs) is killed with SIGKILL while clients write points
// and define, enable and delete tasks, then restarted on the same data directory, ten times (CRASH_LOOP_ROUNDS).
// After every restart the SQLite store must open (the server starts and answers) and hold exactly what was
// acknowledged: every task whose define answered 200 is there with its script, type, dbrps and status; every task
// whose delete answered 204 is gone; a request cut off by the kill may or may not have happened, but nothing else
// appears. Enabled tasks restart with the server each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, write, type ServerProcess } from '../cli/processes.ts';

const ROUNDS = Number(process.env['CRASH_LOOP_ROUNDS'] ?? 10);

interface Expected { script: string; status: 'enabled' | 'disabled' }
interface ListedTask { id: string; type: string; script: string; status: string; dbrps: { db: string; rp: string }[] }

function scriptFor(id: string, n: number): string {
  return `stream\n    |from()\n        .measurement('crash')\n    |where(lambda: "value" > ${n}.0)\n    |httpOut('${id}')\n`;
}

async function listTasks(url: string): Promise<Map<string, ListedTask>> {
  const r = await fetch(`${url}/kapacitor/v1/tasks?limit=100000&fields=type&fields=script&fields=status&fields=dbrps`);
  assert.equal(r.status, 200, `GET /kapacitor/v1/tasks: ${r.status} ${await r.clone().text()}`);
  const body = (await r.json()) as { tasks: ListedTask[] };
  return new Map(body.tasks.map((t) => [t.id, t]));
}

test('kill -9 under write and define load: the store opens and keeps every acknowledged task', { timeout: 15 * 60_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickstream-crash-loop-'));
  let server: ServerProcess | undefined;
  t.after(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** acknowledged state: defined (and not deleted) tasks */
  const expected = new Map<string, Expected>();
  /** requests cut off by a kill: the task may or may not exist (or be deleted) afterwards */
  const uncertain = new Map<string, Expected | 'deleted'>();
  let defined = 0;
  let deleted = 0;
  let points = 0;

  const check = async (url: string, round: number): Promise<void> => {
    const tasks = await listTasks(url);
    for (const [id, want] of expected) {
      const got = tasks.get(id);
      if (got === undefined && uncertain.get(id) === 'deleted') continue;
      assert.ok(got, `round ${round}: acknowledged task ${id} is missing after the restart (${tasks.size} tasks listed)`);
      assert.equal(got.script, want.script, `round ${round}: task ${id} script`);
      assert.equal(got.type, 'stream', `round ${round}: task ${id} type`);
      assert.deepEqual(got.dbrps, [{ db: 'crashdb', rp: 'autogen' }], `round ${round}: task ${id} dbrps`);
      assert.equal(got.status, want.status, `round ${round}: task ${id} status`);
    }
    for (const [id, got] of tasks) {
      if (expected.has(id)) continue;
      const maybe = uncertain.get(id);
      assert.ok(maybe !== undefined, `round ${round}: task ${id} exists although its delete was acknowledged (or it was never defined)`);
      if (maybe !== 'deleted') assert.equal(got.script, maybe.script, `round ${round}: half-defined task ${id} has another script`);
    }
    // settle the uncertain ones to what the store says, so later rounds check them exactly
    for (const [id, maybe] of uncertain) {
      const got = tasks.get(id);
      if (got === undefined) expected.delete(id);
      else if (maybe !== 'deleted') expected.set(id, maybe);
      else expected.set(id, { script: got.script, status: got.status as Expected['status'] });
    }
    uncertain.clear();
  };

  for (let round = 1; round <= ROUNDS + 1; round++) {
    server = await startServer(dataDir);
    const url = server.url;
    await check(url, round);
    if (round > ROUNDS) break;

    let stop = false;
    const writer = (async () => {
      for (let batch = 0; !stop; batch++) {
        const lines = Array.from({ length: 100 }, (_, i) => `crash,host=h${i % 7} value=${(batch * 100 + i) % 50} ${round * 1_000_000 + batch * 100 + i}`).join('\n');
        try {
          if (await write(url, 'crashdb', 'autogen', lines) === 204) points += 100;
        } catch {
          return; // the server is gone
        }
      }
    })();
    const definer = (async () => {
      for (let k = 0; !stop; k++) {
        const id = `r${round}_${k}`;
        const want: Expected = { script: scriptFor(id, k), status: k % 2 === 0 ? 'enabled' : 'disabled' };
        uncertain.set(id, want);
        try {
          const r = await fetch(`${url}/kapacitor/v1/tasks`, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id, type: 'stream', dbrps: [{ db: 'crashdb', rp: 'autogen' }], script: want.script, status: want.status }),
          });
          const text = await r.text();
          assert.equal(r.status, 200, `define ${id}: ${r.status} ${text}`);
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          return; // cut off by the kill: stays uncertain
        }
        uncertain.delete(id);
        expected.set(id, want);
        defined++;
        if (k % 4 === 3) {
          // delete one acknowledged task of this round
          const victim = `r${round}_${k - 2}`;
          if (!expected.has(victim)) continue;
          uncertain.set(victim, 'deleted');
          try {
            const r = await fetch(`${url}/kapacitor/v1/tasks/${victim}`, { method: 'DELETE' });
            await r.arrayBuffer();
            assert.equal(r.status, 204, `delete ${victim}: ${r.status}`);
          } catch (err) {
            if (err instanceof assert.AssertionError) throw err;
            return;
          }
          uncertain.delete(victim);
          expected.delete(victim);
          deleted++;
        }
      }
    })();

    // let the load run a little (a varying time, so the kill lands in different places), then crash
    const before = defined;
    const deadline = Date.now() + 30_000;
    while (defined - before < 3 + (round % 4) * 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(defined - before >= 3, `round ${round}: only ${defined - before} tasks defined in 30 s`);
    await new Promise((r) => setTimeout(r, (round * 37) % 120));
    await server.stop('SIGKILL');
    stop = true;
    await Promise.all([writer, definer]);
  }
  t.diagnostic(`${ROUNDS} kills: ${defined} defines and ${deleted} deletes acknowledged, ${points} points written, ${expected.size} tasks at the end`);
  assert.ok(defined >= ROUNDS * 3 && deleted > 0 && points > 0, `defined ${defined}, deleted ${deleted}, points ${points}`);
});
