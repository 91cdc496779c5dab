/**
 * `node|stats(interval)` (SPEC 3.16, `stats.go`): a source node. Every `interval` of wall-clock time it emits one
 * point per group of the watched node: name `stats`, the group's tags and dimensions, field `emitted` (int, how
 * many points/batches the watched node emitted for that group so far, counted on its first output edge as
 * Kapacitor does), time = now UTC. With `.align()` the ticks fall on multiples of the interval and times are
 * rounded to it; as in Kapacitor, the first emit comes at the first multiple after the start and carries the start
 * time rounded (so it may stamp the interval before). Time and timers come from the injected Clock
 * (`RuntimeServices.clock`) and stop with the task. `deadman()` builds on this node.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import type { GroupStat } from '../runtime/services.ts';
import { systemClock, type Clock, type ClockTimer } from '../runtime/clock.ts';
import { makePoint } from '../model/build.ts';
import { roundTime, truncateTime } from '../model/time.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

const NS_PER_MS = 1_000_000n;

export class StatsNode extends Node {
  private readonly interval: bigint;
  private readonly intervalMs: number;
  private readonly align: boolean;
  private readonly groups: ReadonlyMap<string, GroupStat>;
  private readonly clock: Clock;
  private ticker: ClockTimer | undefined;

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const a = d.args[0];
    if (!a || a.type !== 'duration') throw new Error(`${d.name}: stats needs a duration interval, got ${a ? a.type : 'nothing'}`);
    if (a.value <= 0n) throw new Error(`${d.name}: stats interval must be positive, got ${a.value}`);
    if (d.watches === undefined) throw new Error(`${d.name}: stats has no node to watch`);
    this.interval = a.value;
    this.align = settingsOf('stats', d).align;
    this.groups = ctx.task.watchGroups(d.watches);
    this.clock = ctx.services.clock ?? systemClock;
    this.intervalMs = Math.max(1, Number(a.value / NS_PER_MS));
    if (!this.align) {
      this.ticker = this.clock.setInterval(() => this.tick(), this.intervalMs);
      return;
    }
    // aligned: wait for the next multiple of the interval, emit (stamped with the start), then tick from there
    const start = this.clock.now();
    const waitNs = truncateTime(start, this.interval) + this.interval - start;
    const waitMs = Math.max(1, Math.ceil(Number(waitNs) / 1e6));
    this.ticker = this.clock.setTimer(() => {
      if (this.ticker === undefined) return;
      this.ticker = this.clock.setInterval(() => this.tick(), this.intervalMs);
      this.runExternal(() => this.emitStats(start));
    }, waitMs);
  }

  /** One interval: emit now and deliver. */
  private tick(): void {
    if (this.ticker !== undefined) this.runExternal(() => this.emitStats(this.clock.now()));
  }

  private emitStats(at: bigint): void {
    const time = this.align ? roundTime(at, this.interval) : at;
    for (const [group, s] of this.groups) {
      this.emitPoint(makePoint('stats', '', '', s.tags, { emitted: BigInt(s.count) }, time, s.dims, group));
    }
  }

  override stop(): void {
    this.ticker?.cancel();
    this.ticker = undefined;
  }
}

registerNode('stats', (ctx) => new StatsNode(ctx));
