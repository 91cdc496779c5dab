/**
 * Go's fmt/strconv output for floats and quoted strings, in one place: the CLI, alert templates and the
 * line-protocol parser's error texts must print exactly what Kapacitor (Go) prints, and two copies drift.
 * encoding/json's float format is a different Go function: gocompat/json.ts jsonFloat.
 */

/** Go's `%v` for a float64 = strconv.FormatFloat(f, 'g', -1, 64), the shortest representation: 100 → `100`, 6e10 → `6e+10`, 1e-5 → `1e-05`. */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' + abs : abs}`;
  }
  // plain decimal with the same shortest digits
  return String(x);
}

/**
 * Go's `%q` (strconv.Quote) for ASCII and printable text: JSON's escaping, with control bytes as `\xNN` as Go
 * writes them. Used for task names and dbrps in the CLI and for the number texts in line-protocol errors.
 */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1').replace(/\\u007f/g, '\\x7f');
}
