/**
 * docs/telegraf-walkthrough.md followed end to end. The `influxdb.conf`, `kapacitor.conf`, `cpu_alert.tick` and
 * `mem_batch.tick` blocks are taken from the page (fenced blocks whose first line is a `walkthrough: <name>`
 * comment); only what must differ for a test is replaced — InfluxDB's and tickstream's ports (free ones on
 * 127.0.0.1) and the directories (`/var/lib/influxdb`, `/var/lib/tickstream` → a temporary directory).
 * `influxd -config influxdb.conf` and `kapacitord -config kapacitor.conf` run as subprocesses (no KAPACITOR_*
 * environment, so the file decides); the tasks are defined with the page's `kapacitor define`/`enable` commands.
 *
 * Telegraf is not packaged for Debian, so the test plays its part as its `outputs.influxdb` does: CREATE DATABASE
 * telegraf, then gzip-compressed line protocol with nanosecond times to InfluxDB's `/write?db=telegraf` — `cpu`
 * (tags `cpu`, `host`; fields usage_idle/usage_system/usage_user) and `mem` (tag `host`; used_percent, available,
 * total, used). tickstream is never written to directly: everything arrives through InfluxDB's subscription.
 *
 * Expected outcomes are the page's: the subscription on telegraf.autogen, `used = 100 − usage_idle` of cpu-total
 * per host, a CRITICAL event `web01/cpu` with the page's message for a host at 95.5 %, none for one at 37.5 %, and
 * the mean used_percent of the last minute per host from the batch task (70 and 80 → 75).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, influxdPath, INFLUXD_INSTALL_HINT, type InfluxQueryResponse } from '../helpers/influxd.ts';
import { kapacitor } from '../cli/processes.ts';
import { untilValue } from '../helpers/until.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const until = <T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> => untilValue(what, fn, ms, 200);

/** The page's `walkthrough: <name>` blocks by name. */
function walkthroughBlocks(): Map<string, string> {
  const doc = readFileSync(join(ROOT, 'docs/telegraf-walkthrough.md'), 'utf8');
  const blocks = new Map<string, string>();
  for (const m of doc.matchAll(/```[a-z]*\n(?:#|\/\/) walkthrough: (\S+)\n([\s\S]*?)```/g)) blocks.set(m[1]!, m[2]!);
  return blocks;
}

/** Replaces every occurrence, failing when the page no longer contains `from` (the test would silently drift). */
function substitute(text: string, name: string, pairs: [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    assert.ok(out.includes(from), `${name} in the walkthrough no longer contains ${from}`);
    out = out.split(from).join(to);
  }
  return out;
}

function spawnLogged(cmd: string, args: string[], env: NodeJS.ProcessEnv): { proc: ChildProcess; log: () => string } {
  const proc = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (d: Buffer): void => { out += d.toString(); if (out.length > 200_000) out = out.slice(-100_000); };
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  return { proc, log: () => out };
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(kill);
}

test('docs/telegraf-walkthrough.md: Telegraf-shaped writes → InfluxDB → subscription → tickstream tasks, as the page says', async (t) => {
  const bin = influxdPath();
  if (bin === undefined) throw new Error(`influxd is not installed (needed by the walkthrough test); ${INFLUXD_INSTALL_HINT}`);
  const blocks = walkthroughBlocks();
  for (const name of ['influxdb.conf', 'telegraf.conf', 'kapacitor.conf', 'cpu_alert.tick', 'mem_batch.tick']) {
    assert.ok(blocks.has(name), `docs/telegraf-walkthrough.md has a "walkthrough: ${name}" block`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-walkthrough-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [influxPort, rpcPort, kapPort] = [await freePort(), await freePort(), await freePort()];
  const influxUrl = `http://127.0.0.1:${influxPort}`;
  const kapUrl = `http://127.0.0.1:${kapPort}`;

  // ---- 1. InfluxDB with the page's influxdb.conf
  const influxConf = join(dir, 'influxdb.conf');
  writeFileSync(influxConf, substitute(blocks.get('influxdb.conf')!, 'influxdb.conf', [
    ['/var/lib/influxdb', join(dir, 'influxdb')], ['127.0.0.1:8086', `127.0.0.1:${influxPort}`], ['127.0.0.1:8088', `127.0.0.1:${rpcPort}`],
  ]));
  const influxd = spawnLogged(bin, ['-config', influxConf], { ...process.env, INFLUXDB_CONFIG_PATH: influxConf });
  t.after(() => stopProcess(influxd.proc));
  await until('influxd /ping', async () => {
    if (influxd.proc.exitCode !== null) throw new Error(`influxd exited:\n${influxd.log()}`);
    const r = await fetch(`${influxUrl}/ping`);
    await r.arrayBuffer();
    return r.status === 204 ? true : undefined;
  });
  const influxQuery = async (q: string, db?: string): Promise<InfluxQueryResponse> => {
    const params = new URLSearchParams({ q });
    if (db) params.set('db', db);
    const r = await fetch(`${influxUrl}/query`, { method: 'POST', body: params });
    assert.equal(r.status, 200);
    return (await r.json()) as InfluxQueryResponse;
  };

  // ---- 2. "Telegraf" starts: the page's telegraf.conf says database "telegraf" at the InfluxDB URL, gzip
  const telegrafConf = blocks.get('telegraf.conf')!;
  assert.match(telegrafConf, /\[\[outputs\.influxdb\]\]\n\s+urls = \["http:\/\/127\.0\.0\.1:8086"\]\n\s+database = "telegraf"\n\s+content_encoding = "gzip"/);
  assert.match(telegrafConf, /\[\[inputs\.cpu\]\][\s\S]*\[\[inputs\.mem\]\]/);
  await influxQuery('CREATE DATABASE "telegraf"'); // what Telegraf does at start
  const telegrafWrite = async (lines: string[]): Promise<void> => {
    const r = await fetch(`${influxUrl}/write?db=telegraf`, {
      method: 'POST', body: gzipSync(Buffer.from(lines.join('\n') + '\n')),
      headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain; charset=utf-8', 'User-Agent': 'Telegraf/1.30' },
    });
    assert.equal(r.status, 204, await r.text());
  };

  // ---- 3. tickstream with the page's kapacitor.conf: `kapacitord -config kapacitor.conf`
  const kapConf = join(dir, 'kapacitor.conf');
  const kapText = substitute(blocks.get('kapacitor.conf')!, 'kapacitor.conf', [
    ['/var/lib/tickstream', join(dir, 'tickstream')], ['127.0.0.1:9092', `127.0.0.1:${kapPort}`], ['http://127.0.0.1:8086', influxUrl],
  ]);
  writeFileSync(kapConf, kapText);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KAPACITOR_')) env[k] = v;
  const kapacitord = spawnLogged(process.execPath, [join(ROOT, 'bin/kapacitord.mjs'), '-config', kapConf], env);
  t.after(() => stopProcess(kapacitord.proc));
  await until('kapacitord /ping', async () => {
    if (kapacitord.proc.exitCode !== null) throw new Error(`kapacitord exited:\n${kapacitord.log()}`);
    const r = await fetch(`${kapUrl}/kapacitor/v1/ping`);
    await r.arrayBuffer();
    return r.status === 204 ? true : undefined;
  });

  // the subscription: telegraf.autogen, kapacitor-<cluster id>, ANY, http://127.0.0.1:<tickstream port>
  const stats = await kapacitor(kapUrl, 'stats', 'general');
  const clusterId = /^ClusterID:\s+(\S+)$/m.exec(stats.stdout)?.[1];
  assert.ok(clusterId, stats.stdout + stats.stderr);
  const sub = await until('the subscription on telegraf.autogen', async () => {
    const s = (await influxQuery('SHOW SUBSCRIPTIONS')).results[0]?.series?.find((x) => x.name === 'telegraf');
    return s?.values?.[0];
  });
  assert.deepEqual(sub, ['autogen', `kapacitor-${clusterId}`, 'ANY', [`http://127.0.0.1:${kapPort}`]]);

  // ---- 4./5. the tasks, defined with the page's commands
  for (const id of ['cpu_alert', 'mem_batch']) {
    const tick = join(dir, `${id}.tick`);
    writeFileSync(tick, blocks.get(`${id}.tick`)!);
    const def = await kapacitor(kapUrl, 'define', id, '-tick', tick);
    assert.equal(def.code, 0, def.stderr);
    const en = await kapacitor(kapUrl, 'enable', id);
    assert.equal(en.code, 0, en.stderr);
  }

  // Telegraf's writes: two hosts, cpu-total and a per-CPU line, mem twice for web01 (70 then 80) and once for web02
  const now = BigInt(Date.now()) * 1_000_000n;
  const t1 = now - 20_000_000_000n;
  const t2 = now - 10_000_000_000n;
  await telegrafWrite([
    `cpu,cpu=cpu-total,host=web01 usage_idle=4.5,usage_system=20.5,usage_user=75 ${t1}`,
    `cpu,cpu=cpu0,host=web01 usage_idle=10,usage_system=15,usage_user=75 ${t1}`,
    `cpu,cpu=cpu-total,host=web02 usage_idle=62.5,usage_system=7.5,usage_user=30 ${t1}`,
    `mem,host=web01 available=2576980377i,total=8589934592i,used=6012954214i,used_percent=70 ${t1}`,
    `mem,host=web02 available=4294967296i,total=8589934592i,used=4294967296i,used_percent=50 ${t1}`,
  ]);
  await telegrafWrite([`mem,host=web01 available=1717986918i,total=8589934592i,used=6871947674i,used_percent=80 ${t2}`]);

  // cpu_alert/used: per host, all the point's tags, only eval's field used = 100 − usage_idle of cpu-total (cpu0 filtered out)
  type Series = { name: string; tags: Record<string, string>; columns: string[]; values: unknown[][] };
  const rfc = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString().replace(/\.(\d*?)0*Z$/, (_, f: string) => (f ? `.${f}Z` : 'Z'));
  const used = await until('cpu_alert/used for both hosts', async () => {
    const j = (await (await fetch(`${kapUrl}/kapacitor/v1/tasks/cpu_alert/used`)).json()) as { series: Series[] | null };
    return j.series?.length === 2 ? j.series : undefined;
  });
  assert.deepEqual([...used].sort((a, b) => (a.tags.host! < b.tags.host! ? -1 : 1)), [
    { name: 'cpu', tags: { cpu: 'cpu-total', host: 'web01' }, columns: ['time', 'used'], values: [[rfc(t1), 95.5]] },
    { name: 'cpu', tags: { cpu: 'cpu-total', host: 'web02' }, columns: ['time', 'used'], values: [[rfc(t1), 37.5]] },
  ]);

  // `kapacitor show-topic cpu`: web01/cpu CRITICAL with the page's message; web02 (37.5 %) has no event
  const topic = await until('the CRITICAL event in topic cpu', async () => {
    const r = await kapacitor(kapUrl, 'show-topic', 'cpu');
    return r.code === 0 && r.stdout.includes('web01/cpu') ? r.stdout : undefined;
  });
  assert.match(topic, /web01\/cpu\s+CRITICAL\s+web01\/cpu is CRITICAL: 95\.5% CPU used/);
  assert.ok(!topic.includes('web02'), topic);

  // mem_batch/mem: the mean used_percent of the last minute per host, from InfluxDB
  const mem = await until('mem_batch/mem with both hosts', async () => {
    const j = (await (await fetch(`${kapUrl}/kapacitor/v1/tasks/mem_batch/mem`)).json()) as { series: Series[] | null };
    return j.series?.length === 2 ? j.series : undefined;
  }, 90_000);
  const byHost = Object.fromEntries(mem.map((s) => [s.tags.host, [s.name, s.columns, s.values.map((v) => v[1])]]));
  assert.deepEqual(byHost, {
    web01: ['mem', ['time', 'used_percent'], [75]],
    web02: ['mem', ['time', 'used_percent'], [50]],
  });
});
