// process_cpu_*_seconds_total are Prometheus process counters: CPU used by the process since it started
// (Prometheus client conventions, "process_cpu_seconds_total: Total user and system CPU time spent in seconds";
// ECOSYSTEM 3.4 keeps prom-client's default names). prom-client alone counts only from registry creation, which
// made a scrape 4 s after start report 0.002 s for a process that had used 2.3 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Registry } from 'prom-client';
import { createProcessRegistry } from '../../server/metrics/process.ts';

/** Spins until this process has used `ms` more CPU (CPU time, not wall time: the test machine is shared). */
function burn(ms: number): void {
  const start = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i);
    const d = process.cpuUsage(start);
    if (d.user + d.system >= ms * 1000) break;
  }
  if (Number.isNaN(x)) throw new Error('unreachable');
}

/** float sums of the seeded value and later increments may differ from the integer-µs total in the last bits */
const EPS = 1e-9;

async function sample(registry: Registry, name: string): Promise<number> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is exposed`);
  return Number(line.slice(name.length + 1));
}

test('process CPU counters count from process start, not from the first scrape', async () => {
  // CPU spent before the registry exists (like module loading and startup before the first /metrics request)
  burn(300);
  const before = process.cpuUsage();
  // a registry of its own, created now (the server's processRegistry() is made once per process, and test files
  // may share a process)
  const registry = createProcessRegistry();
  const total = await sample(registry, 'process_cpu_seconds_total');
  const after = process.cpuUsage();
  // at least everything used up to the scrape, at most everything used by the end of it
  assert.ok(total >= (before.user + before.system) / 1e6 - EPS, `total ${total} s >= ${(before.user + before.system) / 1e6} s used so far`);
  assert.ok(total <= (after.user + after.system) / 1e6 + EPS, `total ${total} s <= ${(after.user + after.system) / 1e6} s`);
  assert.ok(total >= 0.3, `the 300 ms burned before the first scrape are included (got ${total} s)`);
  const user = await sample(registry, 'process_cpu_user_seconds_total');
  assert.ok(user >= before.user / 1e6 - EPS, `user ${user} s >= ${before.user / 1e6} s`);
  const system = await sample(registry, 'process_cpu_system_seconds_total');
  assert.ok(system >= before.system / 1e6 - EPS, `system ${system} s >= ${before.system / 1e6} s`);
});

test('later scrapes keep adding: the counter grows by the CPU burned between scrapes', async () => {
  const registry = createProcessRegistry();
  const first = await sample(registry, 'process_cpu_seconds_total');
  const u0 = process.cpuUsage();
  burn(200);
  const used = process.cpuUsage(u0);
  const second = await sample(registry, 'process_cpu_seconds_total');
  assert.ok(second - first >= (used.user + used.system) / 1e6 - EPS, `grew by ${second - first} s, burned ${(used.user + used.system) / 1e6} s`);
});
