/**
 * `eval(lambda, ...)` (SPEC 3.5, `eval.go`): evaluates the lambdas in order (later ones see earlier results by
 * their `.as()` name), turns `.tags()` results into tags and builds the output fields by the keep rules.
 * Any error drops the point; it is counted and logged unless `.quiet()` — quiet eval reports nothing, so its
 * errors are not even counted (SPEC 7.2).
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatchPoint, makePoint, withPoints } from '../model/build.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import type { Batch, BatchPoint, Fields, FieldValue, Point, Tags } from '../model/point.ts';
import { goTypeName } from '../model/values.ts';
import { Duration, type CompiledLambda, type LambdaEvaluator, type LambdaValue } from '../tickscript/lambda-contract.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { referenceNames } from '../tickscript/lambda/references.ts';
import { registerNode } from './registry.ts';
import { SnapshotUnsupported, as, lambdaIsStateful, type Snapshottable, type SnapshotValue } from '../runtime/snapshot.ts';

export class EvalNode extends Node implements Snapshottable {
  private readonly lambdas: CompiledLambda[];
  private readonly as: string[];
  private readonly tagNames: ReadonlySet<string>;
  /** keep: undefined = not called; [] = keep all; list = exactly these */
  private readonly keep: string[] | undefined;
  /** names the expressions read (Kapacitor's scope variables): `.keep(name)` finds them as fields or tags */
  private readonly referenced: ReadonlySet<string>;
  private readonly evals = this.groupState<LambdaEvaluator[]>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    this.lambdas = d.args.map((a, i) => compileLambdaArg(d.name, `eval argument ${i + 1}`, a));
    const s = settingsOf('eval', d);
    // .as(), .tags() and .keep() may be called more than once: their names add up
    this.as = s.as.flat();
    if (this.as.length !== this.lambdas.length) {
      throw new Error(`must specify same number of expressions and .as() names: got ${this.as.length} as names, and ${this.lambdas.length} expressions.`);
    }
    const tags = s.tags.flat();
    for (const t of tags) if (!this.as.includes(t)) throw new Error(`${d.name}: .tags() name "${t}" is not one of the .as() names`);
    this.tagNames = new Set(tags);
    this.keep = s.keep.length > 0 ? s.keep.flat() : undefined;
    this.referenced = new Set(d.args.flatMap((a) => (a.type === 'lambda' ? referenceNames(a.value) : [])));
    this.stateful = d.args.some((a) => lambdaIsStateful(a));
  }

  private readonly stateful: boolean;

  /** The groups seen (stateless lambdas' evaluators are rebuilt fresh). */
  snapshot(): SnapshotValue {
    if (this.stateful) throw new SnapshotUnsupported('a lambda uses a stateful function');
    return [...this.evals.keys()];
  }

  restore(s: SnapshotValue): void {
    for (const g of as<string[]>(s)) this.evaluators(g);
  }

  private evaluators(group: string): LambdaEvaluator[] {
    let evs = this.evals.get(group);
    if (evs === undefined) { evs = this.lambdas.map((l) => l.newEvaluator()); this.evals.set(group, evs); }
    return evs;
  }

  /** New fields and tags for one point, or throws with Kapacitor's message. */
  private apply(evs: LambdaEvaluator[], time: bigint, fields: Fields, tags: Tags): { fields: Fields; tags: Tags } {
    const results: Fields = {};
    const scope = { time, fields, tags };
    for (let i = 0; i < evs.length; i++) results[this.as[i]!] = toField(evs[i]!.eval(scope, results));
    let newTags = tags;
    if (this.tagNames.size > 0) {
      newTags = { ...tags };
      for (const t of this.tagNames) {
        const v = results[t];
        if (typeof v !== 'string') throw new Error(`result of a tag expression must be of type string, got ${goTypeName(v)}`);
        newTags[t] = v;
      }
    }
    const out: Fields = {};
    const keep = this.keep;
    if (keep !== undefined && keep.length > 0) {
      // eval.go: the lambda scope first (results, then names the expressions read: a field, else a tag's string
      // value), then the point's fields
      for (const f of keep) {
        if (Object.hasOwn(results, f)) out[f] = results[f]!;
        else if (Object.hasOwn(fields, f)) out[f] = fields[f]!;
        else if (this.referenced.has(f) && Object.hasOwn(tags, f)) out[f] = tags[f]!;
        else throw new Error(`cannot keep field "${f}", field does not exist`);
      }
    } else if (keep !== undefined) {
      // `.keep()`: every field plus every result, tag results included (eval.go copies all of AsList)
      for (const k in fields) out[k] = fields[k]!;
      for (const a of this.as) out[a] = results[a]!;
    } else {
      for (const a of this.as) if (!this.tagNames.has(a)) out[a] = results[a]!;
    }
    return { fields: out, tags: newTags };
  }

  private fail(group: string, err: unknown): void {
    if (this.quiet) return; // quiet eval does not report: not logged, not counted
    this.reportError('error evaluating expression', group, err);
  }

  protected override onPoint(p: Point): void {
    let r: { fields: Fields; tags: Tags };
    try {
      r = this.apply(this.evaluators(p.group), p.time, p.fields, p.tags);
    } catch (err) {
      this.fail(p.group, err);
      return;
    }
    this.emitPoint(makePoint(p.name, p.db, p.rp, r.tags, r.fields, p.time, p.dims, p.group));
  }

  protected override onBatch(b: Batch): void {
    const evs = this.evaluators(b.group);
    const out: BatchPoint[] = [];
    for (const bp of b.points) {
      try {
        const r = this.apply(evs, bp.time, bp.fields, bp.tags);
        out.push(makeBatchPoint(bp.time, r.fields, r.tags));
      } catch (err) {
        this.fail(b.group, err);
      }
    }
    this.emitBatch(withPoints(b, out));
  }
}

/** A lambda result as a field value: durations become int nanoseconds; times and regexes are not field types. */
function toField(v: LambdaValue): FieldValue {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Duration) return v.ns;
  throw new Error(`eval result of type ${v instanceof RegExp ? 'regex' : 'time'} cannot be stored in a field`);
}

registerNode('eval', (ctx) => new EvalNode(ctx));
