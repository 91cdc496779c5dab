/**
 * `httpOut(endpoint)` (SPEC 3.12, `http_out.go`): keeps the latest message per group (one series slot per group,
 * in group-creation order; DeleteGroup removes the slot) and serves them as
 * `{"series":[row,…]}` at GET /kapacitor/v1/tasks/<task>/<endpoint>. Data passes through to children.
 * The hot path only stores a reference; JSON is built when the endpoint is read.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { compareGoStrings, fieldValueJson, goJsonString, tagsJson, timeJson } from '../gocompat/json.ts';
import type { Batch, Point } from '../model/point.ts';
import { plain } from '../tickscript/pipeline.ts';
import { registerNode } from './registry.ts';

export class HttpOutNode extends Node {
  readonly endpoint: string;
  private readonly latest = this.groupState<Point | Batch>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const e = ctx.def.args[0] ? plain(ctx.def.args[0]) : undefined;
    if (typeof e !== 'string' || e === '') throw new Error(`${ctx.def.name}: httpOut needs an endpoint name`);
    this.endpoint = e;
    ctx.task.registerEndpoint(e, { renderJSON: () => this.renderJSON() });
  }

  protected override onPoint(p: Point): void {
    this.latest.set(p.group, p); // an existing key keeps its position: group-creation order
    this.emitPoint(p);
  }

  protected override onBatch(b: Batch): void {
    this.latest.set(b.group, b);
    this.emitBatch(b);
  }

  renderJSON(): string {
    if (this.latest.size === 0) return '{"series":null}';
    let s = '{"series":[';
    let first = true;
    for (const m of this.latest.values()) {
      if (!first) s += ',';
      first = false;
      s += this.batchInput ? batchRow(m as Batch) : pointRow(m as Point);
    }
    return s + ']}';
  }
}

/** models.Row fields in Go's order with omitempty: name, tags, columns, values. */
function rowHead(name: string, tags: Record<string, string>): string {
  let s = '{';
  let sep = '';
  if (name !== '') { s += '"name":' + goJsonString(name); sep = ','; }
  if (Object.keys(tags).length > 0) { s += sep + '"tags":' + tagsJson(tags); sep = ','; }
  return s + sep;
}

/** models.PointToRow: all tags; columns time + sorted fields; one values row. */
export function pointRow(p: Point): string {
  const cols = Object.keys(p.fields).sort(compareGoStrings);
  let s = rowHead(p.name, p.tags) + '"columns":["time"';
  for (const c of cols) s += ',' + goJsonString(c);
  s += '],"values":[[' + timeJson(p.time);
  for (const c of cols) s += ',' + fieldValueJson(p.fields[c]);
  return s + ']]}';
}

/**
 * models.BatchToRow: tags = batch group tags; columns = time + fields of the first point + its tags that are not
 * batch tags, sorted; one values row per point (a field, else a tag, else null). An empty batch has no columns.
 */
export function batchRow(b: Batch): string {
  const head = rowHead(b.name, b.tags);
  if (b.points.length === 0) return head === '{' ? '{}' : head.slice(0, -1) + '}';
  const p0 = b.points[0]!;
  const cols = Object.keys(p0.fields);
  for (const t of Object.keys(p0.tags)) if (!Object.hasOwn(b.tags, t)) cols.push(t);
  cols.sort(compareGoStrings);
  let s = head + '"columns":["time"';
  for (const c of cols) s += ',' + goJsonString(c);
  s += '],"values":[';
  for (let i = 0; i < b.points.length; i++) {
    const p = b.points[i]!;
    s += (i ? ',' : '') + '[' + timeJson(p.time);
    for (const c of cols) {
      if (Object.hasOwn(p.fields, c)) s += ',' + fieldValueJson(p.fields[c]);
      else if (Object.hasOwn(p.tags, c)) s += ',' + goJsonString(p.tags[c]!);
      else s += ',null';
    }
    s += ']';
  }
  return s + ']}';
}

registerNode('httpOut', (ctx) => new HttpOutNode(ctx));
