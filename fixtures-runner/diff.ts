/**
 * Expected vs actual as a unified diff (`-expected`, `+actual`, 3 lines of context, `@@` hunk headers), over a
 * canonical rendering of JSON values (keys sorted, 2-space indent) so only real differences show.
 */

/** JSON with object keys sorted at every level; `undefined` renders as `(none)`. */
export function canonicalJSON(v: unknown): string {
  if (v === undefined) return '(none)';
  return JSON.stringify(sortKeys(v), null, 2);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

type Op = { readonly kind: ' ' | '-' | '+'; readonly text: string };

/** Beyond this many lines on both sides the LCS table would be large: show a plain replacement instead. */
const MAX_LCS_CELLS = 4_000_000;
const CONTEXT = 3;

function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_LCS_CELLS) return [...a.map((text) => ({ kind: '-' as const, text })), ...b.map((text) => ({ kind: '+' as const, text }))];
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: Uint32Array[] = [];
  for (let i = 0; i <= n; i++) lcs.push(new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { ops.push({ kind: ' ', text: a[i]! }); i++; j++; }
    else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) ops.push({ kind: '-', text: a[i++]! });
    else ops.push({ kind: '+', text: b[j++]! });
  }
  while (i < n) ops.push({ kind: '-', text: a[i++]! });
  while (j < m) ops.push({ kind: '+', text: b[j++]! });
  return ops;
}

/** A unified diff of two texts; '' when they are equal. */
export function unifiedDiff(expected: string, actual: string): string {
  if (expected === actual) return '';
  const ops = lineOps(expected.split('\n'), actual.split('\n'));
  const out = ['--- expected', '+++ actual'];
  // positions (1-based line numbers) before each op
  let ai = 1;
  let bi = 1;
  const starts: { a: number; b: number }[] = ops.map((op) => {
    const s = { a: ai, b: bi };
    if (op.kind !== '+') ai++;
    if (op.kind !== '-') bi++;
    return s;
  });
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') { k++; continue; }
    // a hunk: from CONTEXT lines before this change to CONTEXT lines after the last change within reach
    const from = Math.max(0, k - CONTEXT);
    let to = k;
    for (let x = k; x < ops.length; x++) {
      if (ops[x]!.kind !== ' ') to = x;
      else if (x - to > 2 * CONTEXT) break;
    }
    const end = Math.min(ops.length, to + CONTEXT + 1);
    const hunk = ops.slice(from, end);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${starts[from]!.a},${aLen} +${starts[from]!.b},${bLen} @@`);
    for (const o of hunk) out.push(o.kind + o.text);
    k = end;
  }
  return out.join('\n');
}
