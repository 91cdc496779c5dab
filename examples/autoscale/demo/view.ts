/**
 * The live terminal view: two asciichart plots redrawn in place — offered QPS and per-replica rate (with the
 * target as a reference line), and the replica count — plus the latest decisions. Without a terminal (or with
 * --no-live) it prints one status line every 5 s and each decision as it happens.
 */
import asciichart from 'asciichart';
import type { Decision, DemoParameters, Sample } from './timeline.ts';

const CLEAR = '\x1b[H\x1b[2J';

function fmt(n: number, width: number, digits = 0): string {
  return n.toFixed(digits).padStart(width);
}

export function statusLine(s: Sample): string {
  return `[${fmt(s.t, 5)}s] offered ${fmt(s.offered, 5)} QPS  served ${fmt(s.served, 7, 1)} rps  replicas ${s.ready}/${s.desired}  per replica ${fmt(s.perReplica, 6, 1)} rps`;
}

export function decisionLine(d: Decision): string {
  return `[${fmt(d.t, 5)}s] scale ${d.kind}/${d.workload} ${d.old} -> ${d.new} (${d.direction}; offered ${d.offered} QPS, served ${d.served.toFixed(1)} rps)`;
}

export class LiveView {
  private readonly live: boolean;
  private printed = 0;

  constructor(private readonly write: (s: string) => void, live: boolean, private readonly params: DemoParameters) {
    this.live = live && process.stdout.isTTY === true;
  }

  decision(d: Decision): void {
    if (!this.live) this.write(decisionLine(d) + '\n');
  }

  update(samples: Sample[], decisions: Decision[], phase: string): void {
    const last = samples[samples.length - 1];
    if (!last) return;
    if (!this.live) {
      if (samples.length - this.printed >= 5) {
        this.printed = samples.length;
        this.write(statusLine(last) + '\n');
      }
      return;
    }
    this.write(CLEAR + this.render(samples, decisions, phase));
  }

  /** The full screen for the samples so far (exported for tests through `render`). */
  render(samples: Sample[], decisions: Decision[], phase: string): string {
    const cols = process.stdout.columns ?? 100;
    const width = Math.max(20, cols - 14);
    const shown = samples.slice(-width);
    const last = shown[shown.length - 1]!;
    const p = this.params;
    const offered = shown.map((s) => s.offered);
    const perReplica = shown.map((s) => s.perReplica);
    const target = shown.map(() => p.target);
    const desired = shown.map((s) => s.desired);
    const qpsMax = Math.max(p.target * 1.2, ...offered, ...perReplica);
    const replicaMax = Math.max(2, ...desired);
    const lines = [
      `tickstream autoscale demo — ${phase}   target ${p.target} rps/replica, moving average ${p.movingAvg}, cooldowns ${p.increaseCooldownS}s up / ${p.decreaseCooldownS}s down`,
      statusLine(last),
      '',
      `QPS   ${asciichart.cyan}offered${asciichart.reset}  ${asciichart.green}per replica${asciichart.reset}  ${asciichart.darkgray}target${asciichart.reset}`,
      asciichart.plot([target, offered, perReplica], {
        height: 12, min: 0, max: qpsMax, colors: [asciichart.darkgray, asciichart.cyan, asciichart.green],
        format: (x) => x.toFixed(0).padStart(7),
      }),
      '',
      `replicas (${asciichart.yellow}spec.replicas${asciichart.reset})`,
      asciichart.plot(desired, {
        height: Math.min(replicaMax, 10), min: 0, max: replicaMax, colors: [asciichart.yellow],
        format: (x) => x.toFixed(0).padStart(7),
      }),
      '',
      ...decisions.slice(-4).map(decisionLine),
      '',
    ];
    return lines.join('\n');
  }
}
