/**
 * A batch task's `query('SELECT …')` (Kapacitor query.go): one SELECT statement whose time bounds, GROUP BY and
 * fill are set per run. As in Kapacitor the user's WHERE condition is kept and ANDed with
 * `time >= '<start>' AND time < '<stop>'`, the statement's own GROUP BY is replaced by the node's `.groupBy(...)`
 * dimensions, `.fill(...)` replaces the statement's fill (the statement's stays otherwise), and the remaining
 * clauses (ORDER BY, LIMIT, OFFSET, SLIMIT, SOFFSET, tz()) are kept.
 *
 * Kapacitor re-prints the statement from influxql's AST; tickstream splits the text at the top-level clause
 * keywords instead (quotes, regex literals and parenthesised subqueries are skipped), so the query InfluxDB runs
 * keeps the user's spelling apart from the clauses above.
 */
import { formatRFC3339Nano } from '../model/time.ts';
import { formatInfluxqlDuration } from '../gocompat/duration.ts';

export type Dimension = { kind: 'tag'; name: string } | { kind: 'star' } | { kind: 'time'; every: bigint; offset: bigint };

const CLAUSES = ['WHERE', 'GROUP BY', 'FILL', 'ORDER BY', 'LIMIT', 'OFFSET', 'SLIMIT', 'SOFFSET', 'TZ'] as const;
type Clause = typeof CLAUSES[number];

/** Top-level clause keyword positions of a SELECT statement. */
function scanClauses(q: string): { pos: number; clause: Clause }[] {
  const out: { pos: number; clause: Clause }[] = [];
  let depth = 0;
  let prevOp = '';
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (c === "'" || c === '"') {
      const end = skipQuoted(q, i, c);
      i = end;
      prevOp = '';
      continue;
    }
    if (c === '/' && (prevOp === '=~' || prevOp === '!~')) {
      i = skipQuoted(q, i, '/');
      prevOp = '';
      continue;
    }
    if (c === '(') { depth++; prevOp = ''; continue; }
    if (c === ')') { depth--; prevOp = ''; continue; }
    if ((c === '=' || c === '!') && q[i + 1] === '~') { prevOp = c + '~'; i++; continue; }
    if (/\s/.test(c)) continue;
    prevOp = '';
    if (depth !== 0 || !/[A-Za-z]/.test(c) || (i > 0 && /[\w.]/.test(q[i - 1]!))) continue;
    const rest = q.slice(i).toUpperCase();
    for (const clause of CLAUSES) {
      const word = clause === 'GROUP BY' ? /^GROUP\s+BY\b/ : clause === 'ORDER BY' ? /^ORDER\s+BY\b/
        : clause === 'FILL' || clause === 'TZ' ? new RegExp(`^${clause}\\s*\\(`) : new RegExp(`^${clause}\\b`);
      if (word.test(rest)) { out.push({ pos: i, clause }); break; }
    }
  }
  if (depth !== 0) throw new Error('unbalanced parentheses');
  return out;
}

/** Where the sources start: just after the top-level FROM keyword of `SELECT … FROM …`. */
function topLevelFrom(head: string): number {
  let depth = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i]!;
    if (c === "'" || c === '"') { i = skipQuoted(head, i, c); continue; }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /^FROM\b/i.test(head.slice(i, i + 5)) && (i === 0 || !/[\w.]/.test(head[i - 1]!))) return i + 4;
  }
  throw new Error('found no FROM clause');
}

/** `text` split at `sep` outside quotes, regexes and parentheses. */
function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || (c === '/' && depth === 0)) { i = skipQuoted(text, i, c); continue; }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === sep && depth === 0) { out.push(text.slice(start, i)); start = i + 1; }
  }
  out.push(text.slice(start));
  return out;
}

/** An InfluxQL identifier as written (`"a b"`, `a`) → its name. */
function unquoteIdent(s: string): string {
  return s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s;
}

/** Index of the closing quote of the literal opening at `i` (backslash escapes). */
function skipQuoted(q: string, i: number, quote: string): number {
  for (let j = i + 1; j < q.length; j++) {
    if (q[j] === '\\') { j++; continue; }
    if (q[j] === quote) return j;
  }
  throw new Error(`unterminated ${quote === '/' ? 'regex' : 'quoted'} literal at char ${i + 1}`);
}

export class SelectQuery {
  /** `SELECT … FROM …` */
  private readonly head: string;
  /** the user's WHERE condition ('' = none) */
  private readonly condition: string;
  /** the statement's own fill clause, kept unless `.fill()` is set */
  private readonly ownFill: string;
  /** ORDER BY / LIMIT / OFFSET / SLIMIT / SOFFSET / tz() in their original order */
  private readonly tail: string;
  private dimensions: readonly Dimension[] = [];
  private fill = '';
  private alignGroup = false;

  constructor(text: string) {
    let q = text.trim();
    if (q.endsWith(';')) q = q.slice(0, -1).trim();
    if (!/^SELECT\s/i.test(q)) throw new Error(`failed to parse InfluxQL query: query is not a select statement ${JSON.stringify(text)}`);
    let clauses;
    try { clauses = scanClauses(q); } catch (err) { throw new Error(`failed to parse InfluxQL query: ${(err as Error).message}`); }
    const part = (c: Clause): string | undefined => {
      const k = clauses.findIndex((x) => x.clause === c);
      if (k < 0) return undefined;
      const end = clauses[k + 1]?.pos ?? q.length;
      return q.slice(clauses[k]!.pos, end).trim();
    };
    if (q.slice(0, clauses[0]?.pos ?? q.length).includes(';')) {
      throw new Error('query must be a single select statement');
    }
    if (!/\bFROM\b/i.test(q.slice(0, clauses[0]?.pos ?? q.length))) throw new Error(`failed to parse InfluxQL query: found no FROM clause in ${JSON.stringify(text)}`);
    this.head = q.slice(0, clauses[0]?.pos ?? q.length).trim();
    const where = part('WHERE');
    this.condition = where === undefined ? '' : where.replace(/^WHERE\s+/i, '');
    if (where !== undefined && this.condition === '') throw new Error('failed to parse InfluxQL query: empty WHERE clause');
    this.ownFill = part('FILL') ?? '';
    this.tail = clauses.filter((c) => c.clause !== 'WHERE' && c.clause !== 'GROUP BY' && c.clause !== 'FILL')
      .map((c) => part(c.clause)!).join(' ');
  }

  /** The node's groupBy (replaces the statement's GROUP BY, as Kapacitor's Query.Dimensions does). */
  setDimensions(dims: readonly Dimension[]): void {
    if (dims.filter((d) => d.kind === 'time').length > 1) throw new Error('groupBy cannot have more than one time dimension');
    this.dimensions = dims;
  }

  setFill(fill: string | number | bigint): void {
    this.fill = typeof fill === 'string' ? `fill(${fill})` : `fill(${fill.toString()})`;
  }

  setAlignGroup(): void { this.alignGroup = true; }

  /**
   * The database and retention policy of each FROM source (Kapacitor Query.DBRPs): `db.rp.m` → db/rp, `rp.m` →
   * ''/rp, `m` → ''/'' (a source InfluxDB would resolve with the request's db); a subquery is an error.
   */
  sources(): { db: string; rp: string }[] {
    const from = topLevelFrom(this.head);
    return splitTopLevel(this.head.slice(from), ',').map((src) => {
      const t = src.trim();
      if (t.startsWith('(')) throw new Error('unknown query source *influxql.SubQuery');
      const parts = splitTopLevel(t, '.').map((x) => unquoteIdent(x.trim()));
      if (parts.length >= 3) return { db: parts[parts.length - 3]!, rp: parts[parts.length - 2]! };
      if (parts.length === 2) return { db: '', rp: parts[0]! };
      return { db: '', rp: '' };
    });
  }

  get groupedByTime(): boolean { return this.dimensions.some((d) => d.kind === 'time'); }

  /** The statement for one run over [start, stop). */
  text(start: bigint, stop: bigint): string {
    const bounds = `time >= '${formatRFC3339Nano(start)}' AND time < '${formatRFC3339Nano(stop)}'`;
    let s = `${this.head} WHERE ${this.condition !== '' ? `(${this.condition}) AND ` : ''}${bounds}`;
    if (this.dimensions.length > 0) {
      s += ' GROUP BY ' + this.dimensions.map((d) => {
        if (d.kind === 'tag') return '"' + d.name.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
        if (d.kind === 'star') return '*';
        // alignGroup: the group-by offset follows the start time (Kapacitor SetStartTime)
        const offset = this.alignGroup ? ((start % d.every) + d.every) % d.every : d.offset;
        return `time(${formatInfluxqlDuration(d.every)}, ${formatInfluxqlDuration(offset)})`;
      }).join(', ');
    }
    const fill = this.fill !== '' ? this.fill : this.ownFill;
    if (fill !== '') s += ' ' + fill;
    if (this.tail !== '') s += ' ' + this.tail;
    return s;
  }
}
