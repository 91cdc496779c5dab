/**
 * Static checks of the Dockerfiles, .dockerignore and docker-compose.yml (brief item 4; ECOSYSTEM.md §3.2).
 * No Docker engine runs here, so the parts that can run without one are run: the healthcheck command against a
 * local server, and the app image's esbuild bundling step followed by starting the bundle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { envOf, parseDockerfile, type Instruction } from './dockerfile.ts';
import { serverEnvMatcher } from './env-names.ts';
import { spawnTs } from '../examples/helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (rel: string): string => readFileSync(join(root, rel), 'utf8');
const server = parseDockerfile(read('Dockerfile'));
const app = parseDockerfile(read('examples/autoscale/app/Dockerfile'));
const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const last = (ins: Instruction[]): number => Math.max(...ins.map((i) => i.stage));
const ops = (ins: Instruction[], op: string, stage = last(ins)): string[] => ins.filter((i) => i.op === op && i.stage === stage).map((i) => i.args);
const execArgs = (args: string): string[] => JSON.parse(args.replace(/^CMD\s+/, '')) as string[];

test('tickstream image: node:20-slim, runtime deps only, compiled dist/ and no sources, port 9092, data volume, kapacitord', async (t) => {
  assert.deepEqual(server.filter((i) => i.op === 'FROM').map((i) => i.args), ['node:20-slim AS build', 'node:20-slim']);
  assert.ok(!pkg.dependencies.typescript && !pkg.dependencies.peggy);
  const buildRuns = server.filter((i) => i.op === 'RUN' && i.stage === 0).map((i) => i.args);
  const at = (re: RegExp): number => buildRuns.findIndex((a) => re.test(a));
  assert.ok(at(/npm ci\b/) >= 0);
  assert.ok(at(/npm run build$/) > at(/npm ci\b/), 'dist/ is compiled in the build stage');
  assert.ok(at(/npm prune --omit=dev/) > at(/npm run build$/), 'dev dependencies (the compiler) are dropped after compiling');
  for (const c of server.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
    for (const src of c.args.split(' ').slice(0, -1)) assert.ok(src === '.' || existsSync(join(root, src)), `COPY source ${src} missing`);
  }
  // the run stage takes the compiled output, the launchers and the runtime dependencies: no TypeScript sources
  const copied = ops(server, 'COPY').map((a) => a.split(' ')[1]);
  assert.deepEqual(copied.sort(), ['/opt/tickstream/bin', '/opt/tickstream/dist', '/opt/tickstream/node_modules', '/opt/tickstream/package.json']);
  assert.deepEqual(ops(server, 'EXPOSE'), ['9092']);
  assert.deepEqual(ops(server, 'USER'), ['node']);
  const env = envOf(server, last(server));
  assert.equal(env.get('TICKSTREAM_FROM_DIST'), '1', 'bin/launch.mjs runs dist/ without looking for the sources');
  assert.deepEqual(ops(server, 'VOLUME'), [env.get('KAPACITOR_DATA_DIR')]);
  assert.equal(env.get('KAPACITOR_HTTP_BIND_ADDRESS'), ':9092');
  const entry = execArgs(ops(server, 'ENTRYPOINT')[0]!);
  assert.equal(entry[0], 'node');
  assert.equal(entry[1], '/opt/tickstream/bin/kapacitord.mjs');
  assert.equal(ops(server, 'WORKDIR')[0], '/opt/tickstream');
  for (const m of ops(server, 'RUN').join(' ').matchAll(/\/opt\/tickstream\/(bin\/\S+)/g)) assert.ok(existsSync(join(root, m[1]!)), `${m[1]} missing`);
  const known = await serverEnvMatcher();
  if (!known) {
    t.diagnostic('config/schema.ts absent: env names not checked');
    return;
  }
  for (const name of env.keys()) {
    if (name !== 'NODE_ENV' && name !== 'TICKSTREAM_FROM_DIST') assert.ok(known(name), `the server reads no ${name}`);
  }
});

test('the image layout (dist/, bin/, package.json, node_modules; no sources) runs dist/ for the CLI', () => {
  assert.ok(existsSync(join(root, 'dist/cli/main.js')), 'dist/ is built (npm run build)');
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-image-layout-'));
  try {
    execFileSync('cp', ['-r', join(root, 'dist'), join(root, 'bin'), join(root, 'package.json'), dir]);
    execFileSync('ln', ['-s', join(root, 'node_modules'), join(dir, 'node_modules')]);
    const out = execFileSync(process.execPath, [join(dir, 'bin/kapacitor.mjs'), 'version'], {
      env: { ...process.env, TICKSTREAM_FROM_DIST: '1', TICKSTREAM_LAUNCH_DEBUG: '1', TICKSTREAM_FROM_SOURCES: '' },
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.match(out, /^Kapacitor OSS \d+\.\d+\.\d+ \(git: unknown unknown\)\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tickstream image healthcheck: node fetch of /livez, exit 0 on 200 and 1 otherwise', async (t) => {
  const hc = ops(server, 'HEALTHCHECK')[0]!;
  const cmd = execArgs(hc.slice(hc.indexOf('CMD ')));
  assert.equal(cmd[0], 'node');
  assert.equal(cmd[1], '-e');
  assert.match(cmd[2]!, /fetch\('http:\/\/127\.0\.0\.1:9092\/livez'\)/);
  let answer = 200;
  const srv = createServer((_req, res) => { res.statusCode = answer; res.end(); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => srv.close(() => r())));
  const script = cmd[2]!.replace('127.0.0.1:9092', `127.0.0.1:${(srv.address() as AddressInfo).port}`);
  // Asynchronously: this process serves the probed endpoint, so it must not block on the child.
  const runAsync = (): Promise<number> => new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { timeout: 5000 }, (err) => resolve(err ? Number((err as { code?: number }).code ?? 1) : 0));
  });
  assert.equal(await runAsync(), 0);
  answer = 503;
  assert.equal(await runAsync(), 1);
});

test('.dockerignore keeps local state out and the sources in', () => {
  const patterns = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const p of ['node_modules', '.git']) assert.ok(patterns.includes(p), `${p} should be ignored`);
  for (const needed of ['package.json', 'package-lock.json', 'bin', 'server', 'runtime', 'tickscript', 'nodes', 'kube', 'cli', 'examples']) {
    assert.ok(!patterns.some((p) => p === needed || needed.startsWith(`${p}/`)), `${needed} must stay in the build context`);
  }
});

test('app image: its esbuild step bundles the app into one file that runs', async (t) => {
  assert.deepEqual(app.filter((i) => i.op === 'FROM').map((i) => i.args), ['node:20-slim AS build', 'node:20-slim']);
  const bundle = app.find((i) => i.op === 'RUN' && i.args.includes('esbuild'))!;
  const out = mkdtempSync(join(tmpdir(), 'app-bundle-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const argv = bundle.args.split(' ').map((a) => a.replace('/out/', `${out}/`));
  execFileSync(join(root, argv[0]!), argv.slice(1), { cwd: root, stdio: 'pipe' });
  // The runtime stage copies exactly that file and runs it.
  assert.deepEqual(ops(app, 'COPY'), ['--from=build /out/app.mjs /app/app.mjs']);
  assert.deepEqual(execArgs(ops(app, 'ENTRYPOINT')[0]!), ['node', '/app/app.mjs']);
  assert.deepEqual(ops(app, 'EXPOSE'), ['8000']);
  assert.equal(envOf(app, last(app)).get('PORT'), '8000');
  const p = spawnTs(join(out, 'app.mjs'), [], { PORT: '0', APP_BIND_ADDRESS: '127.0.0.1', APP_REPLICASET: 'app', APP_INFLUXDB_URL: 'http://127.0.0.1:9/write' });
  t.after(() => p.stop());
  await p.waitFor(/listening on 127\.0\.0\.1:\d+/);
  assert.equal(await p.stop(), 0);
});

test('docker-compose.yml: tickstream + app wired as in the cluster', async () => {
  const c = parse(read('docker-compose.yml')) as { services: Record<string, any>; volumes: Record<string, unknown> };
  assert.deepEqual(Object.keys(c.services).sort(), ['app', 'kapacitor']);
  const k = c.services.kapacitor;
  const a = c.services.app;
  assert.equal(k.build.dockerfile, 'Dockerfile');
  assert.equal(a.build.dockerfile, 'examples/autoscale/app/Dockerfile');
  for (const s of [k, a]) {
    assert.ok(existsSync(join(root, s.build.context, s.build.dockerfile)));
    for (const v of Object.values(s.environment as Record<string, unknown>)) assert.equal(typeof v, 'string');
  }
  assert.deepEqual(k.ports, ['9092:9092']);
  assert.deepEqual(a.ports, ['8000:8000']);
  assert.equal(k.environment.KAPACITOR_KUBERNETES_ENABLED, 'true');
  const shortMounts = (k.volumes as unknown[]).filter((v): v is string => typeof v === 'string');
  const dataMount = shortMounts.find((v) => v.split(':')[1] === k.environment.KAPACITOR_DATA_DIR);
  assert.ok(dataMount && dataMount.split(':')[0]! in c.volumes, 'data dir must be a named volume');
  // The kubeconfig is a bind mount in the long syntax (compose spec, services.volumes): the short syntax makes
  // Docker create a directory at a missing host path; create_host_path: false makes compose fail instead.
  const kubeMounts = (k.volumes as unknown[]).filter((v) => typeof v === 'string' ? v.includes(`:${k.environment.KUBECONFIG}`) : (v as { target?: unknown }).target === k.environment.KUBECONFIG);
  assert.equal(kubeMounts.length, 1, 'one mount at $KUBECONFIG');
  assert.deepEqual(kubeMounts[0], {
    type: 'bind', source: '${KUBECONFIG_FILE:-~/.kube/config}', target: k.environment.KUBECONFIG, read_only: true,
    bind: { create_host_path: false },
  }, 'kubeconfig: long-syntax read-only bind that never creates the host path');
  // The app reaches the server by its compose service name, as by the Service name in the cluster.
  const url = new URL(a.environment.APP_INFLUXDB_URL);
  assert.equal(url.host, 'kapacitor:9092');
  assert.equal(url.pathname + url.search, '/write?db=autoscale&rp=autogen&precision=s');
  assert.equal(a.environment.APP_REPLICASET, 'app');
  assert.deepEqual(a.depends_on, { kapacitor: { condition: 'service_healthy' } });
  const known = await serverEnvMatcher();
  if (known) for (const name of Object.keys(k.environment)) assert.ok(known(name), `the server reads no ${name}`);
});
