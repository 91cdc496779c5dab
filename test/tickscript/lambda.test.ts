// Lambda semantics: type rules (SPEC 2.5), built-in functions (SPEC 2.6), scope rules (SPEC 2.4), as one table run
// against each lambda compiler: the production one (generated code) and the closure compiler (the reference
// implementation).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../tickscript/parser.ts';
import { compileLambda as compileGenerated, compileLambdaClosures } from '../../tickscript/lambda/compile.ts';
import { Duration, LambdaError, TimeValue, type LambdaValue } from '../../tickscript/lambda-contract.ts';
import type * as A from '../../tickscript/ast.ts';
import type { Fields, Tags } from '../../model/point.ts';
import { FUNCTIONS } from '../../tickscript/lambda/functions.ts';

function lambdaSemantics(compileLambda: typeof compileGenerated): void {
  function lambda(src: string) {
    const st = parse(`var l = lambda: ${src}`).statements[0] as A.DeclarationNode;
    return compileLambda(st.value as A.LambdaNode);
  }
  const FIELDS: Fields = { i: 7n, j: -7n, f: 1.5, g: 2.0, s: 'abc', b: true, zero: 0n, big: 9223372036854775807n, both: 1n };
  const TAGS: Tags = { host: 'h1', both: 'x' };
  const T0 = 1478629267000000000n; // 2016-11-08T18:21:07Z
  function run(src: string, fields: Fields = FIELDS, tags: Tags = TAGS, extra?: Fields): LambdaValue {
    return lambda(src).newEvaluator().eval({ time: T0, fields, tags }, extra);
  }
  function fails(src: string, re: RegExp | string) {
    assert.throws(() => run(src), (e: unknown) => {
      assert.ok(e instanceof LambdaError, `not a LambdaError: ${String(e)}`);
      if (typeof re === 'string') assert.equal(e.message, re); else assert.match(e.message, re);
      return true;
    });
  }

  const d = (ns: bigint) => new Duration(ns);
  const S = 1000000000n;

  // SPEC 2.5 table: allowed combinations and results
  const ok: [string, LambdaValue][] = [
    ['"i" + 3', 10n], ['"f" + 0.5', 2.0], ["'a' + 'b'", 'ab'], ['1s + 1m', d(61n * S)],
    ['"i" - 10', -3n], ['"f" - 0.5', 1.0], ['1m - 1s', d(59n * S)],
    ['"i" * 2', 14n], ['"f" * 2.0', 3.0], ['1s * 3', d(3n * S)], ['3 * 1s', d(3n * S)], ['1s * 1.5', d(1500000000n)], ['1.5 * 1s', d(1500000000n)],
    ['"i" / 2', 3n], ['"j" / 2', -3n], ['"f" / 0.0', Infinity], ['1m / 1s', 60n], ['1m / 2', d(30n * S)], ['1s / 4.0', d(250000000n)],
    ['"i" % 4', 3n], ['"j" % 4', -3n],
    ['"big" + 1', -9223372036854775808n], // int64 wrap-around
    ['TRUE == TRUE', true], ['"i" == 7', true], ['"f" == 1.5', true], ['"i" == 7.0', true], ['7.0 != "i"', false],
    ["'a' == 'a'", true], ['1s == 1000ms', true],
    ['"i" < 7.5', true], ['"f" >= 1', true], ["'abc' < 'abd'", true], ["'B' < 'a'", true], ['1s < 1m', true], ['2 <= 2', true], ['3 > 2', true],
    ['"s" =~ /^a/', true], ['"s" !~ /^a/', false], ['"host" =~ /h\\d/', true],
    ['TRUE AND FALSE', false], ['FALSE OR TRUE', true],
    ['-"i"', -7n], ['-"f"', -1.5], ['-1s', d(-S)], ['!"b"', false],
    ['"time"', new TimeValue(T0)],
  ];
  for (const [src, want] of ok) {
    test(`lambda: ${src}`, () => assert.deepEqual(run(src), want));
  }

  // SPEC 2.5: mixed int/float arithmetic is an error; other invalid combinations
  const bad: [string, string | RegExp][] = [
    ['"i" * 1.5', 'mismatched type to binary operator. got int * float. see bool(), int(), float(), string(), duration()'],
    ['"f" + 1', 'mismatched type to binary operator. got float + int. see bool(), int(), float(), string(), duration()'],
    ["'a' - 'b'", 'invalid math operator - for type string'],
    ['"f" % 2.0', 'invalid math operator % for type float'],
    ['"i" / 0', 'runtime error: integer divide by zero'],
    ['"i" % "zero"', 'runtime error: integer divide by zero'],
    ['TRUE < FALSE', 'invalid comparison operator < for type boolean'],
    ["'a' == 1", /^mismatched type to binary operator. got string == int/],
    ['"i" =~ /a/', /^mismatched type to binary operator. got int =~ regex/],
    ['"i" AND TRUE', 'invalid logical operator AND for type int'],
    ['FALSE OR 1', /^mismatched type to binary operator. got boolean OR int/],
    // SPEC 2.4 message, then tickstream's hint
    ['"nope" + 1', 'left reference value "nope" is missing value; hint: the point has no field or tag "nope"; for the string use single quotes: \'nope\''],
    ['1 + "nope"', /^right reference value "nope" is missing value; hint: /],
    ['"both" > 0', 'cannot have field and tags with same name "both"'],
    ["-'a'", 'invalid math operator - for type string'],
    ['!1', 'invalid logical operator ! for type int'],
  ];
  for (const [src, msg] of bad) {
    test(`lambda error: ${src}`, () => fails(src, msg));
  }

  test('AND/OR short-circuit (SPEC 2.3)', () => {
    assert.equal(run('FALSE AND "nope" > 1'), false);
    assert.equal(run('TRUE OR "nope" > 1'), true);
  });

  test('fields win over tags; extra names win over fields (lambda-contract)', () => {
    assert.equal(run('"host"'), 'h1');
    assert.equal(run('"i"', FIELDS, TAGS, { i: 99n }), 99n);
    assert.equal(run('"cur" + 1', FIELDS, TAGS, { cur: 1n }), 2n);
    assert.equal(run('isPresent("nope")'), false);
    assert.equal(run('isPresent("i")'), true);
    // names that exist on Object.prototype are not fields
    assert.equal(run('isPresent("constructor")'), false);
  });

  // SPEC 2.6 built-ins: [expression, result]
  const builtins: [string, LambdaValue][] = [
    ['bool(1)', true], ['bool(0.0)', false], ["bool('T')", true], ["bool('False')", false], ['bool(TRUE)', true],
    ['int(2.9)', 2n], ['int(-2.9)', -2n], ["int('42')", 42n], ['int(TRUE)', 1n], ['int(5)', 5n],
    ['float(3)', 3.0], ["float('2.5')", 2.5], ['float(FALSE)', 0.0],
    ['string(42)', '42'], ['string(1.5)', '1.5'], ['string(1000000000000000000000.0)', '1000000000000000000000'], ['string(0.000001)', '0.000001'],
    ['string(TRUE)', 'true'], ['string(90s)', '90s'], ['string(1m)', '1m'], ['string(1500ms)', '1500ms'], ["string('x')", 'x'],
    ['duration(5, 1s)', d(5n * S)], ['duration(1.5, 1s)', d(1500000000n)], ["duration('1h30m', 1s)", d(5400n * S)], ['duration(2m)', d(120n * S)],
    ['abs(-2.0)', 2.0], ['ceil(1.2)', 2.0], ['floor(1.8)', 1.0], ['trunc(-1.8)', -1.0], ['sqrt(16.0)', 4.0], ['pow(2.0, 10.0)', 1024.0],
    ['max(1.0, 2.0)', 2.0], ['min(1.0, 2.0)', 1.0], ['mod(7.0, 3.0)', 1.0], ['atan2(0.0, 1.0)', 0.0], ['hypot(3.0, 4.0)', 5.0],
    ['pow10(3)', 1000.0], ['log2(8.0)', 3.0], ['logb(8.0)', 3.0], ['exp2(3.0)', 8.0], ['gamma(5.0)', 24.0],
    ["strContains('seafood', 'foo')", true], ["strContainsAny('failure', 'ui')", true], ["strCount('cheese', 'e')", 3n],
    ["strCount('five', '')", 5n], ["strHasPrefix('golang', 'go')", true], ["strHasSuffix('golang', 'ng')", true],
    ["strIndex('chicken', 'ken')", 4n], ["strIndex('chicken', 'dmr')", -1n], ["strIndexAny('golang', 'xyzn')", 4n],
    ["strLastIndex('go gopher', 'go')", 3n], ["strLastIndexAny('go gopher', 'go')", 4n],
    ["strLength('héllo')", 6n], // bytes, not characters
    ["strReplace('oink oink oink', 'k', 'ky', 2)", 'oinky oinky oink'], ["strReplace('oink oink', 'oink', 'moo', -1)", 'moo moo'],
    ["strSubstring('abcdef', 1, 3)", 'bc'], ["strToLower('ABC')", 'abc'], ["strToUpper('abc')", 'ABC'],
    ["strTrim('  xx  ', ' ')", 'xx'], ["strTrimLeft('xxaxx', 'x')", 'axx'], ["strTrimRight('xxaxx', 'x')", 'xxa'],
    ["strTrimPrefix('prefix-x', 'prefix-')", 'x'], ["strTrimSuffix('x.go', '.go')", 'x'], ["strTrimSpace('  a b \\n')", 'a b \\n'],
    ["regexReplace(/a(x*)b/, '-ab-axxb-', 'T')", '-T-T-'], ["regexReplace(/a(x*)b/, '-ab-axxb-', '$1')", '--xx-'],
    ["regexReplace(/a(x*)b/, '-ab-axxb-', '$1W')", '---'], ["regexReplace(/a(x*)b/, '-ab-axxb-', '${1}W')", '-W-xxW-'],
    ['humanBytes(82854982)', '83 MB'], ['humanBytes(1000)', '1.0 kB'], ['humanBytes(5)', '5 B'],
    ["if(TRUE, 'a', 'b')", 'a'], ['if(FALSE, 1, 2)', 2n],
    ['unixNano("time")', T0],
  ];
  for (const [src, want] of builtins) {
    test(`builtin: ${src}`, () => assert.deepEqual(run(src), want));
  }

  test('time functions use the local zone', () => {
    const dt = new Date(Number(T0 / 1000000n));
    assert.equal(run('hour("time")'), BigInt(dt.getHours()));
    assert.equal(run('minute("time")'), BigInt(dt.getMinutes()));
    assert.equal(run('weekday("time")'), BigInt(dt.getDay()));
    assert.equal(run('day("time")'), BigInt(dt.getDate()));
    assert.equal(run('month("time")'), BigInt(dt.getMonth() + 1));
    assert.equal(run('year("time")'), BigInt(dt.getFullYear()));
    assert.ok(run('now()') instanceof TimeValue);
  });

  // signature checking before the call: no implicit int→float (SPEC 2.6)
  const wrongArgs: [string, RegExp][] = [
    ['ceil("i")', /^Cannot call function "ceil" with args \("i": int\), available signatures are \[\(float\)\]/],
    ['int(1s)', /^Cannot call function "int" with args \(1s: duration\)/],
    ["duration('1s')", /^Cannot call function "duration" with args \('1s': string\)/],
    ["strLength(1)", /^Cannot call function "strLength"/],
    ["if(TRUE, 1, 'a')", /^Cannot call function "if"/],
    ['max(1, 2)', /^Cannot call function "max" with args \(1: int, 2: int\)/],
    ['isPresent(1s)', /^Cannot call function "isPresent"/],
    ["hour('x')", /^Cannot call function "hour"/],
  ];
  for (const [src, re] of wrongArgs) {
    test(`builtin wrong args: ${src}`, () => fails(src, re));
  }

  const builtinErrors: [string, RegExp | string][] = [
    ['bool(2)', 'cannot convert 2 to boolean'],
    ["bool('yes')", /strconv.ParseBool: parsing "yes": invalid syntax/],
    ["int('1.5')", /strconv.ParseInt: parsing "1.5": invalid syntax/],
    ["duration('xx', 1s)", 'invalid duration string "xx"'],
    ["strSubstring('abc', 0, 3)", /out of range/],
    ["strSubstring('abc', -1, 1)", /must be non-negative/],
  ];
  for (const [src, re] of builtinErrors) {
    test(`builtin error: ${src}`, () => fails(src, re));
  }

  test('undefined functions are rejected at compile time with a hint', () => {
    assert.throws(() => lambda('cei(1.0)'), /undefined function: "cei"; hint: did you mean "ceil"\?/);
  });

  test('stateful functions keep state per evaluator (SPEC 2.4)', () => {
    const c = lambda('count()');
    const e1 = c.newEvaluator();
    const e2 = c.newEvaluator();
    const sc = { time: 0n, fields: {}, tags: {} };
    assert.deepEqual([e1.eval(sc), e1.eval(sc), e2.eval(sc)], [1n, 2n, 1n]);
    const sp = lambda('spread("v")').newEvaluator();
    assert.deepEqual([3, 1, 5].map((v) => sp.eval({ time: 0n, fields: { v }, tags: {} })), [0, 2, 4]);
    const sg = lambda('sigma("v")').newEvaluator();
    const out = [1, 2, 3].map((v) => sg.eval({ time: 0n, fields: { v }, tags: {} }) as number);
    // values 1,2,3: mean 2, sample stddev 1 → |3-2|/1 = 1; first value → 0
    assert.deepEqual([out[0], out[2]], [0, 1]);
    const r = lambda('rand(10)').newEvaluator().eval(sc) as bigint;
    assert.ok(r >= 0n && r < 10n);
  });

  test('evalInt / evalBool type guards', () => {
    const sc = { time: 0n, fields: { a: 250.0 }, tags: {} };
    assert.equal(lambda('int(ceil("a" / 100.0))').newEvaluator().evalInt(sc), 3n);
    assert.throws(() => lambda('ceil("a" / 100.0)').newEvaluator().evalInt(sc), { message: 'TypeGuard: expression returned unexpected type float, expected int' });
    assert.equal(lambda('"a" > 1.0').newEvaluator().evalBool(sc), true);
    assert.throws(() => lambda('"a"').newEvaluator().evalBool(sc), /expected boolean/);
  });

  test('source re-prints the lambda', () => {
    assert.equal(lambda('int(ceil("a" / 100.0))').source, 'lambda: int(ceil("a" / 100.0))');
  });

  // Every built-in, every signature (SPEC 2.6): arguments of the listed types pass the signature check, and a tuple
  // matching no signature is rejected before the call with Kapacitor's message.
  const LITERAL: Record<string, string> = {
    float: '1.0', int: '1', string: "'1'", boolean: 'TRUE', duration: '1s', time: '"time"', regex: '/a/', missing: '"nope"',
  };
  for (const [name, def] of Object.entries(FUNCTIONS)) {
    test(`builtin ${name}: every signature accepted, wrong types rejected`, () => {
      for (const sig of def.sigs) {
        const src = `${name}(${sig.map((t) => LITERAL[t]).join(', ')})`;
        try {
          run(src);
        } catch (e) {
          // value errors (e.g. strSubstring ranges) are fine; a signature error is not
          assert.ok(e instanceof LambdaError, `${src}: ${String(e)}`);
          assert.doesNotMatch(e.message, /^Cannot call function/, src);
        }
      }
      // regex arguments of the longest arity match no signature except regexReplace's first
      const arity = Math.max(...def.sigs.map((s) => s.length), 1);
      const wrong = `${name}(${Array.from({ length: arity }, () => (name === 'regexReplace' ? "'x'" : '/a/')).join(', ')})`;
      fails(wrong, new RegExp(`^Cannot call function "${name}" with args \\(.*\\), available signatures are \\[.*\\]\\.$`));
    });
  }

  test("hint for 'field' written where \"field\" was meant (ECOSYSTEM pain point #1)", () => {
    fails("'value' > 10", `mismatched type to binary operator. got string > int. see bool(), int(), float(), string(), duration(); hint: 'value' is a string literal; write "value" (double quotes) to read the field or tag value`);
  });
}

describe('generated code (the production compiler)', () => lambdaSemantics(compileGenerated));
describe('closures (the reference compiler)', () => lambdaSemantics(compileLambdaClosures));
