/**
 * Run one fixture in-process: evaluate its TICKscript with its vars, start it on a fresh TaskMaster whose
 * k8sAutoscale nodes scale a simulated cluster (sim-scale-client.ts) seeded from `initialReplicas`, write the
 * input points, wait until the autoscale engines are idle, then compare every expectation. Nothing touches the
 * network, the disk (besides reading the fixture) or the wall clock.
 */
import pino from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import type { RunningTask } from '../runtime/task.ts';
import type { Point } from '../model/point.ts';
import { isAutoscaleView, type AutoscaleView } from '../autoscale/view.ts';
import { TickscriptError } from '../tickscript/index.ts';
import type { Pipeline } from '../tickscript/pipeline.ts';
import { normalizeVars } from '../server/api/vars.ts';
import { tickscriptPort } from '../server/api/script-adapter.ts';
import { FixtureError, isRecordingInput, type Fixture } from './fixture.ts';
import { parseInput, recordingChunks } from './input.ts';
import { canonicalJSON, unifiedDiff } from './diff.ts';
import { parseWorkloadKey, SimulatedCluster, simulatedKubernetes } from './sim-scale-client.ts';
import { builtinNodes } from '../nodes/index.ts';

export interface CheckResult {
  /** e.g. `httpOut events`, `stats k8s_autoscale6`, `replicas default/deployments/app` */
  readonly what: string;
  readonly passed: boolean;
  /** unified diff -expected +actual ('' when passed) */
  readonly diff: string;
  /** why the actual value is missing, when it is */
  readonly note?: string;
}

export interface FixtureResult {
  readonly fixture: Fixture;
  readonly checks: readonly CheckResult[];
  readonly passed: boolean;
  /** warn/error messages the task logged (shown with failures: they usually say why) */
  readonly logs: readonly string[];
}

/** Points written per TaskMaster call; the engines get idle between chunks so first reads never overflow holds. */
const CHUNK = 1000;
/** Decision records kept per autoscale node: every decision of a fixture must stay visible. */
export const DEFAULT_RING_SIZE = 1_000_000;

export interface RunOptions {
  /** decision records kept per autoscale node (default DEFAULT_RING_SIZE); more decisions fail `replicas` checks */
  readonly ringSize?: number;
}

/** Evaluate the script (throws FixtureError naming the script file and line). */
function pipelineOf(f: Fixture): Pipeline {
  let vars;
  try {
    vars = normalizeVars(f.vars);
  } catch (e) {
    throw new FixtureError(f.file, `vars: ${(e as Error).message}`);
  }
  try {
    // the task API's own path: vars typed and checked against the script's declarations as on `define`
    return tickscriptPort.evaluate(f.script, vars);
  } catch (e) {
    const inline = f.scriptFile === f.file;
    const scriptLine = e instanceof TickscriptError ? e.line : undefined;
    // an inline script's lines are counted from its first line: map them into the fixture when it is a block
    const line = scriptLine === undefined ? undefined : !inline ? scriptLine : f.scriptFirstLine === undefined ? undefined : f.scriptFirstLine + scriptLine - 1;
    throw new FixtureError(f.scriptFile, `${inline ? 'tickscript: ' : ''}invalid TICKscript: ${(e as Error).message}`, line);
  }
}

function startTask(f: Fixture, tm: TaskMaster, pipeline: Pipeline): { task: RunningTask; db: string; rp: string; dbrps: readonly { db: string; rp: string }[] } {
  if (pipeline.type !== 'stream') {
    throw new FixtureError(f.file, 'the script is a batch task: batch tasks query InfluxDB, fixtures feed points to stream tasks only');
  }
  if (pipeline.dbrps.length > 0 && f.dbrp) throw new FixtureError(f.file, 'dbrp: the script declares its dbrp already (cannot specify dbrp in both implicitly and explicitly)');
  const dbrps = pipeline.dbrps.length > 0 ? pipeline.dbrps : f.dbrp ? [f.dbrp] : [];
  if (dbrps.length === 0) throw new FixtureError(f.file, 'missing dbrp: add dbrp: "db.rp" (the database and retention policy the input is written to)');
  try {
    return { task: tm.startTask(f.taskId, pipeline, dbrps), db: dbrps[0]!.db, rp: dbrps[0]!.rp, dbrps };
  } catch (e) {
    throw new FixtureError(f.scriptFile, `the task cannot start: ${(e as Error).message}`);
  }
}

interface Idle { whenIdle(): Promise<void> }

function idleNodes(task: RunningTask, autoscaleOnly: boolean): Idle[] {
  const nodes = (task as unknown as { nodes?: unknown[] }).nodes ?? [];
  return nodes.filter((n): n is Idle => typeof (n as Partial<Idle>).whenIdle === 'function' && (!autoscaleOnly || isAutoscaleView(n)));
}

/** Run a fixture. Throws FixtureError when the fixture cannot run (bad script, vars, input, dbrp). */
export async function runFixture(f: Fixture, opts: RunOptions = {}): Promise<FixtureResult> {
  const ringSize = opts.ringSize ?? DEFAULT_RING_SIZE;
  const pipeline = pipelineOf(f);
  const logs: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => { logs.push(logLine(line)); } });
  const cluster = new SimulatedCluster();
  for (const [key, n] of f.initialReplicas) {
    const [ns, kind, name] = key.split('/') as [string, string, string];
    cluster.set(ns, kind, name, n);
  }
  const tm = new TaskMaster({
    nodes: builtinNodes,
    logger,
    services: { kubernetes: simulatedKubernetes(cluster), autoscaleLimits: { ringSize } },
  });
  try {
    const { task, db, rp, dbrps } = startTask(f, tm, pipeline);
    const autoscalers = idleNodes(task, true);
    const feed = async (db: string, rp: string, points: readonly Point[]): Promise<void> => {
      for (let i = 0; i < points.length; i += CHUNK) {
        tm.writePoints(db, rp, points.slice(i, i + CHUNK));
        for (const n of autoscalers) await n.whenIdle();
      }
    };
    if (isRecordingInput(f.input)) {
      // streamed from disk, chunk by chunk (a recording may be larger than memory)
      for await (const chunk of recordingChunks(f.input, dbrps)) await feed(chunk.db, chunk.rp, chunk.points);
    } else {
      await feed(db, rp, parseInput(f.input, db, rp));
    }
    for (const n of idleNodes(task, false)) await n.whenIdle();
    const checks = [
      ...checkHttpOut(f, tm),
      ...checkStats(f, task),
      ...checkReplicas(f, task.autoscalers(), ringSize),
      ...checkCluster(f, cluster),
    ];
    return { fixture: f, checks, passed: checks.every((c) => c.passed), logs };
  } finally {
    tm.stopAll();
  }
}

function logLine(line: string): string {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    const { level, msg, time: _t, pid: _p, hostname: _h, ...rest } = o;
    const name = level === 40 ? 'warn' : level === 50 ? 'error' : level === 60 ? 'fatal' : String(level);
    const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
    return `${name}: ${String(msg)}${extra ? ` (${extra})` : ''}`;
  } catch {
    return line.trim();
  }
}

function compare(what: string, expected: unknown, actual: unknown, note?: string): CheckResult {
  // nothing to diff against: the note says what is missing
  if (actual === undefined && note) return { what, passed: false, diff: '', note };
  const diff = unifiedDiff(canonicalJSON(expected), canonicalJSON(actual));
  return diff === '' ? { what, passed: true, diff } : { what, passed: false, diff, ...(note ? { note } : {}) };
}

function checkHttpOut(f: Fixture, tm: TaskMaster): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [endpoint, expected] of f.expect.httpOut) {
    const body = tm.httpOut(f.taskId, endpoint);
    const actual = body === undefined ? undefined : JSON.parse(body) as unknown;
    out.push(compare(`httpOut ${endpoint}`, expected, actual, body === undefined ? `the task has no httpOut('${endpoint}') endpoint` : undefined));
  }
  return out;
}

function checkStats(f: Fixture, task: RunningTask): CheckResult[] {
  const all = task.stats()['node-stats'];
  const out: CheckResult[] = [];
  for (const [node, wanted] of f.expect.stats) {
    const stats = all[node];
    const expected: Record<string, number> = {};
    const actual: Record<string, number> = {};
    for (const [k, v] of wanted) {
      expected[k] = v;
      if (stats?.[k] !== undefined) actual[k] = stats[k];
    }
    let note: string | undefined;
    if (!stats) note = `the task has no node ${node} (nodes: ${Object.keys(all).join(', ')})`;
    else {
      const missing = [...wanted.keys()].filter((k) => stats[k] === undefined);
      if (missing.length > 0) note = `${node} has no stat ${missing.join(', ')} (its stats: ${Object.keys(stats).join(', ')})`;
    }
    out.push(compare(`stats ${node}`, expected, stats ? actual : undefined, note));
  }
  return out;
}

function checkReplicas(f: Fixture, views: readonly AutoscaleView[], ringSize: number): CheckResult[] {
  if (f.expect.replicas.size === 0) return [];
  const decided = new Map<string, number[]>();
  let overflow: string | undefined;
  for (const v of views) {
    let total = 0;
    for (const n of v.autoscaleCounters.reasons.values()) total += n;
    if (total > ringSize) overflow = `${v.name} made ${total} decisions, more than the ${ringSize} a fixture can check`;
    for (const r of v.decisions({ reasons: new Set(['scaled']), limit: ringSize })) {
      const key = parseWorkloadKey(r.resource);
      let list = decided.get(key);
      if (!list) decided.set(key, (list = []));
      list.push(r.final);
    }
  }
  const out: CheckResult[] = [];
  for (const [key, expected] of f.expect.replicas) {
    // older decisions fell off the ring: the list would be incomplete, so the check cannot pass
    if (overflow) out.push({ what: `replicas ${key}`, passed: false, diff: '', note: overflow });
    else out.push(compare(`replicas ${key}`, expected, views.length === 0 ? undefined : decided.get(key) ?? [], views.length === 0 ? 'the task has no k8sAutoscale node' : undefined));
  }
  return out;
}

function checkCluster(f: Fixture, cluster: SimulatedCluster): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [key, expected] of f.expect.cluster) {
    const actual = cluster.replicas(key);
    out.push(compare(`cluster ${key}`, expected, actual, actual === undefined ? `${key} is not in the simulated cluster: seed it in initialReplicas` : undefined));
  }
  return out;
}
