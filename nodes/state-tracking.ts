/**
 * `stateDuration(lambda)` and `stateCount(lambda)` (pipeline/state_tracking.go, state_tracking.go): per group,
 * evaluate the predicate on every point and add a field (`.as()`, default `state_duration` / `state_count`):
 * - stateDuration: while the predicate holds, the time since the first point of the current run, in `.unit()`
 *   (default 1s) as a float; -1.0 when it does not hold (the run ends);
 * - stateCount: the number of consecutive points (int64) for which it holds; -1 when it does not.
 * A batch starts a new run. An evaluation error drops the point (counted and logged as `error while evaluating
 * expression`, unless `.quiet()` suppresses the log).
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatchPoint, setField, withFields, withPoints } from '../model/build.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import type { Batch, BatchPoint, FieldValue, Point } from '../model/point.ts';
import type { CompiledLambda, LambdaEvaluator } from '../tickscript/lambda-contract.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

/** One group's run state. */
interface Run {
  readonly ev: LambdaEvaluator;
  /** stateDuration: start of the current run (undefined = not in a run); stateCount: unused */
  start: bigint | undefined;
  /** stateCount: points in the current run */
  count: bigint;
}

export class StateTrackingNode extends Node {
  private readonly lambda: CompiledLambda;
  private readonly as: string;
  private readonly duration: boolean;
  /** stateDuration's unit in ns, as a float divisor */
  private readonly unit: number;
  private readonly runs = this.groupState<Run>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    this.duration = d.kind === 'stateDuration';
    this.lambda = compileLambdaArg(d.name, d.kind, d.args[0]);
    // the catalog's defaults: as 'state_duration' / 'state_count', unit 1s (stateCount has no unit)
    if (this.duration) {
      const s = settingsOf('stateDuration', d);
      this.as = s.as;
      this.unit = Number(s.unit);
    } else {
      this.as = settingsOf('stateCount', d).as;
      this.unit = 1_000_000_000;
    }
  }

  private run(group: string): Run {
    let r = this.runs.get(group);
    if (r === undefined) {
      r = { ev: this.lambda.newEvaluator(), start: undefined, count: 0n };
      this.runs.set(group, r);
    }
    return r;
  }

  /** state_tracking.go track: the value for this point, advancing the run. */
  private track(r: Run, time: bigint, inState: boolean): FieldValue {
    if (this.duration) {
      if (!inState) { r.start = undefined; return -1; }
      if (r.start === undefined) r.start = time;
      return Number(time - r.start) / this.unit;
    }
    if (!inState) { r.count = 0n; return -1n; }
    r.count++;
    return r.count;
  }

  private evaluate(r: Run, p: { time: bigint; fields: Point['fields']; tags: Point['tags'] }, group: string): boolean | undefined {
    try {
      return r.ev.evalBool(p);
    } catch (err) {
      this.reportError('error while evaluating expression', group, err);
      return undefined;
    }
  }

  protected override onPoint(p: Point): void {
    const r = this.runs.forPoint(p) ?? this.run(p.group);
    const pass = this.evaluate(r, p, p.group);
    if (pass === undefined) return;
    this.emitPoint(withFields(p, setField(p.fields, this.as, this.track(r, p.time, pass))));
  }

  protected override onBatch(b: Batch): void {
    const r = this.run(b.group);
    r.start = undefined;
    r.count = 0n;
    const out: BatchPoint[] = [];
    for (const bp of b.points) {
      const pass = this.evaluate(r, bp, b.group);
      if (pass === undefined) continue;
      out.push(makeBatchPoint(bp.time, setField(bp.fields, this.as, this.track(r, bp.time, pass)), bp.tags));
    }
    this.emitBatch(withPoints(b, out));
  }
}

registerNode('stateDuration', (ctx) => new StateTrackingNode(ctx));
registerNode('stateCount', (ctx) => new StateTrackingNode(ctx));
