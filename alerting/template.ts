/**
 * The subset of Go's text/template (and html/template output escaping) that alert `.id()`, `.message()` and
 * `.details()` use (SPEC 3.15): text, `{{ pipeline }}` actions with `{{-`/`-}}` trimming, field chains
 * (`.ID`, `.ServerInfo.Hostname`, `.`), string/number literals, parenthesised commands, `|` pipes, functions
 * `index`, `json`, `print`, `printf` (verbs v s d f e g t q x with flags, width, precision), `eq`, `ne`, `not`, `and`, `or`, `len`, `upper`, `lower`, and `if`/`else`/`end`.
 * Templates are compiled once at task start (unknown fields and functions are errors then); rendering walks a
 * small tree. Values print as Go's fmt `%v` does (floats `1e+06`, maps `map[k:v]`, times
 * `2016-11-08 18:21:07 +0000 UTC`).
 */
import { fieldValueJson, goJsonString, compareGoStrings, timeJson } from '../gocompat/json.ts';
import { formatRFC3339Nano } from '../model/time.ts';
import { formatGoDuration } from '../gocompat/duration.ts';
import { goFloat } from '../gocompat/format.ts';

/** A Go time.Time value in template data. */
export class GoTime { constructor(readonly ns: bigint) {} }
/** A Go time.Duration value in template data. */
export class GoDuration { constructor(readonly ns: bigint) {} }
/** A Go struct: keys in declaration order (json order). */
export class GoStruct { constructor(readonly fields: Record<string, TemplateValue>) {} }

export type TemplateValue =
  | string | number | bigint | boolean | undefined
  | GoTime | GoDuration | GoStruct
  | { readonly [k: string]: TemplateValue }; // a Go map (printed and marshalled with sorted keys)

type Expr =
  | { t: 'field'; chain: string[] } // chain [] = `.`
  | { t: 'lit'; v: TemplateValue }
  | { t: 'call'; fn: string; args: Expr[] };

type Tree =
  | { t: 'text'; s: string }
  | { t: 'out'; e: Expr }
  | { t: 'if'; cond: Expr; then: Tree[]; else: Tree[] };

const FUNCS = new Set(['index', 'json', 'print', 'printf', 'eq', 'ne', 'not', 'and', 'or', 'len', 'upper', 'lower']);

export class AlertTemplate {
  private constructor(private readonly tree: Tree[], private readonly html: boolean) {}

  /**
   * Compile `src`. `fields` = the field names of the data struct (top level; `ServerInfo` may be followed by a
   * sub-field). `html` = escape action output as html/template does in text context.
   */
  static compile(name: string, src: string, fields: ReadonlySet<string>, html: boolean): AlertTemplate {
    const toks = lex(name, src);
    const p = new Parser(name, toks, fields);
    const tree = p.list(false);
    if (p.pos < toks.length) throw new Error(`template: ${name}: unexpected {{${toks[p.pos]!.s}}}`);
    return new AlertTemplate(tree, html);
  }

  render(data: GoStruct): string {
    return this.exec(this.tree, data);
  }

  private exec(list: Tree[], data: GoStruct): string {
    let out = '';
    for (const n of list) {
      if (n.t === 'text') out += n.s;
      else if (n.t === 'out') {
        const s = formatV(evalExpr(n.e, data));
        out += this.html ? htmlEscape(s) : s;
      } else out += this.exec(truth(evalExpr(n.cond, data)) ? n.then : n.else, data);
    }
    return out;
  }
}

// ---- lexing: text and action bodies -------------------------------------------------------------

interface Tok { kind: 'text' | 'action'; s: string }

function lex(name: string, src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) { out.push({ kind: 'text', s: src.slice(i) }); break; }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) { text = text.replace(/\s+$/, ''); start += 1; }
    if (text) out.push({ kind: 'text', s: text });
    const close = findClose(src, start);
    if (close < 0) throw new Error(`template: ${name}: unclosed action`);
    let body = src.slice(start, close);
    i = close + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^\s*/.exec(src.slice(i))!;
      i += m[0].length;
    }
    out.push({ kind: 'action', s: body.trim() });
  }
  return out;
}

/** The index of the `}}` closing an action, skipping string literals. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length - 1; i++) {
    const c = src[i];
    if (c === '"') { i++; while (i < src.length && src[i] !== '"') { if (src[i] === '\\') i++; i++; } continue; }
    if (c === '`') { i = src.indexOf('`', i + 1); if (i < 0) return -1; continue; }
    if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

// ---- parsing ------------------------------------------------------------------------------------

class Parser {
  pos = 0;
  constructor(private readonly name: string, private readonly toks: Tok[], private readonly fields: ReadonlySet<string>) {}

  /** Nodes until `{{end}}`/`{{else}}` (when inside an if) or the end. */
  list(inIf: boolean): Tree[] {
    const out: Tree[] = [];
    while (this.pos < this.toks.length) {
      const tk = this.toks[this.pos]!;
      if (tk.kind === 'text') { out.push({ t: 'text', s: tk.s }); this.pos++; continue; }
      const s = tk.s;
      if (s === 'end' || s === 'else') {
        if (!inIf) throw new Error(`template: ${this.name}: unexpected {{${s}}}`);
        return out;
      }
      this.pos++;
      if (s.startsWith('/*')) continue; // comment
      if (/^if\s/.test(s)) {
        const cond = this.pipeline(s.slice(3));
        const then = this.list(true);
        let els: Tree[] = [];
        if (this.toks[this.pos]?.s === 'else') { this.pos++; els = this.list(true); }
        if (this.toks[this.pos]?.s !== 'end') throw new Error(`template: ${this.name}: unexpected EOF, missing {{end}}`);
        this.pos++;
        out.push({ t: 'if', cond, then, else: els });
        continue;
      }
      if (/^(range|with|define|template|block)\b/.test(s)) throw new Error(`template: ${this.name}: {{${s.split(/\s/)[0]}}} is not supported`);
      out.push({ t: 'out', e: this.pipeline(s) });
    }
    if (inIf) throw new Error(`template: ${this.name}: unexpected EOF, missing {{end}}`);
    return out;
  }

  /** `cmd | cmd | …`: each later command gets the previous result as its last argument. */
  pipeline(src: string): Expr {
    const words = words_(this.name, src);
    if (words.length === 0) throw new Error(`template: ${this.name}: missing value for command`);
    let cmds: string[][] = [[]];
    for (const w of words) {
      if (w === '|') cmds.push([]);
      else cmds[cmds.length - 1]!.push(w);
    }
    cmds = cmds.filter((c) => c.length > 0);
    let e: Expr | undefined;
    for (const c of cmds) {
      const x = this.command(c);
      if (e === undefined) e = x;
      else if (x.t === 'call') e = { t: 'call', fn: x.fn, args: [...x.args, e] };
      else throw new Error(`template: ${this.name}: non executable command in pipeline stage`);
    }
    return e!;
  }

  private command(ws: string[]): Expr {
    const head = ws[0]!;
    if (FUNCS.has(head)) return { t: 'call', fn: head, args: ws.slice(1).map((w) => this.operand(w)) };
    if (/^[A-Za-z_]\w*$/.test(head) && head !== 'true' && head !== 'false') throw new Error(`template: ${this.name}: function "${head}" not defined`);
    if (ws.length > 1) throw new Error(`template: ${this.name}: can't give argument to non-function ${head}`);
    return this.operand(head);
  }

  private operand(w: string): Expr {
    if (w.startsWith('(')) return this.pipeline(w.slice(1, -1));
    if (w === '.') return { t: 'field', chain: [] };
    if (w.startsWith('.')) {
      const chain = w.slice(1).split('.');
      const top = chain[0]!;
      if (!this.fields.has(top)) throw new Error(`template: ${this.name}: can't evaluate field ${top}`);
      return { t: 'field', chain };
    }
    if (w.startsWith('"') || w.startsWith('`')) {
      try {
        return { t: 'lit', v: goUnquote(w) };
      } catch (e) {
        throw new Error(`template: ${this.name}: invalid string literal ${w}: ${(e as Error).message}`);
      }
    }
    if (w === 'true' || w === 'false') return { t: 'lit', v: w === 'true' };
    if (/^-?\d+$/.test(w)) return { t: 'lit', v: BigInt(w) };
    if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(w)) return { t: 'lit', v: Number(w) };
    if (FUNCS.has(w)) return { t: 'call', fn: w, args: [] };
    throw new Error(`template: ${this.name}: function "${w}" not defined`);
  }
}

/**
 * Go's strconv.Unquote for the string literals text/template accepts: "…" with the escapes \a \b \f \n \r \t
 * \v \\ \" \xHH \ooo (bytes) \uHHHH \UHHHHHHHH (code points), and raw `…` (verbatim, carriage returns
 * dropped). Go strings are bytes: `"\xc3\xa9"` is "é", and bytes that are not UTF-8 print as U+FFFD.
 * Throws naming the offending escape.
 */
export function goUnquote(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q || (q !== '"' && q !== '`')) throw new Error('unterminated quoted string');
  const body = lit.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new Error('unexpected ` in raw string');
    return body.replaceAll('\r', '');
  }
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === '"' || c === '\n') throw new Error(`unexpected ${c === '"' ? 'quote' : 'newline'} in quoted string`);
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of utf8.encode(ch)) bytes.push(b);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
    if (simple !== undefined) { bytes.push(simple); i += 2; continue; }
    // the n digits after `\` + prefix (prefix '' for octal, whose first digit is e itself)
    const digits = (prefix: string, n: number, re: RegExp, what: string): string => {
      const at = i + 1 + prefix.length;
      const d = body.slice(at, at + n);
      if (d.length !== n || !re.test(d)) throw new Error(`invalid escape \\${prefix}${d}: want ${n} ${what} digits`);
      i = at + n;
      return d;
    };
    if (e === 'x') { bytes.push(parseInt(digits('x', 2, /^[0-9A-Fa-f]+$/, 'hex'), 16)); continue; }
    if (e !== undefined && e >= '0' && e <= '7') {
      const d = digits('', 3, /^[0-7]+$/, 'octal');
      const v = parseInt(d, 8);
      if (v > 255) throw new Error(`invalid escape \\${d}: octal value above 255`);
      bytes.push(v);
      continue;
    }
    if (e === 'u' || e === 'U') {
      const d = digits(e, e === 'u' ? 4 : 8, /^[0-9A-Fa-f]+$/, 'hex');
      const cp = parseInt(d, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error(`invalid escape \\${e}${d}: not a Unicode code point`);
      for (const b of utf8.encode(String.fromCodePoint(cp))) bytes.push(b);
      continue;
    }
    // Go: \' is only valid in rune literals; any other letter is unknown
    throw new Error(e === undefined ? 'unterminated escape' : `unknown escape \\${e}`);
  }
  return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, '"': 0x22,
};

/** Split an action into words: literals, parenthesised groups, `|`. */
function words_(name: string, s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '|') { out.push('|'); i++; continue; }
    let j = i;
    if (c === '"') { j++; while (j < s.length && s[j] !== '"') { if (s[j] === '\\') j++; j++; } j++; }
    else if (c === '`') { j = s.indexOf('`', i + 1) + 1; if (j === 0) throw new Error(`template: ${name}: unterminated raw quoted string`); }
    else if (c === '(') {
      let depth = 0;
      for (; j < s.length; j++) { if (s[j] === '(') depth++; else if (s[j] === ')' && --depth === 0) break; }
      if (j >= s.length) throw new Error(`template: ${name}: unclosed left paren`);
      j++;
    } else { while (j < s.length && !/[\s|()]/.test(s[j]!)) j++; }
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

// ---- evaluation ---------------------------------------------------------------------------------

function evalExpr(e: Expr, data: GoStruct): TemplateValue {
  switch (e.t) {
    case 'lit': return e.v;
    case 'field': {
      let v: TemplateValue = data;
      for (const k of e.chain) {
        if (v instanceof GoStruct) v = v.fields[k];
        else if (isMap(v)) v = v[k];
        else return undefined;
      }
      return v;
    }
    case 'call': return callFn(e.fn, e.args.map((a) => evalExpr(a, data)));
  }
}

function isMap(v: TemplateValue): v is { readonly [k: string]: TemplateValue } {
  return typeof v === 'object' && v !== null && !(v instanceof GoStruct) && !(v instanceof GoTime) && !(v instanceof GoDuration);
}

function callFn(fn: string, a: TemplateValue[]): TemplateValue {
  switch (fn) {
    case 'index': {
      let v = a[0];
      for (let i = 1; i < a.length; i++) {
        if (!isMap(v)) throw new Error(`error calling index: cannot index ${typeof v}`);
        v = v[String(a[i])];
      }
      return v;
    }
    case 'json': return marshal(a[0]);
    case 'print': {
      // fmt.Sprint: spaces between operands when neither is a string
      let s = '';
      for (let i = 0; i < a.length; i++) {
        if (i > 0 && typeof a[i] !== 'string' && typeof a[i - 1] !== 'string') s += ' ';
        s += formatV(a[i]);
      }
      return s;
    }
    case 'printf': return sprintf(typeof a[0] === 'string' ? a[0] : formatV(a[0]), a.slice(1));
    case 'eq': return a.slice(1).some((x) => eq(a[0], x));
    case 'ne': return !eq(a[0], a[1]);
    case 'not': return !truth(a[0]);
    case 'and': { let v: TemplateValue = true; for (const x of a) { v = x; if (!truth(x)) return x; } return v; }
    case 'or': { let v: TemplateValue = false; for (const x of a) { v = x; if (truth(x)) return x; } return v; }
    case 'len': {
      const v = a[0];
      if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
      if (isMap(v)) return BigInt(Object.keys(v).length);
      throw new Error(`error calling len: len of ${typeof v}`);
    }
    case 'upper': return formatV(a[0]).toUpperCase();
    case 'lower': return formatV(a[0]).toLowerCase();
    default: throw new Error(`function "${fn}" not defined`);
  }
}

function eq(x: TemplateValue, y: TemplateValue): boolean {
  if (typeof x === 'bigint' && typeof y === 'number') return Number(x) === y;
  if (typeof x === 'number' && typeof y === 'bigint') return x === Number(y);
  if (x instanceof GoTime && y instanceof GoTime) return x.ns === y.ns;
  if (x instanceof GoDuration && y instanceof GoDuration) return x.ns === y.ns;
  return x === y;
}

function truth(v: TemplateValue): boolean {
  if (v === undefined || v === '' || v === false || v === 0 || v === 0n) return false;
  if (v instanceof GoDuration) return v.ns !== 0n;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** fmt's %v. */
export function formatV(v: TemplateValue): string {
  switch (typeof v) {
    case 'string': return v;
    case 'number': return goFloat(v);
    case 'bigint': return String(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'undefined': return '<no value>';
  }
  if (v instanceof GoTime) return goTimeString(v.ns);
  if (v instanceof GoDuration) return formatGoDuration(v.ns);
  if (v instanceof GoStruct) return '{' + Object.values(v.fields).map(formatV).join(' ') + '}';
  const keys = Object.keys(v).sort(compareGoStrings);
  return 'map[' + keys.map((k) => k + ':' + formatNested(v[k])).join(' ') + ']';
}

const GO_TYPE: Record<string, string> = { number: 'float64', bigint: 'int64', string: 'string', boolean: 'bool' };

/** fmt.Sprintf for the verbs templates use; a verb that does not fit its operand prints Go's `%!f(int64=5)`. */
export function sprintf(format: string, args: TemplateValue[]): string {
  let out = '';
  let ai = 0;
  const re = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', width, prec, verb] = m as unknown as [string, string, string | undefined, string | undefined, string];
    if (verb === '%') { out += '%'; continue; }
    if (ai >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    const v = args[ai++];
    let s: string | undefined;
    const p = prec === undefined ? undefined : Number(prec);
    switch (verb) {
      case 'v': s = formatV(v); break;
      case 's': s = typeof v === 'string' || !(typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') ? formatV(v) : undefined;
        if (s !== undefined && p !== undefined) s = s.slice(0, p); break;
      case 'q': s = typeof v === 'string' ? JSON.stringify(v) : undefined; break;
      case 't': s = typeof v === 'boolean' ? String(v) : undefined; break;
      case 'd': s = typeof v === 'bigint' ? String(v) : undefined; break;
      case 'x': s = typeof v === 'bigint' ? v.toString(16) : typeof v === 'string' ? Buffer.from(v).toString('hex') : undefined; break;
      case 'f': case 'F': s = typeof v === 'number' ? (Number.isFinite(v) ? goFixed(v, p ?? 6) : goFloat(v)) : undefined; break;
      case 'e': s = typeof v === 'number' ? goExp(v.toExponential(p ?? 6)) : undefined; break;
      case 'g': s = typeof v === 'number' ? (p === undefined ? goFloat(v) : String(Number(v.toPrecision(p)))) : undefined; break;
      default: s = undefined;
    }
    if (s === undefined) { out += `%!${verb}(${v === undefined ? '<nil>' : (GO_TYPE[typeof v] ?? 'value') + '=' + formatV(v)})`; continue; }
    if (flags.includes('+') && typeof v === 'number' && v >= 0 && 'fFeg'.includes(verb)) s = '+' + s;
    const w = width === undefined ? 0 : Number(width);
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0') && (typeof v === 'number' || typeof v === 'bigint')) {
        const neg = s[0] === '-' || s[0] === '+' ? s[0] : '';
        s = neg + s.slice(neg.length).padStart(w - neg.length, '0');
      } else s = s.padStart(w);
    }
    out += s;
  }
  out += format.slice(last);
  if (ai < args.length) out += '%!(EXTRA ' + args.slice(ai).map((v) => (GO_TYPE[typeof v] ?? 'value') + '=' + formatV(v)).join(', ') + ')';
  return out;
}

/**
 * strconv.FormatFloat(x, 'f', p): like toFixed, except that an exact tie rounds half to even (Go prints 2.2 for
 * 2.25 with one decimal; JavaScript's toFixed prints 2.3). Ties are found on the exact decimal expansion.
 */
export function goFixed(x: number, p: number): string {
  const r = x.toFixed(p);
  if (Math.abs(x) >= 1e21 || p >= 100) return r;
  const exact = Math.abs(x).toFixed(Math.min(100, p + 60)); // exact for doubles that need ≤ p+60 fraction digits
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + p);
  if (!/^50*$/.test(tail)) return r;
  // an exact tie: toFixed rounded away from zero; Go keeps the even last digit
  const kept = exact.slice(0, dot + 1 + p).replace(/\.$/, '');
  const last = Number(kept[kept.length - 1] === '.' ? kept[kept.length - 2] : kept[kept.length - 1]);
  if (last % 2 !== 0) return r;
  return (x < 0 ? '-' : '') + kept;
}

/** JavaScript's `1.5e+6` → Go's `1.5e+06`. */
function goExp(s: string): string {
  return s.replace(/e([-+])(\d)$/, 'e$10$2');
}

/** Inside a map, a nil interface prints `<nil>`. */
function formatNested(v: TemplateValue): string {
  return v === undefined ? '<nil>' : formatV(v);
}

/** Go's Time.String() in UTC: `2016-11-08 18:21:07.5 +0000 UTC`. */
export function goTimeString(ns: bigint): string {
  const s = formatRFC3339Nano(ns); // 2016-11-08T18:21:07.5Z
  return s.slice(0, 10) + ' ' + s.slice(11, -1) + ' +0000 UTC';
}

/** encoding/json of a template value (structs in field order, maps sorted, times RFC3339Nano, durations int). */
export function marshal(v: TemplateValue): string {
  switch (typeof v) {
    case 'string': return goJsonString(v);
    case 'number': case 'bigint': case 'boolean': return fieldValueJson(v);
    case 'undefined': return 'null';
  }
  if (v instanceof GoTime) return timeJson(v.ns);
  if (v instanceof GoDuration) return String(v.ns);
  if (v instanceof GoStruct) {
    let s = '{';
    let first = true;
    for (const k in v.fields) { s += (first ? '' : ',') + goJsonString(k) + ':' + marshal(v.fields[k]); first = false; }
    return s + '}';
  }
  const keys = Object.keys(v).sort(compareGoStrings);
  return '{' + keys.map((k) => goJsonString(k) + ':' + marshal(v[k])).join(',') + '}';
}

/** html/template's escaping of action output in HTML text context (one pass, slices between escapes). */
export function htmlEscape(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    let esc: string;
    switch (s.charCodeAt(i)) {
      case 0x26: esc = '&amp;'; break;
      case 0x3c: esc = '&lt;'; break;
      case 0x3e: esc = '&gt;'; break;
      case 0x22: esc = '&#34;'; break;
      case 0x27: esc = '&#39;'; break;
      case 0x2b: esc = '&#43;'; break;
      case 0x00: esc = '\ufffd'; break;
      default: continue;
    }
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return start === 0 ? s : out + s.slice(start);
}
