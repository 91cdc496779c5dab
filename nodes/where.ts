/**
 * `where(lambda)` (SPEC 3.4, `where.go`): per group, passes messages whose predicate is true; an evaluation
 * error counts, is logged `error while evaluating expression` and drops the message. On batches it filters
 * the individual points. Each group has its own evaluator (stateful lambda functions keep per-group state).
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { withPoints } from '../model/build.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import type { Batch, BatchPoint, Point } from '../model/point.ts';
import type { CompiledLambda, LambdaEvaluator } from '../tickscript/lambda-contract.ts';
import { registerNode } from './registry.ts';
import { SnapshotUnsupported, as, lambdaIsStateful, type Snapshottable, type SnapshotValue } from '../runtime/snapshot.ts';

export class WhereNode extends Node implements Snapshottable {
  private readonly lambda: CompiledLambda;
  private readonly evals = this.groupState<LambdaEvaluator>();

  constructor(ctx: NodeContext) {
    super(ctx);
    this.lambda = compileLambdaArg(ctx.def.name, 'where', ctx.def.args[0]);
    this.stateful = lambdaIsStateful(ctx.def.args[0]);
  }

  private readonly stateful: boolean;

  /** The groups seen (a stateless lambda's evaluators are rebuilt fresh). */
  snapshot(): SnapshotValue {
    if (this.stateful) throw new SnapshotUnsupported('the lambda uses a stateful function');
    return [...this.evals.keys()];
  }

  restore(s: SnapshotValue): void {
    for (const g of as<string[]>(s)) this.evaluator(g);
  }

  private evaluator(group: string): LambdaEvaluator {
    let ev = this.evals.get(group);
    if (ev === undefined) { ev = this.lambda.newEvaluator(); this.evals.set(group, ev); }
    return ev;
  }

  protected override onPoint(p: Point): void {
    const ev = this.evaluator(p.group);
    let ok: boolean;
    try {
      ok = ev.evalBool(p);
    } catch (err) {
      this.reportError('error while evaluating expression', p.group, err);
      return;
    }
    if (ok) this.emitPoint(p);
  }

  protected override onBatch(b: Batch): void {
    const ev = this.evaluator(b.group);
    const out: BatchPoint[] = [];
    for (const bp of b.points) {
      try {
        if (ev.evalBool(bp)) out.push(bp);
      } catch (err) {
        this.reportError('error while evaluating expression', b.group, err);
      }
    }
    this.emitBatch(out.length === b.points.length ? b : withPoints(b, out));
  }
}

registerNode('where', (ctx) => new WhereNode(ctx));
