/**
 * `combine(lambda, …)` (pipeline/combine.go, combine.go): combines the points of one group that share a (rounded)
 * time with each other — every k-subset of them (k = number of expressions), in lexicographic index order; in each
 * subset expression i takes the first not-yet-taken point it matches; a subset where some expression finds no point
 * is skipped. Each valid subset becomes one point: fields and non-group tags prefixed `<as><delimiter>`, group tags
 * kept, time = the rounded time. Always emits a stream. Semantics in docs/nodes.md.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makePoint } from '../model/build.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import { groupId, type Batch, type Dimensions, type Fields, type Point, type Tags } from '../model/point.ts';
import { roundTime } from '../model/time.ts';
import type { CompiledLambda, LambdaEvaluator } from '../tickscript/lambda-contract.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

interface Item { readonly time: bigint; readonly fields: Fields; readonly tags: Tags }

/** combine.go combineBuffer: the points of the current time of one group. */
interface Buffer {
  time: bigint | undefined;
  name: string;
  readonly dims: Dimensions;
  readonly dimSet: ReadonlySet<string>;
  points: Item[];
  readonly evals: LambdaEvaluator[];
}

export class CombineNode extends Node {
  private readonly lambdas: CompiledLambda[];
  private readonly names: string[];
  private readonly delimiter: string;
  private readonly tolerance: bigint;
  private readonly max: bigint;
  private readonly groups = this.groupState<Buffer>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    this.lambdas = d.args.map((a, i) => compileLambdaArg(d.name, `combine argument ${i + 1}`, a));
    const s = settingsOf('combine', d); // the catalog's defaults: delimiter '.', tolerance 0, max 1000000
    this.names = [...(s.as.at(-1) ?? [])];
    if (this.names.length !== this.lambdas.length) {
      throw new Error('number of prefixes specified by combine.as() must match the number of combine expressions');
    }
    this.delimiter = s.delimiter;
    this.tolerance = s.tolerance;
    this.max = s.max;
  }

  private buffer(group: string, name: string, time: bigint | undefined, dims: Dimensions): Buffer {
    let b = this.groups.get(group);
    if (b === undefined) {
      b = { time, name, dims, dimSet: new Set(dims.tagNames), points: [], evals: this.lambdas.map((l) => l.newEvaluator()) };
      this.groups.set(group, b);
    }
    return b;
  }

  protected override onPoint(p: Point): void {
    // a new group starts at its first point's (unrounded) time, as combine.go's NewGroup does
    const b = this.buffer(p.group, p.name, p.time, p.dims);
    this.add(b, p.group, { time: roundTime(p.time, this.tolerance), fields: p.fields, tags: p.tags });
  }

  protected override onBatch(batch: Batch): void {
    const b = this.buffer(batch.group, batch.name, undefined, batch.dims);
    b.name = batch.name;
    b.time = undefined;
    for (const bp of batch.points) this.add(b, batch.group, { time: roundTime(bp.time, this.tolerance), fields: bp.fields, tags: bp.tags });
    this.combine(b, batch.group);
    b.points = [];
  }

  private add(b: Buffer, group: string, it: Item): void {
    if (it.time === b.time) {
      b.points.push(it);
      return;
    }
    this.combine(b, group);
    b.time = it.time;
    b.points = [it];
  }

  private combine(b: Buffer, group: string): void {
    const pts = b.points;
    const n = pts.length;
    const k = this.lambdas.length;
    if (n === 0) return;
    const count = choose(n, k);
    if (count === -1n) return;
    if (count > this.max) {
      this.reportError(`refusing to perform combination as total combinations ${count} exceeds max combinations ${this.max}`, group);
      return;
    }
    // matches[s][i]: expression s holds for point i (an evaluation error counts as no match, and is reported)
    const matches: boolean[][] = [];
    for (let s = 0; s < k; s++) matches.push(new Array<boolean>(n).fill(false));
    for (let i = 0; i < n; i++) {
      const p = pts[i]!;
      for (let s = 0; s < k; s++) {
        try {
          matches[s]![i] = b.evals[s]!.evalBool(p);
        } catch (err) {
          this.reportError('error evaluating lambda expression', group, err);
        }
      }
    }
    const indices = Array.from({ length: k }, (_, i) => i);
    const set = new Array<Item>(k);
    for (;;) {
      const remaining = indices.slice();
      let valid = true;
      for (let s = 0; s < k && valid; s++) {
        const at = remaining.findIndex((idx) => matches[s]![idx]);
        if (at < 0) valid = false;
        else { set[s] = pts[remaining[at]!]!; remaining.splice(at, 1); }
      }
      if (valid) this.emitMerged(b, set);
      // next k-subset in lexicographic order
      let i = k - 1;
      while (i >= 0 && indices[i] === i + n - k) i--;
      if (i < 0) return;
      indices[i]!++;
      for (let j = i + 1; j < k; j++) indices[j] = indices[j - 1]! + 1;
    }
  }

  private emitMerged(b: Buffer, set: Item[]): void {
    const fields: Fields = {};
    const tags: Tags = {};
    const d = this.delimiter;
    for (let i = 0; i < set.length; i++) {
      const p = set[i]!;
      const pre = this.names[i]! + d;
      for (const f in p.fields) fields[pre + f] = p.fields[f]!;
      for (const t in p.tags) {
        if (b.dimSet.has(t)) tags[t] = p.tags[t]!;
        else tags[pre + t] = p.tags[t]!;
      }
    }
    const time = roundTime(set[0]!.time, this.tolerance);
    this.emitPoint(makePoint(b.name, '', '', tags, fields, time, b.dims, groupId(b.name, tags, b.dims)));
  }
}

/** n choose k, or -1 when n < k (combine.go combination.Count: the same integer steps). */
export function choose(n: number, k: number): bigint {
  if (n < k) return -1n;
  let c = 1n;
  for (let i = 0n; i < BigInt(k); i++) c = (c * (BigInt(n) - i)) / (i + 1n);
  return c;
}

registerNode('combine', (ctx) => new CombineNode(ctx));
