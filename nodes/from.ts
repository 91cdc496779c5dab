/**
 * `from()` (SPEC 3.3, `stream.go` FromNode): filter by database / retention policy / measurement, then where
 * (on the original time), truncate, round, and set the dimensions. Tags and fields are untouched.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makePoint } from '../model/build.ts';
import { FixedGrouper, StarGrouper, parseGroupByArgs, type Grouper } from '../runtime/grouping.ts';
import { NO_DIMENSIONS, type Dimensions, type Point } from '../model/point.ts';
import { GO_ZERO_TIME, roundTime, truncateTime } from '../model/time.ts';
import { settingsOf, STAR } from '../tickscript/catalog/index.ts';
import { WhereChain } from './where-chain.ts';
import { registerNode } from './registry.ts';
import { SnapshotUnsupported, lambdaIsStateful, type Snapshottable, type SnapshotValue } from '../runtime/snapshot.ts';

export class FromNode extends Node implements Snapshottable {
  private readonly database: string;
  private readonly retentionPolicy: string;
  private readonly measurement: string;
  private readonly truncate: bigint;
  private readonly truncateEpochAligned: boolean;
  /** last truncation input/output (undefined: none yet) */
  private lastIn: bigint | undefined;
  private lastOut = 0n;
  private readonly round: bigint;
  /** set by .groupBy(...) */
  private readonly grouper: Grouper | undefined;
  /** dims when there is no groupBy (only groupByMeasurement or nothing) */
  private readonly plainDims: Dimensions;
  private readonly where: WhereChain | undefined;

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const s = settingsOf('from', d); // the catalog's defaults: '' and 0
    this.database = s.database;
    this.retentionPolicy = s.retentionPolicy;
    this.measurement = s.measurement;
    this.truncate = nonNegative(d.name, 'truncate', s.truncate);
    this.round = nonNegative(d.name, 'round', s.round);
    this.truncateEpochAligned = this.truncate > 0n && GO_ZERO_TIME % this.truncate === 0n;
    const byName = s.groupByMeasurement;
    const gb = s.groupBy.at(-1); // groupBy replaces, it does not append (SPEC 3.3)
    const { star, names } = parseGroupByArgs((gb ?? []).map((v) => (v === STAR ? '*' : v)));
    if (star) this.grouper = new StarGrouper([], byName);
    else if (names.length > 0) this.grouper = new FixedGrouper(names, byName);
    this.plainDims = byName ? Object.freeze({ tagNames: NO_DIMENSIONS.tagNames, byName: true }) : NO_DIMENSIONS;
    const wheres = s.where.map(([expr]) => expr);
    if (wheres.length > 0) this.where = new WhereChain(wheres, d.name);
    this.statefulWhere = wheres.some((value) => lambdaIsStateful({ type: 'lambda', value }));
  }

  private readonly statefulWhere: boolean;

  /** No state of its own (the truncation memo is a cache); a stateful where lambda cannot be saved yet. */
  snapshot(): SnapshotValue {
    if (this.statefulWhere) throw new SnapshotUnsupported('a .where() lambda uses a stateful function');
    return null;
  }

  restore(): void {}

  protected override onPoint(p: Point): void {
    if (this.measurement !== '' && p.name !== this.measurement) return;
    if (this.database !== '' && p.db !== this.database) return;
    if (this.retentionPolicy !== '' && p.rp !== this.retentionPolicy) return;
    if (this.where !== undefined) {
      let ok: boolean;
      try {
        ok = this.where.test(p);
      } catch (err) {
        this.reportError('failed to evaluate WHERE expression', p.group, err);
        return;
      }
      if (!ok) return;
    }
    let t = p.time;
    if (this.truncate > 0n) {
      // Fast path: when the unit divides the offset between Go's zero time and the epoch (every unit dividing a
      // day), Go's truncation equals epoch-based truncation; already aligned times (precision=s) allocate nothing.
      // Points of one write usually share their timestamp: reuse the last result (bigint ops allocate).
      if (t === this.lastIn) t = this.lastOut;
      else {
        this.lastIn = t;
        if (this.truncateEpochAligned) {
          const r = t % this.truncate;
          if (r !== 0n) t = r > 0n ? t - r : t - r - this.truncate;
        } else {
          t = truncateTime(t, this.truncate);
        }
        this.lastOut = t;
      }
    }
    if (this.round > 0n) t = roundTime(t, this.round);
    let dims: Dimensions;
    let group: string;
    const g = this.grouper;
    if (g !== undefined) {
      group = g.group(p.name, p.tags);
      dims = g.dims;
    } else {
      dims = this.plainDims;
      group = dims.byName ? p.name + '\n' : '';
    }
    if (t === p.time && group === p.group && sameDims(dims, p.dims)) this.emitPoint(p);
    else this.emitPoint(makePoint(p.name, p.db, p.rp, p.tags, p.fields, t, dims, group));
  }
}

function sameDims(a: Dimensions, b: Dimensions): boolean {
  if (a === b) return true;
  if (a.byName !== b.byName || a.tagNames.length !== b.tagNames.length) return false;
  for (let i = 0; i < a.tagNames.length; i++) if (a.tagNames[i] !== b.tagNames[i]) return false;
  return true;
}

function nonNegative(node: string, method: string, v: bigint): bigint {
  if (v < 0n) throw new Error(`${node}: .${method}() must not be negative`);
  return v;
}

registerNode('from', (ctx) => new FromNode(ctx));
