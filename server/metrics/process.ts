/**
 * Node.js process and runtime metrics (CPU, memory, heap spaces, event-loop lag, GC, handles) under prom-client's
 * usual names (`process_cpu_user_seconds_total`, `nodejs_heap_size_used_bytes`, …), so stock Node.js dashboards
 * work unchanged. They describe the process, not an app, so there is one registry per process, created on first
 * use: collectDefaultMetrics installs a GC observer and an event-loop-delay monitor that are never removed, and
 * doing that per app (tests build many) would pile them up. Not prom-client's global registry either, so a library
 * that registers into that one cannot collide with these names.
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** prom-client's CPU counters; it only counts from registry creation, so they get seeded below */
const CPU_COUNTERS = {
  user: 'process_cpu_user_seconds_total',
  system: 'process_cpu_system_seconds_total',
  total: 'process_cpu_seconds_total',
} as const;

let registry: Registry | undefined;

/** The process's registry, created at the first call (the server scrapes one for its whole life). */
export function processRegistry(): Registry {
  registry ??= createProcessRegistry();
  return registry;
}

/** A new registry of the process metrics, its CPU counters seeded with the CPU used since the process started. */
export function createProcessRegistry(): Registry {
  // Read before collectDefaultMetrics takes its own baseline: prom-client then adds (now - its baseline) on each
  // scrape, so the few microseconds between the two reads are left out rather than counted twice (a counter
  // must never overstate).
  const before = process.cpuUsage();
  const r = new Registry();
  collectDefaultMetrics({ register: r });
  // process.cpuUsage() is CPU since the process started; seeding with it makes the counters totals for the
  // whole process (module loading, startup, the time before the first scrape) as Prometheus expects.
  counter(r, CPU_COUNTERS.user).inc(before.user / 1e6);
  counter(r, CPU_COUNTERS.system).inc(before.system / 1e6);
  counter(r, CPU_COUNTERS.total).inc((before.user + before.system) / 1e6);
  return r;
}

function counter(r: Registry, name: string): Counter {
  const m = r.getSingleMetric(name);
  if (!(m instanceof Counter)) throw new Error(`process metrics: prom-client did not register counter ${name}`);
  return m;
}
