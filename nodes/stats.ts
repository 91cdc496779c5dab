/**
 * `node|stats(interval)` (SPEC 3.16, `stats.go`): a source node. Every `interval` of wall-clock time it emits one
 * point per group of the watched node: name `stats`, the group's tags and dimensions, field `emitted` (int, how
 * many points/batches the watched node emitted for that group so far, counted on its first output edge as
 * Kapacitor does), time = now UTC (`.align()` rounds it to the interval). The timer is `unref()`ed and stops with
 * the task. `deadman()` builds on this node.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import type { GroupStat } from '../runtime/services.ts';
import { makePoint } from '../model/build.ts';
import { nowNs, roundTime } from '../model/time.ts';
import { hasCall } from '../tickscript/pipeline.ts';
import { registerNode } from './registry.ts';

export class StatsNode extends Node {
  private readonly interval: bigint;
  private readonly align: boolean;
  private readonly groups: ReadonlyMap<string, GroupStat>;
  private ticker: NodeJS.Timeout | undefined;

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const a = d.args[0];
    if (!a || a.type !== 'duration') throw new Error(`${d.name}: stats needs a duration interval, got ${a ? a.type : 'nothing'}`);
    if (a.value <= 0n) throw new Error(`${d.name}: stats interval must be positive, got ${a.value}`);
    if (d.watches === undefined) throw new Error(`${d.name}: stats has no node to watch`);
    this.interval = a.value;
    this.align = hasCall(d, 'align');
    this.groups = ctx.task.watchGroups(d.watches);
    const ms = Math.max(1, Number(a.value / 1_000_000n));
    this.ticker = setInterval(() => this.tick(), ms);
    this.ticker.unref();
  }

  /** One interval: emit now and deliver (the timer calls this; tests too, to avoid waiting for the wall clock). */
  tick(): void {
    if (this.ticker !== undefined) this.runExternal(() => this.emitStats());
  }

  private emitStats(): void {
    let now = nowNs();
    if (this.align) now = roundTime(now, this.interval);
    for (const [group, s] of this.groups) {
      this.emitPoint(makePoint('stats', '', '', s.tags, { emitted: BigInt(s.count) }, now, s.dims, group));
    }
  }

  override stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}

registerNode('stats', (ctx) => new StatsNode(ctx));
