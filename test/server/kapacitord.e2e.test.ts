/**
 * The real binary: `bin/kapacitord.mjs` started as a user would (no config file, KAPACITOR_* env only), pinged,
 * fed the curl line, then stopped with SIGTERM (graceful: exit 0). Also `kapacitord config`/`version`
 * and a configuration error at startup (exit 1, message naming the key).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { tempDir } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/kapacitord.mjs', import.meta.url));
const dir = tempDir('tickstream-kapacitord-');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dir.remove();
});

function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_DATA_DIR: dataDir };
  for (const k of Object.keys(env)) if (k.startsWith('KAPACITOR_') && k !== 'KAPACITOR_HTTP_BIND_ADDRESS' && k !== 'KAPACITOR_DATA_DIR') delete env[k];
  return env;
}

/** Resolves with the port from the `listening` log line (JSON on stderr). */
function waitForPort(child: ChildProcess, log: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${log.join('')}`)), 60_000);
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const rec = JSON.parse(line) as { msg?: string; port?: number };
        if (typeof rec.port === 'number' && rec.msg?.startsWith('listening')) {
          clearTimeout(timer);
          resolve(rec.port);
        }
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before listening:\n${log.join('')}`)); });
  });
}

it('starts without a config file, serves ping and /write, and exits 0 on SIGTERM', async () => {
  const dataDir = join(dir.path, 'data'); // does not exist yet: startup creates it
  const pidfile = join(dir.path, 'kapacitord.pid');
  const child = spawn(process.execPath, [BIN, '-pidfile', pidfile], { env: baseEnv(dataDir), stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  const log: string[] = [];
  const port = await waitForPort(child, log);
  assert.ok(port > 0);
  assert.ok(existsSync(dataDir), 'data_dir created');
  const base = `http://127.0.0.1:${port}`;

  const ping = await fetch(`${base}/kapacitor/v1/ping`);
  assert.equal(ping.status, 204);
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 200);
  // the command: curl -XPOST 'localhost:9092/write?db=autoscale&rp=autogen&precision=s' --data-binary '...'
  const write = await fetch(`${base}/write?db=autoscale&rp=autogen&precision=s`, {
    method: 'POST', body: 'requests,host=a,replicaset=app value=1i',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(write.status, 204);
  const bad = await fetch(`${base}/write?db=autoscale`, { method: 'POST', body: 'requests value=' });
  assert.equal(bad.status, 400);
  assert.equal(await bad.text(), "unable to parse 'requests value=': missing field value\n");
  assert.equal(Number(readFileSync(pidfile, 'utf8').trim()), child.pid);

  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, log.join(''));
  assert.ok(!existsSync(pidfile), 'pidfile removed on exit');
});

it('starts with the packaged Kapacitor 1.8 kapacitor.conf and logs each unused section once, at info', async () => {
  const conf = fileURLToPath(new URL('../../fixtures/config/kapacitor-1.8.conf', import.meta.url));
  // the file's paths are a system install's: the environment moves them (SPEC 1.4: env overrides the file)
  const env = { ...baseEnv(join(dir.path, 'packaged')), KAPACITOR_LOGGING_FILE: 'STDERR', KAPACITOR_HOSTNAME: 'packaged-host' };
  const child = spawn(process.execPath, [BIN, '-config', conf], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  const log: string[] = [];
  await waitForPort(child, log);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // signalled right after `listening`, possibly before startup finished: still a graceful exit 0
  child.kill('SIGTERM');
  assert.equal(await exited, 0, log.join(''));
  const records = log.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string });
  const notices = records.filter((r) => /^section \[.*\] is accepted but not used by tickstream$/.test(r.msg));
  for (const name of ['hipchat', 'task', 'deadman', 'reporting', 'talk', 'scraper']) {
    const hits = notices.filter((r) => r.msg === `section [${name}] is accepted but not used by tickstream`);
    assert.equal(hits.length, 1, `${name}: ${hits.length} lines`);
    assert.equal(hits[0]!.level, 30); // pino info
  }
  assert.equal(new Set(notices.map((r) => r.msg)).size, notices.length, 'no section is reported twice');
  assert.ok(!notices.some((r) => /\[(http|kubernetes|stats|logging|storage|replay|load|alert|slack|telegram|victorops|pagerduty2|opsgenie2|pushover|sensu|smtp|mqtt|kafka|snmptrap|udf|alerta|bigpanda|servicenow|zenoss)\]/.test(r.msg)), 'implemented sections are not reported');
});

it('`kapacitord config` prints the effective configuration as TOML', () => {
  const dataDir = join(dir.path, 'cfg');
  const r = spawnSync(process.execPath, [BIN, 'config'], {
    env: { ...baseEnv(dataDir), KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_HOSTNAME: 'pod-1' }, encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = parseToml(r.stdout) as Record<string, unknown>;
  assert.equal(doc.hostname, 'pod-1');
  assert.equal(doc.data_dir, dataDir);
  assert.equal((doc.http as Record<string, unknown>)['bind-address'], '127.0.0.1:0');
  assert.equal(((doc.kubernetes as Record<string, unknown>[])[0]!).enabled, true);
});

it('`kapacitord version` prints the version; a bad config exits 1 naming the key', () => {
  const v = spawnSync(process.execPath, [BIN, 'version'], { encoding: 'utf8' });
  assert.equal(v.status, 0);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.ok(v.stdout.includes(pkg.version), v.stdout);

  const conf = join(dir.path, 'bad.conf');
  writeFileSync(conf, '[http]\nbind-addres = ":9092"\n');
  const r = spawnSync(process.execPath, [BIN, '-config', conf], { env: baseEnv(join(dir.path, 'bad')), encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), 'config: unknown key "http.bind-addres" (did you mean "bind-address"?)');
});

/** Starts kapacitord, opens a write whose body never finishes (so graceful close cannot complete), signals it. */
async function stuckShutdown(extraEnv: Record<string, string>, signals: NodeJS.Signals[]): Promise<{ code: number | null; ms: number; log: string }> {
  const child = spawn(process.execPath, [BIN], { env: { ...baseEnv(join(dir.path, `stuck-${signals.length}`)), ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  const log: string[] = [];
  const port = await waitForPort(child, log);
  const { request } = await import('node:http');
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/write?db=d', headers: { 'transfer-encoding': 'chunked' } });
  req.on('error', () => {});
  req.write('m f=1 1\n');
  await new Promise((r) => setTimeout(r, 200));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = Date.now();
  for (const s of signals) {
    child.kill(s);
    await new Promise((r) => setTimeout(r, 100));
  }
  const code = await exited;
  req.destroy();
  return { code, ms: Date.now() - started, log: log.join('') };
}

it('exits 1 when graceful shutdown exceeds [http] shutdown-timeout, or on a second signal', async () => {
  const [timeout, twice] = await Promise.all([
    stuckShutdown({ KAPACITOR_HTTP_SHUTDOWN_TIMEOUT: '500ms' }, ['SIGTERM']),
    stuckShutdown({ KAPACITOR_HTTP_SHUTDOWN_TIMEOUT: '1m' }, ['SIGTERM', 'SIGINT']),
  ]);
  assert.equal(timeout.code, 1, timeout.log);
  assert.ok(timeout.ms >= 400, `exited after ${timeout.ms} ms, before the 500 ms timeout`);
  assert.match(timeout.log, /shutdown timed out/);
  assert.equal(twice.code, 1, twice.log);
  assert.ok(twice.ms < 30_000);
  assert.match(twice.log, /second signal/);
});
