/**
 * One demo run: local cluster → kapacitord → task defined and enabled with the CLI → app workload → load ramp,
 * sampled every second into a timeline; afterwards the SVG, the decision log and the timeline are written.
 * Everything started here is stopped here, also on abort or error.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../local-cluster/cluster.ts';
import { rampLevels } from '../ramp/schedule.ts';
import { runRamp } from '../ramp/load.ts';
import type { DemoOptions } from './options.ts';
import { kapacitor, nodeStats, REPO_ROOT, startKapacitord, type Kapacitord } from './processes.ts';
import { effectiveKind, inspectScript, taskVars } from './task-vars.ts';
import type { DecidedChange, Decision, DemoParameters, Sample } from './timeline.ts';
import { LiveView } from './view.ts';
import { renderSvg } from './svg.ts';

export interface DemoResult {
  outDir: string;
  samples: Sample[];
  decisions: Decision[];
  /** the k8s_autoscale node's counters from `kapacitor show autoscale` at the end */
  autoscaleStats: Record<string, string> | undefined;
  /** the changes the task decided, in data time (GET /kapacitor/v1/tasks/<id>/autoscale/decisions) */
  decided: DecidedChange[];
}

const TASK = 'autoscale';
const WORKLOAD = 'app';

export async function runDemo(opts: DemoOptions, write: (s: string) => void, signal: AbortSignal): Promise<DemoResult> {
  // The script first: a bad --script fails before anything is created (the data dir is only removed by `finally`).
  const scriptPath = isAbsolute(opts.script) ? opts.script : join(REPO_ROOT, opts.script);
  let scriptText: string;
  try {
    scriptText = readFileSync(scriptPath, 'utf8');
  } catch (err) {
    throw new Error(`--script ${relative(process.cwd(), scriptPath)}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const info = inspectScript(scriptText);
  const kind = effectiveKind(opts, info);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = opts.outDir ?? join(REPO_ROOT, '.tmp', `demo-${stamp}`);
  mkdirSync(join(outDir, 'pods'), { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'tickstream-demo-'));
  const params: DemoParameters = {
    max: opts.max, step: opts.step, intervalS: opts.intervalMs / 1000, target: opts.target, movingAvg: opts.movingAvg,
    increaseCooldownS: opts.increaseCooldownMs / 1000, decreaseCooldownS: opts.decreaseCooldownMs / 1000, kind,
    script: relative(REPO_ROOT, scriptPath),
  };
  const samples: Sample[] = [];
  const decisions: Decision[] = [];
  const view = new LiveView(write, opts.live, params);
  let rampStart = Date.now();
  let offered = 0;
  let cluster: LocalCluster | undefined;
  let server: Kapacitord | undefined;
  let sampler: NodeJS.Timeout | undefined;
  const say = (s: string): void => write(`${s}\n`);

  try {
    say(`output: ${relative(process.cwd(), outDir) || '.'}`);
    cluster = await startLocalCluster({
      logDir: join(outDir, 'pods'),
      onEvent: (e) => {
        if (e.type === 'scale') {
          const last = samples[samples.length - 1];
          const d: Decision = {
            time: new Date(e.time).toISOString(), t: Math.round((e.time - rampStart) / 100) / 10, workload: e.workload, kind,
            old: e.old, new: e.new, direction: e.new > e.old ? 'increase' : 'decrease', offered, served: last?.served ?? 0,
          };
          decisions.push(d);
          view.decision(d);
        } else if (e.type === 'pod-exited' && !e.expected) {
          say(`pod ${e.pod} exited unexpectedly (code ${e.code}): ${e.lastLines.slice(-3).join(' | ')}`);
        }
      },
    });
    say(`local cluster: Kubernetes API ${cluster.kubeUrl}`);
    server = await startKapacitord({ dataDir, kubeUrl: cluster.kubeUrl, logFile: join(outDir, 'kapacitord.log') });
    say(`kapacitord: ${server.url} (data dir ${dataDir})`);
    if (signal.aborted) return finish();

    const varsFile = join(outDir, 'vars.json');
    writeFileSync(varsFile, JSON.stringify(taskVars({ ...opts, kind }, info), null, 2) + '\n');
    const cli = async (args: string[], show = true): Promise<string> => {
      if (show) say(`$ kapacitor ${args.map((a) => (isAbsolute(a) ? relative(process.cwd(), a) : a)).join(' ')}`);
      const r = await kapacitor(server!.url, args);
      if (r.code !== 0) throw new Error(`kapacitor ${args[0]} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
      if (show && r.stdout.trim()) say(r.stdout.trimEnd());
      return r.stdout;
    };
    await cli(['stats', 'general']);
    await cli(['define', TASK, '-tick', scriptPath, '-type', 'stream', '-dbrp', 'autoscale.autogen', '-vars', varsFile]);
    await cli(['enable', TASK]);

    const app = await cluster.addWorkload({
      kind, name: WORKLOAD, replicas: 1,
      env: { APP_INFLUXDB_URL: `${server.url}/write?db=autoscale&rp=autogen&precision=s` },
    });
    say(`local cluster: ${kind}/${WORKLOAD} with 1 replica behind ${app.serviceUrl}`);

    // Sample once per second: offered load, served rate, replicas.
    rampStart = Date.now();
    let lastServed = 0;
    let lastAt = rampStart;
    let phase = 'ramping up';
    const takeSample = (): void => {
      const snap = cluster!.snapshot(WORKLOAD);
      const now = Date.now();
      const served = ((snap.served - lastServed) * 1000) / Math.max(1, now - lastAt);
      lastServed = snap.served;
      lastAt = now;
      samples.push({
        t: Math.round((now - rampStart) / 100) / 10, offered, served: Math.round(served * 10) / 10,
        perReplica: snap.ready > 0 ? Math.round((served / snap.ready) * 10) / 10 : 0, desired: snap.desired, ready: snap.ready,
      });
      view.update(samples, decisions, phase);
    };
    sampler = setInterval(takeSample, 1000);

    const levels = rampLevels(opts.max, opts.step);
    const peak = levels.indexOf(Math.max(...levels));
    say(`ramp: ${levels.length} steps of ${params.intervalS}s up to ${levels[peak]} QPS against ${app.serviceUrl}`);
    const totals = await runRamp({
      url: new URL(app.serviceUrl), levels, intervalMs: opts.intervalMs, signal,
      onLevel: (qps, i) => { offered = qps; if (i > peak) phase = 'ramping down'; },
    });
    offered = 0;
    phase = 'load stopped, waiting for scale-down';

    // Tail: wait for the workload to come back to one replica (moving average drains, then decreases).
    const tailMs = opts.tailMs ?? opts.movingAvg * 1000 + 2 * opts.decreaseCooldownMs + 15000;
    const tailEnd = Date.now() + tailMs;
    while (!signal.aborted && Date.now() < tailEnd) {
      const s = cluster.snapshot(WORKLOAD);
      if (s.desired === 1 && s.ready === 1 && s.pods.length === 1 && decisions.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    clearInterval(sampler);
    sampler = undefined;
    // One last sample so the timeline ends in the state the last decision left.
    takeSample();
    say(`ramp: sent ${totals.sent}, ok ${totals.ok}, failed ${totals.failed}, skipped ${totals.skipped}`);
    return await finish(cli);
  } finally {
    if (sampler) clearInterval(sampler);
    await server?.stop();
    await cluster?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  async function finish(cli?: (args: string[], show?: boolean) => Promise<string>): Promise<DemoResult> {
    let autoscaleStats: Record<string, string> | undefined;
    const decided: DecidedChange[] = [];
    if (cli && server) {
      // the decisions themselves, in data time: the cluster sees them later by the API's latency (and coalesced)
      try {
        const r = await fetch(`${server.url}/kapacitor/v1/tasks/${TASK}/autoscale/decisions?limit=10000`);
        const body = (await r.json()) as { decisions?: { time: string; reason: string; current: number; final: number }[] };
        for (const d of body.decisions ?? []) if (d.reason === 'scaled') decided.push({ time: d.time, old: d.current, new: d.final });
      } catch (err) {
        say(`could not read the task's decisions: ${(err as Error).message}`);
      }
    }
    if (cli && server) {
      try {
        const show = await cli(['show', TASK], false);
        writeFileSync(join(outDir, 'show.txt'), show);
        const k = nodeStats(show, 'k8s_autoscale');
        autoscaleStats = k?.stats;
        if (k) say(`${k.node}: ${Object.entries(k.stats).map(([a, b]) => `${a}=${b}`).join(' ')}`);
      } catch (err) {
        say(`could not read the task's stats: ${(err as Error).message}`);
      }
    }
    writeFileSync(join(outDir, 'timeline.json'), JSON.stringify({ parameters: params, samples }, null, 1) + '\n');
    writeFileSync(join(outDir, 'decisions.json'), JSON.stringify({ parameters: params, autoscaleStats, decisions, decided }, null, 2) + '\n');
    writeFileSync(join(outDir, 'demo.svg'), renderSvg(samples, decisions, params));
    say(`wrote ${['demo.svg', 'decisions.json', 'timeline.json', 'show.txt'].map((f) => relative(process.cwd(), join(outDir, f))).join(', ')}`);
    return { outDir, samples, decisions, autoscaleStats, decided };
  }
}
