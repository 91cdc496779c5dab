/**
 * Cron expressions as Kapacitor's `query().cron('…')` reads them (it uses github.com/gorhill/cronexpr; this is our
 * own implementation of that documented behaviour):
 *
 *   7 fields  `sec min hour day-of-month month day-of-week year`
 *   6 fields  `min hour dom month dow year`        (second 0)
 *   5 fields  `min hour dom month dow`             (second 0, any year)
 *   `@yearly`/`@annually` = `0 0 0 1 1 * *`, `@monthly` = `0 0 0 1 * * *`, `@weekly` = `0 0 0 * * 0 *`,
 *   `@daily` = `0 0 0 * * * *`, `@hourly` = `0 0 * * * * *`
 *
 * Each field is a comma list of `*` or `?` (any), `v`, `a-b`, `*` `/n`, `a/n` (a to the field's end), `a-b/n`;
 * months and weekdays also by (3-letter or full, any case) name; weekday 7 is Sunday like 0; years 1970–2099.
 * Day of month also takes `L` (last day), `LW` (last weekday Mon–Fri) and `nW` (the weekday nearest day n, not
 * leaving the month); day of week takes `dL` (the month's last weekday d) and `d#k` (its k-th, k = 1..5). When
 * both day fields are restricted a day matching either one fires (classic cron); `*`/`?` in one of them leaves
 * the other alone deciding.
 *
 * Deliberate differences from cronexpr, whose behaviour on malformed input is undefined: more than 7 fields, a
 * reversed range (`20-5`), a value out of range and an unknown `@name` are errors naming the field; a weekday range
 * ending at 7 (`5-7`) means Friday to Sunday.
 *
 * `next(t)` is the first firing time strictly after t (whole seconds), in the local time zone as Kapacitor
 * computes it (`zone: 'utc'` for UTC); undefined when none is left before 2100.
 */

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 * *', '@annually': '0 0 0 1 1 * *', '@monthly': '0 0 0 1 * * *',
  '@weekly': '0 0 0 * * 0 *', '@daily': '0 0 0 * * * *', '@hourly': '0 0 * * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAYS_FULL = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

interface FieldDesc {
  readonly name: string;
  readonly min: number;
  /** highest value written (day of week: 7 = Sunday) */
  readonly max: number;
  /** digits a number may have */
  readonly digits: RegExp;
  readonly names?: (s: string) => number | undefined;
}

const SECOND: FieldDesc = { name: 'second', min: 0, max: 59, digits: /^\d{1,2}$/ };
const MINUTE: FieldDesc = { name: 'minute', min: 0, max: 59, digits: /^\d{1,2}$/ };
const HOUR: FieldDesc = { name: 'hour', min: 0, max: 23, digits: /^\d{1,2}$/ };
const DOM: FieldDesc = { name: 'day-of-month', min: 1, max: 31, digits: /^\d{1,2}$/ };
const MONTH: FieldDesc = {
  name: 'month', min: 1, max: 12, digits: /^\d{1,2}$/,
  names: (s) => { const i = Math.max(MONTHS.indexOf(s), MONTHS_FULL.indexOf(s)); return i < 0 ? undefined : i + 1; },
};
const DOW: FieldDesc = {
  name: 'day-of-week', min: 0, max: 7, digits: /^0?\d$/,
  names: (s) => { const i = Math.max(DAYS.indexOf(s), DAYS_FULL.indexOf(s)); return i < 0 ? undefined : i; },
};
const YEAR: FieldDesc = { name: 'year', min: 1970, max: 2099, digits: /^\d{4}$/ };

function range(a: number, b: number, step = 1): number[] {
  const out: number[] = [];
  for (let v = a; v <= b; v += step) out.push(v);
  return out;
}

/** Sorted unique values of a plain field (no L/W/#), or 'all' for `*`/`?`. */
function parseList(text: string, desc: FieldDesc, extra?: (entry: string) => boolean): number[] | 'all' {
  const values = new Set<number>();
  let all = false;
  const fail = (entry: string, why = ''): never => {
    throw new Error(`syntax error in ${desc.name} field: '${entry}'${why ? ` (${why})` : ''}`);
  };
  const value = (s: string, entry: string): number => {
    let v: number | undefined;
    if (desc.digits.test(s)) v = Number(s);
    else v = desc.names?.(s);
    if (v === undefined) fail(entry);
    if (v! < desc.min || v! > desc.max) fail(entry, `${v} is outside ${desc.min}-${desc.max}`);
    return v!;
  };
  for (const raw of text.split(',')) {
    const entry = raw.toLowerCase();
    if (entry === '') fail(raw, 'empty list entry');
    if (extra?.(entry)) continue;
    const m = /^([^/-]+)(?:-([^/-]+))?(?:\/(\d+))?$/.exec(entry);
    if (!m) fail(raw);
    const [, first, last, stepText] = m!;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1 || step > desc.max) throw new Error(`invalid interval ${entry} in ${desc.name} field`);
    let a: number;
    let b: number;
    if (first === '*' || first === '?') {
      if (last !== undefined) fail(raw);
      if (stepText === undefined) { all = true; continue; }
      a = desc.min; b = desc.name === 'day-of-week' ? 6 : desc.max;
    } else {
      a = value(first!, raw);
      b = last !== undefined ? value(last, raw) : stepText !== undefined ? (desc.name === 'day-of-week' ? 6 : desc.max) : a;
      if (b < a) fail(raw, `range ${a}-${b} is reversed`);
    }
    for (const v of range(a, b, step)) values.add(desc.name === 'day-of-week' ? v % 7 : v);
  }
  if (all) return 'all';
  return [...values].sort((x, y) => x - y);
}

/** The elements of sorted `list` that are ≥ v. */
function atLeast(list: readonly number[], v: number): number[] {
  let i = 0;
  while (i < list.length && list[i]! < v) i++;
  return list.slice(i) as number[];
}

interface Parts { Y: number; M: number; D: number; h: number; m: number; s: number }

export class CronExpression {
  private readonly seconds: number[];
  private readonly minutes: number[];
  private readonly hours: number[];
  private readonly months: number[];
  private readonly years: number[];
  /** day of month: undefined = not restricted */
  private readonly dom: { days: Set<number>; last: boolean; lastWorkday: boolean; workdays: Set<number> } | undefined;
  /** day of week: undefined = not restricted */
  private readonly dow: { days: Set<number>; last: Set<number>; nth: { day: number; k: number }[] } | undefined;

  private constructor(readonly text: string, fields: string[]) {
    const [sec, min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string, string];
    const plain = (t: string, d: FieldDesc): number[] => { const l = parseList(t, d); return l === 'all' ? range(d.min, d.max) : l; };
    this.seconds = plain(sec, SECOND);
    this.minutes = plain(min, MINUTE);
    this.hours = plain(hour, HOUR);
    this.months = plain(month, MONTH);
    this.years = plain(year, YEAR);

    const d = { days: new Set<number>(), last: false, lastWorkday: false, workdays: new Set<number>() };
    const domList = parseList(dom, DOM, (e) => {
      if (e === 'l') { d.last = true; return true; }
      if (e === 'lw') { d.lastWorkday = true; return true; }
      const w = /^(\d{1,2})w$/.exec(e);
      if (!w) return false;
      const n = Number(w[1]);
      if (n < 1 || n > 31) throw new Error(`syntax error in day-of-month field: '${e}' (${n} is outside 1-31)`);
      d.workdays.add(n);
      return true;
    });
    if (domList === 'all') this.dom = undefined;
    else { for (const v of domList) d.days.add(v); this.dom = d; }

    const w = { days: new Set<number>(), last: new Set<number>(), nth: [] as { day: number; k: number }[] };
    const weekday = (s: string, e: string): number => {
      const v = /^0?\d$/.test(s) ? Number(s) : DOW.names!(s);
      if (v === undefined || v > 7) throw new Error(`syntax error in day-of-week field: '${e}'`);
      return v % 7;
    };
    const dowList = parseList(dow, DOW, (e) => {
      const l = /^(\w+)l$/.exec(e);
      if (l && e !== 'l') { w.last.add(weekday(l[1]!, e)); return true; }
      const h = /^(\w+)#(\d)$/.exec(e);
      if (!h) return false;
      const k = Number(h[2]);
      if (k < 1 || k > 5) throw new Error(`syntax error in day-of-week field: '${e}' (#${k}: the week must be 1-5)`);
      w.nth.push({ day: weekday(h[1]!, e), k });
      return true;
    });
    if (dowList === 'all') this.dow = undefined;
    else { for (const v of dowList) w.days.add(v); this.dow = w; }
  }

  /** Parses a 5-, 6- or 7-field expression or an `@name`; throws an error naming the field that is wrong. */
  static parse(text: string): CronExpression {
    const trimmed = text.trim();
    let expanded = trimmed;
    if (trimmed.startsWith('@')) {
      const macro = MACROS[trimmed.toLowerCase()];
      if (macro === undefined) throw new Error(`unknown cron expression ${JSON.stringify(trimmed)} (use @yearly, @annually, @monthly, @weekly, @daily, @hourly or 5 to 7 fields)`);
      expanded = macro;
    }
    const fields = expanded === '' ? [] : expanded.split(/\s+/);
    if (fields.length < 5) throw new Error(`missing field(s) in cron expression ${JSON.stringify(text)}: got ${fields.length}, need 5, 6 or 7`);
    if (fields.length > 7) throw new Error(`too many fields in cron expression ${JSON.stringify(text)}: got ${fields.length}, need 5, 6 or 7`);
    if (fields.length === 5) return new CronExpression(text, ['0', ...fields, '*']);
    if (fields.length === 6) return new CronExpression(text, ['0', ...fields]);
    return new CronExpression(text, fields);
  }

  /** The first firing time strictly after `afterNs` (ns since the epoch), or undefined when there is none. */
  next(afterNs: bigint, zone: 'local' | 'utc' = 'local'): bigint | undefined {
    // whole seconds: from the second after `afterNs`'s second
    let fromMs = Number((afterNs >= 0n ? afterNs / 1_000_000_000n : (afterNs - 999_999_999n) / 1_000_000_000n) + 1n) * 1000;
    // a local time that a DST change makes ambiguous can map to an instant not after `afterNs`: search on
    for (let guard = 0; guard < 4; guard++) {
      const p = this.search(toParts(fromMs, zone));
      if (p === undefined) return undefined;
      const ms = fromParts(p, zone);
      const ns = BigInt(ms) * 1_000_000n;
      if (ns > afterNs) return ns;
      fromMs = ms + 1000;
    }
    return undefined;
  }

  /** The days of month `M` of year `Y` on which the expression fires, sorted. */
  daysOf(Y: number, M: number): number[] {
    const last = new Date(Date.UTC(Y, M, 0)).getUTCDate();
    if (!this.dom && !this.dow) return range(1, last);
    const weekdayOf = (day: number): number => new Date(Date.UTC(Y, M - 1, day)).getUTCDay();
    const out = new Set<number>();
    const d = this.dom;
    if (d) {
      for (const v of d.days) if (v <= last) out.add(v);
      if (d.last) out.add(last);
      if (d.lastWorkday) out.add(nearestWorkday(last, last, weekdayOf(last)));
      for (const v of d.workdays) if (v <= last) out.add(nearestWorkday(v, last, weekdayOf(v)));
    }
    const w = this.dow;
    if (w) {
      const first = weekdayOf(1);
      for (let day = 1; day <= last; day++) {
        const wd = (first + day - 1) % 7;
        if (w.days.has(wd)) out.add(day);
        if (w.last.has(wd) && day + 7 > last) out.add(day);
      }
      for (const { day: wd, k } of w.nth) {
        const day = 1 + ((wd - first + 7) % 7) + 7 * (k - 1);
        if (day <= last) out.add(day);
      }
    }
    return [...out].sort((a, b) => a - b);
  }

  /** The earliest matching calendar time ≥ p (each list is walked from p's value only while the fields before match p). */
  private search(p: Parts): Parts | undefined {
    for (const Y of atLeast(this.years, p.Y)) {
      const sameY = Y === p.Y;
      for (const M of atLeast(this.months, sameY ? p.M : 1)) {
        const sameM = sameY && M === p.M;
        for (const D of atLeast(this.daysOf(Y, M), sameM ? p.D : 1)) {
          const sameD = sameM && D === p.D;
          for (const h of atLeast(this.hours, sameD ? p.h : 0)) {
            const sameH = sameD && h === p.h;
            for (const m of atLeast(this.minutes, sameH ? p.m : 0)) {
              const s = atLeast(this.seconds, sameH && m === p.m ? p.s : 0)[0];
              if (s !== undefined) return { Y, M, D, h, m, s };
            }
          }
        }
      }
    }
    return undefined;
  }
}

/** cronexpr's workday rule: Saturday → Friday before (or Monday 3rd for the 1st), Sunday → Monday after (or Friday before at the month's end). */
function nearestWorkday(day: number, last: number, weekday: number): number {
  if (weekday === 6) return day > 1 ? day - 1 : day + 2;
  if (weekday === 0) return day < last ? day + 1 : day - 2;
  return day;
}

function toParts(ms: number, zone: 'local' | 'utc'): Parts {
  const d = new Date(ms);
  return zone === 'utc'
    ? { Y: d.getUTCFullYear(), M: d.getUTCMonth() + 1, D: d.getUTCDate(), h: d.getUTCHours(), m: d.getUTCMinutes(), s: d.getUTCSeconds() }
    : { Y: d.getFullYear(), M: d.getMonth() + 1, D: d.getDate(), h: d.getHours(), m: d.getMinutes(), s: d.getSeconds() };
}

function fromParts(p: Parts, zone: 'local' | 'utc'): number {
  return zone === 'utc' ? Date.UTC(p.Y, p.M - 1, p.D, p.h, p.m, p.s) : new Date(p.Y, p.M - 1, p.D, p.h, p.m, p.s).getTime();
}
