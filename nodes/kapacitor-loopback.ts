/**
 * `kapacitorLoopback()` (pipeline/kapacitor_loopback.go, kapacitor_loopback.go): writes every point back into the
 * server as if it had been written to `.database()` / `.retentionPolicy()` (both required at define time), renamed to
 * `.measurement()` when set, with `.tag(k, v)` tags added; dimensions are dropped (Kapacitor's
 * WriteKapacitorPoint). Batch points keep the batch's measurement (Kapacitor ignores `.measurement()` for them).
 * The points are routed after the write being processed (runtime/task-master.ts). Counter: `points_written`.
 * A task may not write into one of its own dbrps: `loop detected on dbrp: {db rp}` at task start.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makePoint } from '../model/build.ts';
import { NO_DIMENSIONS, type Batch, type Fields, type Point, type Tags } from '../model/point.ts';
import type { LoopbackSink } from '../runtime/services.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

export class KapacitorLoopbackNode extends Node {
  private readonly db: string;
  private readonly rp: string;
  private readonly measurement: string;
  private readonly tags: [string, string][];
  private readonly sink: LoopbackSink;
  private readonly written = this.counter('points_written');

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const s = settingsOf('kapacitorLoopback', d);
    this.db = s.database ?? '';
    this.rp = s.retentionPolicy ?? '';
    if (this.db === '') throw new Error('must specify a database');
    if (this.rp === '') throw new Error('must specify a retention policy');
    this.measurement = s.measurement ?? '';
    const tags = new Map<string, string>();
    for (const [k, v] of s.tag) tags.set(k, v);
    this.tags = [...tags];
    for (const r of ctx.task.dbrps) {
      if (r.db === this.db && r.rp === this.rp) throw new Error(`loop detected on dbrp: {${r.db} ${r.rp}}`);
    }
    if (!ctx.services.loopback) throw new Error(`${d.name}: this runtime has no loopback into the server`);
    this.sink = ctx.services.loopback;
  }

  private withTags(t: Tags): Tags {
    if (this.tags.length === 0) return t;
    const out: Tags = { ...t };
    for (const [k, v] of this.tags) out[k] = v;
    return out;
  }

  private write(name: string, tags: Tags, fields: Fields, time: bigint): void {
    this.sink.write(makePoint(name, this.db, this.rp, this.withTags(tags), fields, time, NO_DIMENSIONS, ''));
    this.written.inc();
  }

  protected override onPoint(p: Point): void {
    this.write(this.measurement !== '' ? this.measurement : p.name, p.tags, p.fields, p.time);
  }

  protected override onBatch(b: Batch): void {
    for (const bp of b.points) this.write(b.name, bp.tags, bp.fields, bp.time);
  }
}

registerNode('kapacitorLoopback', (ctx) => new KapacitorLoopbackNode(ctx));
