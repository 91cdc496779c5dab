// examples/autoscale/local-cluster/main.ts: --help/-h is a request, not a mistake (POSIX utility conventions:
// help goes to stdout with exit status 0); a real unknown option still fails on stderr with exit 2 and the usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'examples/autoscale/local-cluster/main.ts';

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: root, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

for (const flag of ['--help', '-h']) {
  test(`local-cluster ${flag}: usage on stdout, nothing on stderr, exit 0, no cluster started`, async () => {
    const r = await run(flag);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: local-cluster \[--kind deployments\|replicasets\]/);
    for (const opt of ['--kind', '--name', '--replicas', '--kube-port', '--service-port', '--influxdb-url', '--log-dir', '--help']) {
      assert.ok(r.stdout.includes(`\n  ${opt} `) || r.stdout.includes(`, ${opt} `), `help describes ${opt}`);
    }
    assert.doesNotMatch(r.stdout, /Unknown option|kubernetes API:/);
  });
}

test('local-cluster with an unknown option: the error and usage on stderr, exit 2', async () => {
  const r = await run('--bogus');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^local-cluster: Unknown option '--bogus'/);
  assert.match(r.stderr, /\nUsage: local-cluster /);
});
