/**
 * Builds Pipeline descriptions by hand (tests, benchmarks), the way evaluating a TICKscript would: ids in
 * creation order, names `<desc><id>` (SPEC 7.1), edge types from SPEC 3.2.
 *
 *   const b = new PipelineBuilder();
 *   b.stream().chain('from').prop('measurement', 'requests').chain('derivative', 'value').prop('nonNegative');
 *   const pipeline = b.build();
 */
import type { EdgeType, Pipeline, PipelineNode, PropertyCall, TickValue } from '../../../tickscript/pipeline.ts';
import type { LambdaExpression } from '../../../tickscript/lambda-contract.ts';

/** Kapacitor's node name prefixes (SPEC 7.1) for kinds whose name differs from the chaining method. */
const DESC: Record<string, string> = {
  groupBy: 'groupby', httpOut: 'http_out', httpPost: 'http_post', influxDBOut: 'influxdb_out',
  k8sAutoscale: 'k8s_autoscale', swarmAutoscale: 'swarm_autoscale', ec2Autoscale: 'ec2_autoscale',
  stateDuration: 'state_duration', stateCount: 'state_count', kapacitorLoopback: 'kapacitor_loopback',
};
const TO_STREAM = new Set(['combine', 'count', 'mean', 'median', 'mode', 'spread', 'sum', 'first', 'last', 'min', 'max',
  'percentile', 'stddev', 'k8sAutoscale', 'swarmAutoscale', 'ec2Autoscale', 'trickle']);
const TO_BATCH = new Set(['testBatcher', 'window', 'distinct', 'top', 'bottom', 'holtWinters', 'holtWintersWithFit']);

/** Duration value (ns). */
export const dur = (ns: bigint): TickValue => ({ type: 'duration', value: ns });
export const star: TickValue = { type: 'star' };
export const lambda = (expr: LambdaExpression): TickValue => ({ type: 'lambda', value: expr });
export const int = (v: bigint | number): TickValue => ({ type: 'int', value: BigInt(v) });
export const float = (v: number): TickValue => ({ type: 'float', value: v });

/** JS value → TickValue: string, bigint (int), number (float), boolean, or a TickValue as is. */
export function tv(v: unknown): TickValue {
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'bigint') return { type: 'int', value: v };
  if (typeof v === 'number') return { type: 'float', value: v };
  if (typeof v === 'boolean') return { type: 'bool', value: v };
  if (v && typeof v === 'object' && 'type' in v) return v as TickValue;
  throw new Error(`cannot convert ${String(v)} to a TICKscript value`);
}

interface Draft {
  id: number; kind: string; name: string; args: TickValue[]; calls: PropertyCall[];
  parents: number[]; children: number[]; wants: EdgeType; provides: EdgeType;
}

export class NodeRef {
  constructor(private readonly b: PipelineBuilder, readonly id: number) {}
  /** A property call, e.g. .prop('as', 'x') or .prop('nonNegative'). */
  prop(method: string, ...args: unknown[]): this {
    this.b.draft(this.id).calls.push({ method, args: args.map(tv), pos: { line: 1, column: 1 } });
    return this;
  }
  /** A chaining method: a new child node. */
  chain(kind: string, ...args: unknown[]): NodeRef {
    return this.b.add(kind, args.map(tv), this.id);
  }
  get name(): string { return this.b.draft(this.id).name; }
}

export class PipelineBuilder {
  private readonly nodes: Draft[] = [];
  private type: 'stream' | 'batch' = 'stream';

  stream(): NodeRef { this.type = 'stream'; return this.add('stream', [], undefined); }
  batch(): NodeRef { this.type = 'batch'; return this.add('batch', [], undefined); }

  draft(id: number): Draft { return this.nodes[id]!; }

  add(kind: string, args: TickValue[], parent: number | undefined): NodeRef {
    const id = this.nodes.length;
    const p = parent === undefined ? undefined : this.nodes[parent]!;
    const wants: EdgeType = p ? p.provides : kind === 'batch' ? 'batch' : 'stream';
    const provides: EdgeType = kind === 'influxDBOut' ? 'noedge' : TO_STREAM.has(kind) ? 'stream' : TO_BATCH.has(kind) ? 'batch' : wants;
    const desc = DESC[kind] ?? kind;
    this.nodes.push({ id, kind, name: desc + id, args, calls: [], parents: p ? [p.id] : [], children: [], wants, provides });
    if (p) p.children.push(id);
    return new NodeRef(this, id);
  }

  build(): Pipeline {
    const nodes: PipelineNode[] = this.nodes.map((d) => ({ ...d, pos: { line: 1, column: 1 } }));
    return { type: this.type, nodes, dbrps: [], vars: {} };
  }
}
