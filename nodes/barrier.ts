/**
 * `barrier()` (SPEC 3.16, `barrier.go`): `.idle(d)` — a group that receives nothing for d of wall-clock time gets
 * a barrier stamped last point time + d, and another one every further d while it stays quiet (each advancing
 * the time by d, as Kapacitor's idle timer is reset after every emit); `.period(d)` — every d of wall-clock time
 * after the group's first message (Kapacitor starts one ticker per group) the group gets a barrier stamped now
 * (UTC). Data older than the group's last barrier is dropped. With `.delete(TRUE)` each barrier is followed by a
 * DeleteGroup message and the group is forgotten here too (its next message starts it afresh).
 *
 * Wall-clock time and timers come from the injected Clock (`RuntimeServices.clock`, runtime/clock.ts) and are
 * cancelled when the task stops. Idle detection costs no timer work per point: a group's single timer re-arms
 * itself for the remaining idle time when it fires early. A group dropped by the [limits] group bound stops its
 * timer the next time it fires.
 */
import { Node, BarrierMessage, DeleteGroupMessage, type NodeContext } from '../runtime/node.ts';
import { groupTags, type Batch, type Dimensions, type Point, type Tags } from '../model/point.ts';
import { systemClock, type Clock, type ClockTimer } from '../runtime/clock.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

interface Group {
  readonly group: string;
  readonly name: string;
  readonly tags: Tags;
  readonly dims: Dimensions;
  /** data time of the newest point seen */
  lastTime: bigint;
  /** time of the last barrier sent; older data is dropped */
  barrierTime: bigint | undefined;
  /** wall-clock ns of the last message (idle mode) */
  lastWall: bigint;
  /** the idle timer (armed while the group waits) or the period ticker */
  timer: ClockTimer | undefined;
}

export class BarrierNode extends Node {
  private readonly idleMs: number;
  private readonly idleNs: bigint;
  private readonly periodMs: number;
  private readonly del: boolean;
  private readonly groups = this.groupState<Group>();
  private readonly clock: Clock;
  private stopped = false;

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const s = settingsOf('barrier', d);
    const idle = s.idle ?? 0n;
    const period = s.period ?? 0n;
    if (idle !== 0n && period !== 0n) throw new Error(`${d.name}: barrier node cannot have both idle and period`);
    if (idle === 0n && period === 0n) throw new Error(`${d.name}: barrier node must have either a non zero idle or a non zero period`);
    if (idle < 0n) throw new Error(`${d.name}: idle must be greater than zero, got ${idle}`);
    if (period < 0n) throw new Error(`${d.name}: period must be greater than zero, got ${period}`);
    this.del = s.delete === true;
    this.idleNs = idle;
    // timers have millisecond resolution; sub-millisecond durations fire after 1 ms
    this.idleMs = idle > 0n ? Math.max(1, Number(idle / 1_000_000n)) : 0;
    this.periodMs = period > 0n ? Math.max(1, Number(period / 1_000_000n)) : 0;
    this.clock = ctx.services.clock ?? systemClock;
  }

  protected override onPoint(p: Point): void {
    if (this.admit(p.group, p.name, p.tags, p.dims, p.time, true)) this.emitPoint(p);
  }

  protected override onBatch(b: Batch): void {
    if (this.admit(b.group, b.name, b.tags, b.dims, b.tmax, false)) this.emitBatch(b);
  }

  protected override onDeleteGroup(m: DeleteGroupMessage): void {
    this.groups.get(m.group)?.timer?.cancel();
    super.onDeleteGroup(m);
  }

  override stop(): void {
    this.stopped = true;
    for (const g of this.groups.values()) g.timer?.cancel();
  }

  /** Track the message's group; false when it is older than the group's last barrier (dropped). */
  private admit(group: string, name: string, tags: Tags, dims: Dimensions, time: bigint, pointTags: boolean): boolean {
    let g = this.groups.get(group);
    if (g === undefined) {
      g = { group, name, tags: pointTags ? groupTags(tags, dims) : tags, dims, lastTime: time, barrierTime: undefined, lastWall: 0n, timer: undefined };
      this.groups.set(group, g);
      if (this.periodMs > 0 && !this.stopped) {
        const pg = g;
        g.timer = this.clock.setInterval(() => this.runExternal(() => this.periodTick(pg)), this.periodMs);
      }
    }
    if (g.barrierTime !== undefined && time < g.barrierTime) return false;
    if (time > g.lastTime) g.lastTime = time;
    if (this.idleMs > 0) {
      g.lastWall = this.clock.now();
      if (g.timer === undefined && !this.stopped) this.arm(g, this.idleMs);
    }
    return true;
  }

  private arm(g: Group, ms: number): void {
    g.timer = this.clock.setTimer(() => this.runExternal(() => this.idleCheck(g)), ms);
  }

  private idleCheck(g: Group): void {
    g.timer = undefined;
    if (this.stopped || this.groups.get(g.group) !== g) return;
    const quiet = this.clock.now() - g.lastWall;
    if (quiet < this.idleNs) { this.arm(g, Math.max(1, Math.ceil(Number(this.idleNs - quiet) / 1e6))); return; }
    // idle: a barrier at last time + idle (the barrier's time becomes the last time), then wait another idle
    this.barrier(g, g.lastTime + this.idleNs);
    if (!this.del) { g.lastWall = this.clock.now(); this.arm(g, this.idleMs); }
  }

  private periodTick(g: Group): void {
    if (this.stopped || this.groups.get(g.group) !== g) { g.timer?.cancel(); return; }
    this.barrier(g, this.clock.now());
  }

  private barrier(g: Group, time: bigint): void {
    g.barrierTime = time;
    if (time > g.lastTime) g.lastTime = time;
    this.emitControl(new BarrierMessage(g.group, g.name, g.tags, g.dims, time));
    if (this.del) {
      g.timer?.cancel();
      this.groups.delete(g.group);
      this.emitControl(new DeleteGroupMessage(g.group, g.name, g.tags, g.dims));
    }
  }
}

registerNode('barrier', (ctx) => new BarrierNode(ctx));
