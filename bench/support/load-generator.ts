/** Runs bench/support/load-generator.cjs as a child process and measures this process's CPU while it loads. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadOptions {
  port: number;
  path: string;
  connections: number;
  warmupMs: number;
  measureMs: number;
  lines: number;
  hosts: number;
  mode: 'batches' | 'seed';
  /** mode "batches": how many distinct bodies */
  batches?: number;
  /** mode "seed": replicaset tag values (host h is in rs(h % replicasets)) */
  replicasets?: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  failures: number;
  /** CPU seconds this (server) process used while the load was measured */
  serverCpu: number;
}

const SCRIPT = fileURLToPath(new URL('./load-generator.cjs', import.meta.url));

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function runLoadGenerator(o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(SCRIPT, [JSON.stringify({ batches: 0, replicasets: 1, ...o })], { execArgv: [] });
    let cpuStart = 0;
    child.on('message', (m: { phase: string } & Omit<LoadResult, 'serverCpu'>) => {
      if (m.phase === 'measuring') cpuStart = cpuSeconds();
      else resolve({ requests: m.requests, seconds: m.seconds, p50: m.p50, p99: m.p99, failures: m.failures, serverCpu: cpuSeconds() - cpuStart });
    });
    child.once('error', reject);
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`load generator exited with ${code}`)); });
  });
}
