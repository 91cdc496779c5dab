/**
 * Property tests (fast-check) for the TICKscript parser, evaluator and formatter (tickscript/, SPEC 2):
 *  - any token soup: parse/evaluate give a Program/Pipeline or a TickscriptError (parse errors with a 1-based
 *    line and column), never another exception, and each input takes well under 1 s;
 *  - generated well-formed scripts: they parse and evaluate; formatting them is idempotent and gives back the
 *    same syntax tree (positions and line breaks aside) and the same pipeline.
 * fast-check prints the seed and the shrunk counterexample on failure; FUZZ_SEED=<n> replays a run,
 * FUZZ_RUNS=<n> changes the number of cases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { evaluateScript, formatScript, parse, TickscriptError } from '../../tickscript/index.ts';
import { timed } from './limits.ts';

const seed = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const runs = (n: number): number => Number(process.env['FUZZ_RUNS'] ?? n);
const params = (n: number): fc.Parameters<unknown> => ({ numRuns: runs(n), ...(seed === undefined ? {} : { seed }) });

/** Runs fn; returns its result, or undefined when it threw a TickscriptError; anything else fails the property. */
function orTickscriptError<T>(what: string, src: string, fn: () => T): T | undefined {
  try {
    return timed(what, src, fn);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    if (!(err instanceof TickscriptError)) {
      assert.fail(`${what} threw ${(err as Error)?.stack ?? String(err)} (not a TickscriptError) on ${JSON.stringify(src)}`);
    }
    assert.ok(err.message.length > 0, `${what}: empty error message on ${JSON.stringify(src)}`);
    if (err.line !== undefined || err.column !== undefined) {
      assert.ok(Number.isInteger(err.line) && err.line! >= 1 && Number.isInteger(err.column) && err.column! >= 1,
        `${what}: position ${err.line}:${err.column} on ${JSON.stringify(src)}`);
    }
    return undefined;
  }
}

const TOKENS = [
  'stream', 'batch', 'from()', 'var', 'x', 'y', '=', '|', '.', '@', '(', ')', '[', ']', ',', 'lambda:', '"f"', "'s'", "'''t'''",
  '1', '1.5', '010', '09', '0x1', '5m', '1s', '1u', '1µs', '/re/', '/[/', '*', '+', '-', '/', '%', '==', '!=', '<', '<=', '>', '>=',
  '=~', '!~', '!', 'AND', 'OR', 'TRUE', 'FALSE', 'dbrp', '"db"."rp"', 'where', 'eval', 'groupBy', 'window', 'period', 'sum', 'mean',
  'k8sAutoscale', 'replicas', 'int', 'ceil', 'measurement', 'as', 'time', '// c\n', '\n', ' ', '\t', '#', '&&', 'µ', '"', "'", '\\',
  'alert', 'crit', 'post', 'tcp', 'log', 'httpOut', 'join', 'on', 'union', 'stateDuration', '9223372036854775808', '1e400', '\0', '🙂',
];
/** the parse errors Kapacitor reports without a position (SPEC 2, parser errors) */
const LITERAL_ERROR = /^parser: (?:illegal number syntax: |error parsing regexp: |overflowed duration )/;
const soup = fc.array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom('', ' ', '\n')), { maxLength: 30 })
  .map((ts) => ts.map(([t, sep]) => t + sep).join(''));

test('token soup: a Program/Pipeline or a positioned TickscriptError, never another exception, under 1 s', () => {
  let parsed = 0;
  let failed = 0;
  fc.assert(fc.property(soup, (src) => {
    try {
      timed('parse', src, () => parse(src));
      parsed++;
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      if (!(err instanceof TickscriptError)) assert.fail(`parse threw ${(err as Error)?.stack ?? String(err)} on ${JSON.stringify(src)}`);
      // a syntax error always says where; SPEC 2 "Literal errors have no position" (Kapacitor's texts, kept)
      if (!LITERAL_ERROR.test(err.kapacitorMessage)) {
        assert.ok(err.line !== undefined && err.column !== undefined, `parse error without a position: ${err.message} on ${JSON.stringify(src)}`);
      }
      failed++;
    }
    orTickscriptError('evaluateScript', src, () => evaluateScript(src));
    orTickscriptError('formatScript', src, () => formatScript(src));
  }), params(6000));
  assert.ok(parsed > 30 && failed > 30, `parsed ${parsed}, rejected ${failed}: the generator must reach both`);
});

// --- well-formed scripts -----------------------------------------------------------------------------------------

const field = fc.constantFrom('"value"', '"cpu"', '"host"', '"requests"', '"a b"');
const literal = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }).map(String),
  // floats as TICKscript writes them: digits, one `.`, no exponent (SPEC 2: `1e3` is `1` then identifier `e3`)
  fc.tuple(fc.nat(1_000_000), fc.stringMatching(/^[0-9]{0,6}$/)).map(([i, f]) => `${i}.${f}`),
  fc.constantFrom('TRUE', 'FALSE', "'web'", "'a\\'b'", '5m', '10s', '1h'),
);
const { expr } = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(field, literal),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '==', '!=', '<', '>=', 'AND', 'OR'), tie('expr')).map(([l, op, r]) => `${l} ${op} ${r}`),
    tie('expr').map((e) => `(${e})`),
    // a regex literal only stands right of =~ / !~ (the lexer reads `/` elsewhere as division), and the lexer wants
    // no operator right after it: parenthesised
    fc.tuple(field, fc.constantFrom('=~', '!~'), fc.constantFrom('/web\\d+/', '/^a|b$/', '/a\\/b/')).map(([f, op, r]) => `(${f} ${op} ${r})`),
    tie('expr').map((e) => `!${e}`),
    fc.tuple(fc.constantFrom('abs', 'ceil', 'float', 'int', 'string', 'isPresent', 'strLength'), tie('expr')).map(([f, e]) => `${f}(${e})`),
  ),
}));
const name = fc.constantFrom("'m'", "'requests'", "'cpu'", "'out'");
const streamNode = fc.oneof(
  expr.map((e) => `|where(lambda: ${e})`),
  fc.tuple(expr, name).map(([e, n]) => `|eval(lambda: ${e})\n        .as(${n})`),
  fc.tuple(fc.constantFrom('5m', '10s', '1m'), fc.constantFrom('1m', '5s')).map(([p, e]) => `|window()\n        .period(${p})\n        .every(${e})`),
  fc.tuple(fc.constantFrom('sum', 'mean', 'max', 'count', 'last'), name).map(([f, n]) => `|${f}(${n.replace(/'/g, "'")})\n        .as('agg')`),
  fc.constantFrom("|groupBy('host')", '|log()', "|httpOut('out')", "|derivative('value')\n        .unit(1s)\n        .nonNegative()",
    "|default()\n        .field('value', 0.0)", "|movingAverage('value', 5)\n        .as('avg')"),
  expr.map((e) => `|alert()\n        .crit(lambda: ${e})\n        .message('x')`),
);
const script = fc.tuple(
  fc.array(fc.tuple(fc.constantFrom('a', 'b', 'limit'), literal), { maxLength: 3 }),
  fc.oneof(name.map((n) => `stream\n    |from()\n        .measurement(${n})`), fc.constant("stream\n    |from()\n        .database('db')")),
  fc.array(streamNode, { maxLength: 5 }),
  fc.boolean(),
).map(([vars, from, nodes, dbrp]) =>
  (dbrp ? 'dbrp "db"."autogen"\n\n' : '') + vars.map(([v, l]) => `var ${v} = ${l}\n`).join('') + from + nodes.map((n) => `\n    ${n}`).join('') + '\n');

/** the syntax tree without source positions, line-break flags and number spellings (the formatter chooses those:
 *  `0.` is written `0.0`); the numbers' values stay */
function shape(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (Array.isArray(v)) return v.map(shape);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'pos' || k.endsWith('Pos') || k === 'multiline') continue;
    if (k === 'literal' && (v as { kind?: unknown }).kind === 'number') continue;
    out[k] = shape(x);
  }
  return out;
}

test('well-formed scripts: evaluate; format is idempotent and keeps the syntax tree and the pipeline', () => {
  let evaluated = 0;
  fc.assert(fc.property(script, (src) => {
    const program = timed('parse', src, () => parse(src));
    const pipeline = orTickscriptError('evaluateScript', src, () => evaluateScript(src));
    const formatted = timed('formatScript', src, () => formatScript(src));
    assert.equal(timed('formatScript (formatted)', formatted, () => formatScript(formatted)), formatted, `formatting is not idempotent for ${JSON.stringify(src)}`);
    assert.deepEqual(shape(timed('parse (formatted)', formatted, () => parse(formatted))), shape(program), `formatting changed the syntax tree of ${JSON.stringify(src)}:\n${formatted}`);
    const again = orTickscriptError('evaluateScript (formatted)', formatted, () => evaluateScript(formatted));
    assert.equal(again === undefined, pipeline === undefined, `formatting changed whether ${JSON.stringify(src)} evaluates`);
    if (pipeline && again) {
      assert.deepEqual(shape(again.nodes), shape(pipeline.nodes), `formatting changed the pipeline of ${JSON.stringify(src)}`);
      evaluated++;
    }
  }), params(1500));
  assert.ok(evaluated > 100, `only ${evaluated} of the generated scripts evaluated: the generator is off`);
});
