// The tutorial's command sequence (SPEC 1.5) with our CLI as a subprocess against a real kapacitord process,
// each output compared with the layouts of SPEC 6 / Appendix D (dates normalised).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kapacitor, startServer, write } from './processes.ts';

const SEED = fileURLToPath(new URL('../../../shared/seed/autoscale.tick', import.meta.url));
const DATE = /\d{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2} UTC/;

/** Replaces RFC822 dates by a marker so the rest can be compared byte for byte. */
const normDates = (s: string): string => s.replace(new RegExp(DATE.source, 'g'), '<date>');

test('stats general → define → enable → show → list tasks → stats general → stats ingress', { skip: !existsSync(SEED) }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-tutorial-'));
  // k8sAutoscale needs an enabled [kubernetes] section to start; the client is only used once data flows
  const srv = await startServer(dir, { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: 'http://127.0.0.1:9' });
  t.after(async () => { await srv.stop(); rmSync(dir, { recursive: true, force: true }); });
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  const pad = (s: string) => s.padEnd(30);

  // SPEC 6.6: label and value padded to 30; UUIDs are 36 characters and get no padding
  let r = await kapacitor(srv.url, 'stats', 'general');
  assert.equal(r.code, 0, r.stderr);
  const general = (tasks: number, enabled: number) => new RegExp(`^ClusterID: {20}${uuid}\\nServerID: {21}${uuid}\\n` +
    [['Host:', 'testhost'], ['Tasks:', String(tasks)], ['Enabled Tasks:', String(enabled)], ['Subscriptions:', '0'], ['Platform:', 'OSS']]
      .map(([l, v]) => pad(l!) + pad(v!) + '\\n').join('') + `Version: {22}\\S+ *\\n$`);
  assert.match(r.stdout, general(0, 0));

  r = await kapacitor(srv.url, 'define', 'autoscale', '-tick', SEED, '-type', 'stream', '-dbrp', 'autoscale.autogen');
  assert.deepEqual(r, { code: 0, stdout: '', stderr: '' }); // SPEC 6.2: nothing printed on success
  r = await kapacitor(srv.url, 'enable', 'autoscale');
  assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });

  r = await kapacitor(srv.url, 'show', 'autoscale');
  assert.equal(r.code, 0, r.stderr);
  const script = readFileSync(SEED, 'utf8'); // canonical already (SPEC 1.6), so the formatted script is the file
  // SPEC 6.5 layout and the SPEC 7.3 executing DOT of the seed pipeline before any data
  const dot = ['stream0', 'from1', 'derivative2', 'groupby3', 'sum4', 'movingAverage5'].map((n, i, a) =>
    `\n${n} [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n${n} -> ${a[i + 1] ?? 'k8s_autoscale6'} [processed="0"];\n`).join('');
  assert.equal(normDates(r.stdout), 'ID: autoscale\nError: \nTemplate: \nType: stream\nStatus: enabled\nExecuting: true\n' +
    'Created: <date>\nModified: <date>\nLastEnabled: <date>\nDatabases Retention Policies: ["autoscale"."autogen"]\n' +
    'TICKscript:\n' + script + '\nDOT:\ndigraph autoscale {\ngraph [throughput="0.00 points/s"];\n' + dot +
    '\nk8s_autoscale6 [avg_exec_time_ns="0s" cooldown_drops="0" decrease_events="0" errors="0" increase_events="0" working_cardinality="0" ];\n}\n');

  r = await kapacitor(srv.url, 'list', 'tasks');
  // SPEC 6.4 example
  assert.equal(r.stdout, 'ID        Type      Status    Executing Databases and Retention Policies\n' +
    'autoscale stream    enabled   true      ["autoscale"."autogen"]\n');

  r = await kapacitor(srv.url, 'stats', 'general');
  assert.match(r.stdout, general(1, 1));

  assert.equal(await write(srv.url, 'autoscale', 'autogen', 'requests,host=a,replicaset=app value=0i 1478629267\nrequests,host=b,replicaset=app value=0i 1478629267\n'), 204);
  r = await kapacitor(srv.url, 'stats', 'ingress');
  // SPEC 6.6 (1.8 layout)
  assert.equal(r.stdout, 'Database  Retention Policy Measurement Points Received\nautoscale autogen          requests                  2\n');

  r = await kapacitor(srv.url, 'show', 'nosuch');
  assert.deepEqual(r, { code: 3, stdout: '', stderr: 'Error: no task exists\n' }); // Appendix D
});

test('a TICKscript error on define is reported with the server message and exit 3; nothing is stored', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-tutorial-'));
  const srv = await startServer(dir);
  t.after(async () => { await srv.stop(); rmSync(dir, { recursive: true, force: true }); });
  const tick = join(dir, 'bad.tick');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(tick, "stream\n    |from()\n        .measurement('requests')\n    |derivative(value");
  const r = await kapacitor(srv.url, 'define', 'bad', '-tick', tick, '-dbrp', 'autoscale.autogen');
  // Appendix D
  assert.deepEqual(r, { code: 3, stdout: '', stderr: 'Error: invalid TICKscript: parser: unexpected EOF line 4 char 22 in "tive(value". expected: ")"\n' });
  const list = await kapacitor(srv.url, 'list', 'tasks');
  assert.equal(list.stdout, 'ID Type      Status    Executing Databases and Retention Policies\n');
});
