// `kapacitor whatif -compare` end to end: a real kapacitord, two defined tasks (our equivalent of the seed's
// autoscale.tick, and the same with a 5-minute scale-down stabilization window), ten minutes of two-host traffic
// from a line-protocol file, the cost tables in the terminal, and the HTML report opened in headless Chromium.
// Expected decisions derived in test/helpers/ten-minute-traffic.ts (baseline) and below (stabilized).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer } from '../cli/processes.ts';
import { TUTORIAL_AUTOSCALE_SCRIPT } from '../helpers/tutorial-script.ts';
import { tenMinuteLines } from '../helpers/ten-minute-traffic.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

function dumpDom(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${file}.profile`, '--dump-dom', `file://${file}`],
    { timeout: 60_000, maxBuffer: 1 << 26 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

test('whatif -compare: baseline vs scale-down stabilization, tables and an HTML chart', async (t) => {
  assert.ok(CHROMIUM, 'headless Chromium is needed for this test: apt-get install -y chromium');
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-whatif-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const srv = await startServer(dir, { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: 'http://127.0.0.1:9' });
  t.after(() => srv.stop());
  const base = join(dir, 'base.tick');
  writeFileSync(base, TUTORIAL_AUTOSCALE_SCRIPT);
  const stable = join(dir, 'stable.tick');
  writeFileSync(stable, TUTORIAL_AUTOSCALE_SCRIPT.replace('.decreaseCooldown(decrease_cooldown)', '.decreaseCooldown(decrease_cooldown)\n        .scaleDownStabilization(5m)'));
  for (const [id, f] of [['base', base], ['stable', stable]] as const) {
    const r = await kapacitor(srv.url, 'define', id, '-tick', f, '-dbrp', 'autoscale.autogen');
    assert.equal(r.code, 0, r.stderr);
  }
  const lp = join(dir, 'traffic.lp');
  writeFileSync(lp, tenMinuteLines().flat().join('\n') + '\n');
  const html = join(dir, 'report.html');
  const r = await kapacitor(srv.url, 'whatif', '-task', 'base', '-compare', 'stable', '-file', lp, '-precision', 's', '-startup', '30s', '-html', html);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'Task base: 1200 points replayed; load field "avg_requests_per_second"');
  assert.equal(lines[1], 'Task stable: 1200 points replayed; load field "avg_requests_per_second"');
  assert.equal(lines[2], 'Simulated cluster: 1 initial replicas, pod capacity 100, pod start-up 30s');
  assert.match(lines[3]!, /^Resource +Task +Changes +Max +Min +Final +Pod-seconds +Under-provisioned +Cooldown drops +Held by policy$/);
  // baseline: [3,4,6,5,1,2,3] → 7 changes, max 6, min 1, final 3, 188 cooldown drops.
  // stabilized: every decrease acts on the highest recommendation of the last 5 minutes; the last recommendation of
  // 6 is at s=305 (avg 508.3), so no decrease can happen before s=605, after the data ends: [3,4,6], final 6. Its
  // cooldown drops are the 40 held increases (151..190); the decreases are held by the window instead.
  // columns are separated by at least two spaces
  const row = (task: string): string[] => lines.find((l) => l.startsWith('default/replicasets/app') && l.split(/ {2,}/)[1] === task)!.split(/ {2,}/);
  const b = row('base');
  const s = row('stable');
  assert.deepEqual([b[2], b[3], b[4], b[5], b[8]], ['7', '6', '1', '3', '188']);
  assert.deepEqual([s[2], s[3], s[4], s[5], s[8]], ['3', '6', '1', '6', '40']);
  assert.ok(Number(s[6]) > Number(b[6]), 'holding 6 replicas costs more pod-seconds');
  assert.ok(parseFloat(s[7]!) <= parseFloat(b[7]!), 'and is never more under-provisioned');
  assert.equal(lines.at(-2), `Report written to ${html}`);

  // the page, as a browser builds it: one section per task and resource, both charts, a marker per decision
  const dom = await dumpDom(html);
  assert.match(dom, /<title>tickstream what-if: base vs stable<\/title>/);
  assert.equal((dom.match(/<section class="resource"/g) ?? []).length, 2);
  assert.equal((dom.match(/<svg class="chart load-chart"/g) ?? []).length, 2);
  assert.equal((dom.match(/<path class="load" d="M[\d.]+,[\d.]+L/g) ?? []).length, 2);
  assert.equal((dom.match(/<path class="capacity" d="M/g) ?? []).length, 2);
  assert.equal((dom.match(/<circle class="decision"/g) ?? []).length, 7 + 3);
  assert.match(dom, /<title>2016-11-08T18:22:07Z: 1 → 3 \(scaled\)<\/title>/);
});

test('whatif: an unknown task is a 404 naming it; a bad line names it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-whatif-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const srv = await startServer(dir);
  t.after(() => srv.stop());
  const res = await fetch(`${srv.url}/kapacitor/v1/whatif`, { method: 'POST', body: JSON.stringify({ task: 'nope', points: { data: '' } }) });
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { error: string }).error, 'no task exists: nope');
  const f = join(dir, 't.tick');
  writeFileSync(f, TUTORIAL_AUTOSCALE_SCRIPT);
  assert.equal((await kapacitor(srv.url, 'define', 'base', '-tick', f, '-dbrp', 'autoscale.autogen')).code, 0);
  const lp = join(dir, 'bad.lp');
  writeFileSync(lp, 'requests,host=a value=1i 1\nrequests,host=a value= 2\n');
  const r = await kapacitor(srv.url, 'whatif', '-task', 'base', '-file', lp, '-precision', 's');
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^Error: points: unable to parse 'requests,host=a value= 2': /);
});
