/** The resource-limit keys (issue 17): defaults, file and environment, and bad values named by key. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testConfig, tempDir } from '../server/helpers.ts';
import { loadConfig } from '../../config/index.ts';

test('defaults of the limit keys', () => {
  const c = testConfig();
  assert.equal(c.http.maxHeaderSize, 16384);
  assert.equal(c.http.maxLineSize, 1048576);
  assert.equal(c.http.readTimeout, 60_000_000_000n);
  assert.equal(c.http.maxConcurrentRequests, 1024);
  assert.deepEqual(c.limits, { maxTasks: 10000, maxTickscriptSize: 1048576, maxTickscriptDepth: 256, maxGroupsPerNode: 1000000, groupIdleTimeout: 0n });
});

test('file and KAPACITOR_* variables set them; the variable wins', (t) => {
  const dir = tempDir('tickstream-limits-');
  t.after(() => dir.remove());
  const path = dir.file('[http]\nread-timeout = "5s"\n[limits]\nmax-tasks = 7\ngroup-idle-timeout = "10m"\n');
  const c = loadConfig({ path, env: { KAPACITOR_DATA_DIR: dir.path, KAPACITOR_LIMITS_MAX_TASKS: '9', KAPACITOR_HTTP_MAX_CONCURRENT_REQUESTS: '0' } });
  assert.equal(c.http.readTimeout, 5_000_000_000n);
  assert.equal(c.limits.maxTasks, 9);
  assert.equal(c.limits.groupIdleTimeout, 600_000_000_000n);
  assert.equal(c.http.maxConcurrentRequests, 0);
});

test('bad values stop startup naming the key', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ KAPACITOR_LIMITS_MAX_TASKS: '-1' }, /limits\.max-tasks.*must be an integer >= 0 \(0 means no limit\), got -1/],
    [{ KAPACITOR_HTTP_MAX_HEADER_SIZE: '100' }, /http\.max-header-size.*must be an integer >= 1024, got 100/],
    [{ KAPACITOR_HTTP_READ_TIMEOUT: '0s' }, /http\.read-timeout.*must be > 0/],
    [{ KAPACITOR_LIMITS_MAX_TICKSCRIPT_DEPTH: 'deep' }, /KAPACITOR_LIMITS_MAX_TICKSCRIPT_DEPTH/],
  ];
  for (const [env, message] of cases) assert.throws(() => testConfig(env), message, JSON.stringify(env));
});
