/**
 * Node.js process and runtime metrics (CPU, memory, heap spaces, event-loop lag, GC, handles) under prom-client's
 * usual names (`process_cpu_user_seconds_total`, `nodejs_heap_size_used_bytes`, …), so stock Node.js dashboards
 * work unchanged. They describe the process, not an app, so there is one registry per process, created on first
 * use: collectDefaultMetrics installs a GC observer and an event-loop-delay monitor that are never removed, and
 * doing that per app (tests build many) would pile them up. Not prom-client's global registry either, so a library
 * that registers into that one cannot collide with these names.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';

let registry: Registry | undefined;

export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
