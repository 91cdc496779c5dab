/**
 * `log()` (SPEC 3.11, `log.go`): logs each point (message `point`) or batch (`begin batch`, one `batch point` per
 * point, `end batch`) through the task logger with keys prefix, name, db, rp, group, dimension, `tag_<k>`,
 * `field_<k>` and time (RFC3339Nano); data passes through. `.level()`: DEBUG, INFO (default), WARN (logged at info,
 * as Kapacitor does), ERROR.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import type { Batch, Fields, Point, Tags } from '../model/point.ts';
import { formatRFC3339Nano } from '../model/time.ts';
import { prop } from '../tickscript/pipeline.ts';
import { registerNode } from './registry.ts';

type Level = 'debug' | 'info' | 'error';

export class LogNode extends Node {
  private readonly level: Level;
  private readonly prefix: string;

  constructor(ctx: NodeContext) {
    super(ctx);
    const lv = prop(ctx.def, 'level', 'INFO');
    if (typeof lv !== 'string') throw new Error(`${ctx.def.name}: .level() expects a string`);
    switch (lv.toUpperCase()) {
      case 'DEBUG': this.level = 'debug'; break;
      case 'INFO': case 'WARN': this.level = 'info'; break;
      case 'ERROR': this.level = 'error'; break;
      default: throw new Error(`${ctx.def.name}: invalid log level ${lv}`);
    }
    const px = prop(ctx.def, 'prefix', '');
    if (typeof px !== 'string') throw new Error(`${ctx.def.name}: .prefix() expects a string`);
    this.prefix = px;
  }

  private record(name: string, db: string, rp: string, group: string, dims: readonly string[], tags: Tags, fields: Fields | undefined, time: bigint): Record<string, unknown> {
    const r: Record<string, unknown> = { prefix: this.prefix, name, db, rp, group, dimension: dims };
    for (const k in tags) r['tag_' + k] = tags[k];
    if (fields !== undefined) for (const k in fields) r['field_' + k] = fields[k];
    r['time'] = formatRFC3339Nano(time);
    return r;
  }

  protected override onPoint(p: Point): void {
    if (this.log.isLevelEnabled(this.level)) {
      this.log[this.level](this.record(p.name, p.db, p.rp, p.group, p.dims.tagNames, p.tags, p.fields, p.time), 'point');
    }
    this.emitPoint(p);
  }

  protected override onBatch(b: Batch): void {
    if (this.log.isLevelEnabled(this.level)) {
      const dims = b.dims.tagNames;
      this.log[this.level](this.record(b.name, b.db, b.rp, b.group, dims, b.tags, undefined, b.tmax), 'begin batch');
      for (const bp of b.points) this.log[this.level](this.record(b.name, b.db, b.rp, b.group, dims, bp.tags, bp.fields, bp.time), 'batch point');
      this.log[this.level](this.record(b.name, b.db, b.rp, b.group, dims, b.tags, undefined, b.tmax), 'end batch');
    }
    this.emitBatch(b);
  }
}

registerNode('log', (ctx) => new LogNode(ctx));
