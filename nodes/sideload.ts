/**
 * `sideload()` (pipeline/sideload.go, sideload.go): adds fields and tags looked up in a file or http(s) source
 * (nodes/sideload-source.ts, nodes/sideload-http-source.ts). For every point
 * the `.order(templates...)` are rendered with the point's tags (Go text/template, e.g. `host/{{.host}}.yml`); each
 * `.field(key, default)` / `.tag(key, default)` takes the value of the first rendered path whose file has the key,
 * converted to the default's type, or the default. Semantics in docs/nodes.md.
 */
import { Node, type BarrierMessage, type DeleteGroupMessage, type NodeContext } from '../runtime/node.ts';
import { makeBatchPoint, makePoint, withPoints } from '../model/build.ts';
import { groupId, type Batch, type BatchPoint, type Fields, type FieldValue, type Point, type Tags } from '../model/point.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { acquireFileSource, acquireSource, releaseSource, type SideloadSource, type SideloadValue } from './sideload-source.ts';
import { HttpSource } from './sideload-http-source.ts';
import { OutboundGuard } from '../outbound/guard.ts';
import type { HttpPostEndpoint } from '../config/httppost.ts';
import { registerNode } from './registry.ts';

/** A parsed order template: literal text and tag references, alternating. */
type Part = { readonly text: string } | { readonly tag: string };

/**
 * The subset of Go text/template that order paths use: literal text, `{{.tag}}` and `{{index . "tag"}}` (with
 * optional spaces and `-` trim markers). A missing tag renders as `<no value>`, as Go does for a map.
 */
export function parseOrderTemplate(src: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) { parts.push({ text: src.slice(i) }); break; }
    let text = src.slice(i, open);
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw new Error(`template: order:1: unclosed action`);
    let inner = src.slice(open + 2, close);
    if (inner.startsWith('- ')) { inner = inner.slice(2); text = text.trimEnd(); }
    let trimAfter = false;
    if (inner.endsWith(' -')) { inner = inner.slice(0, -2); trimAfter = true; }
    if (text !== '') parts.push({ text });
    inner = inner.trim();
    let m = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
    if (!m) m = /^index\s+\.\s+"((?:[^"\\]|\\.)*)"$/.exec(inner);
    if (!m) throw new Error(`unsupported order template action {{${inner}}} (tickstream supports {{.tag}} and {{index . "tag"}})`);
    parts.push({ tag: m[1]!.replace(/\\(.)/g, '$1') });
    i = close + 2;
    if (trimAfter) while (i < src.length && /\s/.test(src[i]!)) i++;
  }
  return parts;
}

function render(parts: readonly Part[], tags: Tags): string {
  let s = '';
  for (const p of parts) s += 'text' in p ? p.text : (Object.hasOwn(tags, p.tag) ? tags[p.tag]! : '<no value>');
  return s;
}

/** Messages a node holds while its http source's first fetch is in flight (past it, points are dropped and counted). */
export const HOLD_LIMIT = 100_000;

type Held = { readonly kind: 'point'; readonly m: Point } | { readonly kind: 'batch'; readonly m: Batch }
  | { readonly kind: 'barrier'; readonly m: BarrierMessage } | { readonly kind: 'delete'; readonly m: DeleteGroupMessage };

export class SideloadNode extends Node {
  /** HOLD_LIMIT, read when a node starts (tests lower it) */
  static holdLimit = HOLD_LIMIT;
  private readonly holdLimit = SideloadNode.holdLimit;
  private readonly source: SideloadSource;
  /** set while the source's first load is in flight: messages wait here, in order */
  private held: Held[] | undefined;
  private readonly order: Part[][];
  private readonly fields: [string, FieldValue][];
  private readonly tagDefaults: [string, string][];

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const s = settingsOf('sideload', d);
    this.order = (s.order.at(-1) ?? []).map((raw) => {
      try { return parseOrderTemplate(raw); } catch (err) { throw new Error(`${d.name}: order template ${JSON.stringify(raw)}: ${(err as Error).message}`); }
    });
    // repeated keys: the last call wins (Kapacitor keeps them in a map)
    const fields = new Map<string, FieldValue>();
    for (const [k, v] of s.field) fields.set(k, v);
    this.fields = [...fields];
    const tags = new Map<string, string>();
    for (const [k, v] of s.tag) tags.set(k, v);
    this.tagDefaults = [...tags];
    this.source = openSource(d.name, s.source ?? '', ctx.services.httpPost, ctx.services.outboundGuard);
    const loading = this.source.loading;
    if (loading !== undefined) {
      this.held = [];
      void loading.then(() => this.runExternal(() => this.loaded()));
    } else if (this.source.loadError) {
      // a source whose first fetch failed before this node started: the same error, for this node too
      this.reportError(this.source.loadError.message, '');
    }
  }

  /** Resolves once the source's first load is over and the held messages went through. */
  async whenLoaded(): Promise<void> {
    while (this.held !== undefined) await this.source.loading;
    await Promise.resolve();
  }

  private loaded(): void {
    if (this.held === undefined) return;
    const held = this.held;
    this.held = undefined;
    if (this.source.loadError) this.reportError(this.source.loadError.message, '');
    for (const h of held) {
      if (h.kind === 'point') this.onPoint(h.m);
      else if (h.kind === 'batch') this.onBatch(h.m);
      else if (h.kind === 'barrier') super.onBarrier(h.m);
      else super.onDeleteGroup(h.m);
    }
  }

  /** While loading: keep the message (true), or drop a data message past HOLD_LIMIT (counted). */
  private hold(h: Held): boolean {
    if (this.held === undefined) return false;
    if (this.held.length >= this.holdLimit && (h.kind === 'point' || h.kind === 'batch')) {
      this.reportError(`sideload source ${this.source.dir} is still loading and ${this.holdLimit} messages wait: message dropped`, h.m.group);
      return true;
    }
    this.held.push(h);
    return true;
  }

  protected override onBarrier(m: BarrierMessage): void {
    if (!this.hold({ kind: 'barrier', m })) super.onBarrier(m);
  }

  protected override onDeleteGroup(m: DeleteGroupMessage): void {
    if (!this.hold({ kind: 'delete', m })) super.onDeleteGroup(m);
  }

  override stop(): void {
    this.held = undefined;
    releaseSource(this.source);
  }

  /** The order templates rendered with a point's tags. */
  private paths(tags: Tags): string[] {
    return this.order.map((o) => render(o, tags));
  }

  private lookup<T extends FieldValue>(paths: string[], key: string, dflt: T, group: string): FieldValue {
    const v = this.source.lookup(paths, key);
    if (v === undefined || v === null) return dflt;
    try {
      return convertType(v, dflt);
    } catch (err) {
      this.reportError('failed to load key', group, err);
      return dflt;
    }
  }

  private apply(fields: Fields, tags: Tags, group: string): { fields: Fields; tags: Tags } {
    const paths = this.paths(tags);
    let f = fields;
    if (this.fields.length > 0) {
      f = { ...fields };
      for (const [k, d] of this.fields) f[k] = this.lookup(paths, k, d, group);
    }
    let t = tags;
    if (this.tagDefaults.length > 0) {
      t = { ...tags };
      for (const [k, d] of this.tagDefaults) t[k] = this.lookup(paths, k, d, group) as string;
    }
    return { fields: f, tags: t };
  }

  protected override onPoint(p: Point): void {
    if (this.held !== undefined && this.hold({ kind: 'point', m: p })) return;
    const r = this.apply(p.fields, p.tags, p.group);
    // pointMessage.SetTags recomputes the group ID over the same dimensions
    const group = r.tags === p.tags ? p.group : groupId(p.name, r.tags, p.dims);
    this.emitPoint(makePoint(p.name, p.db, p.rp, r.tags, r.fields, p.time, p.dims, group));
  }

  protected override onBatch(b: Batch): void {
    if (this.held !== undefined && this.hold({ kind: 'batch', m: b })) return;
    const out: BatchPoint[] = new Array<BatchPoint>(b.points.length);
    for (let i = 0; i < b.points.length; i++) {
      const bp = b.points[i]!;
      const r = this.apply(bp.fields, bp.tags, b.group);
      out[i] = makeBatchPoint(bp.time, r.fields, r.tags);
    }
    this.emitBatch(withPoints(b, out));
  }
}

/**
 * sideload.go: a URL (`file:///dir`, `http(s)://…`), or a bare name = an [[httppost]] endpoint whose URL is used
 * (and, for http, its basic auth).
 */
function openSource(node: string, source: string, endpoints: ReadonlyMap<string, HttpPostEndpoint> | undefined,
  guard: OutboundGuard | undefined): SideloadSource {
  let url = source;
  let endpoint: HttpPostEndpoint | undefined;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(source)) {
    endpoint = endpoints?.get(source);
    if (!endpoint) throw new Error(`${node}: Specified endpoint does not exist: ${source}`);
    url = endpoint.url;
  }
  let u: URL;
  try { u = new URL(url); } catch { throw new Error(`${node}: invalid sideload source ${JSON.stringify(url)}`); }
  const scheme = u.protocol.slice(0, -1);
  if (scheme === 'http' || scheme === 'https') {
    const auth = Object.entries(endpoint?.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    return acquireSource(url, () => new HttpSource(url, auth, guard ?? new OutboundGuard('')));
  }
  if (scheme !== 'file') throw new Error(`${node}: unsupported source scheme ${JSON.stringify(scheme)}, must be 'file', 'http', or 'https'`);
  return acquireFileSource(decodeURIComponent(u.pathname));
}

/** sideload.go convertType: the looked-up value in the default's type, or Kapacitor's error. */
export function convertType(src: SideloadValue, dflt: FieldValue): FieldValue {
  switch (typeof dflt) {
    case 'bigint':
      if (typeof src === 'number' && Number.isInteger(src) && Math.abs(src) <= 2 ** 63) return BigInt(src);
      if (typeof src === 'string') {
        if (!/^[+-]?\d+$/.test(src) || BigInt(src) > 2n ** 63n - 1n || BigInt(src) < -(2n ** 63n)) {
          throw new Error(`cannot convert string to int64: strconv.Atoi: parsing ${JSON.stringify(src)}: ${/^[+-]?\d+$/.test(src) ? 'value out of range' : 'invalid syntax'}`);
        }
        return BigInt(src);
      }
      break;
    case 'number':
      if (typeof src === 'number') return src;
      if (typeof src === 'string') {
        const f = parseGoFloat(src);
        if (f === undefined) throw new Error(`cannot convert string to float64: strconv.ParseFloat: parsing ${JSON.stringify(src)}: invalid syntax`);
        return f;
      }
      break;
    case 'boolean':
      if (typeof src === 'boolean') return src;
      if (typeof src === 'string') {
        if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(src)) return true;
        if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(src)) return false;
        throw new Error(`cannot convert string to bool: strconv.ParseBool: parsing ${JSON.stringify(src)}: invalid syntax`);
      }
      break;
    case 'string':
      if (typeof src === 'string') return src;
      if (typeof src === 'boolean') return String(src);
      if (typeof src === 'number') return formatFloatF(src);
      break;
  }
  throw new Error(`cannot convert value of type ${goType(src)} to type ${goType(dflt)}`);
}

function goType(v: SideloadValue | FieldValue): string {
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** strconv.ParseFloat(s, 64) syntax (decimal, exponent, inf/infinity/nan); undefined when invalid. */
function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s) || s.includes('_')) return undefined;
  return Number(s);
}

/** strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
  const s = String(f);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, d0, rest = '', e] = m;
  const digits = d0! + rest;
  const exp = Number(e);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return sign + digits + '0'.repeat(Math.max(0, exp - rest.length)) + (exp < rest.length ? '.' + rest.slice(exp) : '');
}

registerNode('sideload', (ctx) => new SideloadNode(ctx));
