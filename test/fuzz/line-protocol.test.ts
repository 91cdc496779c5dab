/**
 * Property tests (fast-check) for the /write line-protocol parser (lineprotocol/parser.ts) and the
 * line-protocol encoder the InfluxDB output uses (lineprotocol/writer.ts), SPEC Appendix C:
 *  - any byte sequence: points and/or `unable to parse '<line>': <reason>` errors, never a throw, well under 1 s,
 *    and the fast path gives exactly what the reference path gives;
 *  - encode → parse returns the point that was encoded (names, tags, typed fields, time);
 *  - parse → encode → parse is stable for whatever the parser accepts.
 * fast-check prints the seed and the shrunk counterexample on failure; FUZZ_SEED=<n> replays a run,
 * FUZZ_RUNS=<n> changes the number of cases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Fields, Point, Tags } from '../../model/point.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import { encodeLine } from '../../lineprotocol/writer.ts';
import { timed } from './limits.ts';

const seed = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const runs = (n: number): number => Number(process.env['FUZZ_RUNS'] ?? n);
const params = (n: number): fc.Parameters<unknown> => ({ numRuns: runs(n), ...(seed === undefined ? {} : { seed }) });
const NOW = 1700000000123456789n;
/** models.MinNanoTime / MaxNanoTime */
const MIN_NANO = -9223372036854775806n;
const MAX_NANO = 9223372036854775806n;

const view = (p: Point): unknown => [p.name, { ...p.tags }, { ...p.fields }, p.time];

// bytes that matter to the grammar, ordinary ones, and multi-byte UTF-8
const SPECIAL = [...' ,=\\"\n#\r\t-+.eEiIuU0123456789tTfFrRnNaAbB'].map((c) => c.charCodeAt(0));
const byte = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const VALID = [
  'requests,host=app-1,replicaset=app value=42i 1700000000000000001',
  'cpu,host=a\\ b,region=us-west usage=0.5,msg="hello world",ok=true 1700000000',
  'm,t=a f=-1.5E-3,g=.5,h=5. -12',
  'm s="a\\"b\\\\c",b=FALSE,u=7u 1',
  'm\\ x,k\\==v\\, f\\ k=1i',
];
/** a valid line with a few random byte edits, or random bytes */
const line = fc.oneof(
  fc.array(byte, { maxLength: 60 }).map((b) => Buffer.from(b)),
  fc.tuple(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), byte, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 4 }))
    .map(([v, edits]) => {
      const b = [...Buffer.from(v)];
      for (const [at, c, op] of edits) {
        const i = at % (b.length + 1);
        if (op === 0) b.splice(i, 0, c);
        else if (op === 1) b.splice(i, 1);
        else b[Math.min(i, b.length - 1)] = c;
      }
      return Buffer.from(b);
    }),
);
const body = fc.array(line, { minLength: 1, maxLength: 6 }).map((ls) => Buffer.concat(ls.flatMap((l) => [l, Buffer.from('\n')])));
const precision = fc.constantFrom('', 'n', 'ns', 'u', 'us', 'ms', 's', 'm', 'h');

test('any bytes: points or `unable to parse` errors, never a throw, under 1 s; fast path = reference path', () => {
  let accepted = 0;
  let rejected = 0;
  fc.assert(fc.property(body, precision, (buf, prec) => {
    const opts = { db: 'd', rp: 'r', precision: prec, now: NOW };
    const fast = timed('parse', buf, () => new LineProtocolParser({ maxSeries: 8 }).parse(buf, opts));
    const slow = timed('parse (reference path)', buf, () => new LineProtocolParser().parse(buf, { ...opts, forceSlow: true }));
    for (const e of fast.errors) assert.match(e, /^unable to parse '[\s\S]*': .+$/);
    for (const p of fast.points) {
      assert.ok(p.time >= MIN_NANO && p.time <= MAX_NANO, `time ${p.time} out of range`);
      assert.ok(Object.keys(p.fields).length > 0, 'a point without fields');
      for (const v of Object.values(p.fields)) {
        assert.ok(typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean' || Number.isFinite(v), `field value ${String(v)}`);
      }
    }
    assert.deepEqual(fast.errors, slow.errors);
    assert.deepEqual(fast.points.map(view), slow.points.map(view));
    accepted += fast.points.length;
    rejected += fast.errors.length;
  }), params(1500));
  // the generator must reach both outcomes, or the property proves little
  assert.ok(accepted > 50 && rejected > 50, `accepted ${accepted} points, rejected ${rejected} lines`);
});

// Names and values line protocol can carry. Not generated, because the format cannot represent them (InfluxDB's
// own encoder has the same limits): newlines anywhere; a backslash at the end of a name/key/tag value or before
// a character the encoder escapes (`\` is not itself escaped outside strings); a measurement starting with `#`
// (a comment line); a measurement or field key starting with a tab (whitespace before a section is skipped, and
// only spaces are escaped); empty names and keys; empty tag values (dropped: "no such tag").
const nameChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...'abcxyzAZ09_-.:/'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom(' ', ',', '=', '"', '\'', '\\', '\t', '#') },
  { weight: 1, arbitrary: fc.constantFrom('é', 'µ', '日', '🙂') },
);
const text = (min: number, max: number): fc.Arbitrary<string> => fc.array(nameChar, { minLength: min, maxLength: max }).map((cs) => cs.join(''));
const representable = (s: string): boolean => !/\\$|\\[ ,="\\]/.test(s);
const key = text(1, 8).filter(representable);
const fieldKey = key.filter((s) => !s.startsWith('\t'));
const measurement = fieldKey.filter((s) => !s.startsWith('#'));
const fieldValue = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.boolean(),
  fc.string({ maxLength: 12 }).filter((s) => !s.includes('\n')),
  text(0, 10),
);
const tags = fc.dictionary(key, text(1, 8).filter(representable), { maxKeys: 4 });
const fields = fc.dictionary(fieldKey, fieldValue, { minKeys: 1, maxKeys: 4 });
const time = fc.bigInt({ min: MIN_NANO, max: MAX_NANO });

test('encode → parse gives back the encoded point', () => {
  fc.assert(fc.property(measurement, tags, fields, time, (name, t, f, ns) => {
    const lp = encodeLine(name, t, f, ns, 1n);
    const { points, errors } = timed('parse', lp, () => new LineProtocolParser().parse(Buffer.from(lp), { db: 'd', rp: 'r', now: NOW }));
    assert.deepEqual(errors, [], `line ${JSON.stringify(lp)}`);
    assert.equal(points.length, 1, `line ${JSON.stringify(lp)}`);
    const expectedTags: Tags = {};
    for (const [k, v] of Object.entries(t)) expectedTags[k] = v;
    assert.deepEqual(view(points[0]!), [name, expectedTags, { ...f }, ns], `line ${JSON.stringify(lp)}`);
  }), params(1500));
});

test('parse → encode → parse is stable for whatever the parser accepts', () => {
  let checked = 0;
  fc.assert(fc.property(body, (buf) => {
    const first = timed('parse', buf, () => new LineProtocolParser().parse(buf, { db: 'd', rp: 'r', now: NOW }));
    for (const p of first.points) {
      // fields the encoder refuses (a newline in a name, key or tag value) are not re-encodable by design
      if ([p.name, ...Object.keys(p.tags), ...Object.values(p.tags), ...Object.keys(p.fields)].some((s) => s.includes('\n'))) continue;
      const lp = encodeLine(p.name, p.tags, p.fields as Fields, p.time, 1n);
      const again = timed('parse', lp, () => new LineProtocolParser().parse(Buffer.from(lp), { db: 'd', rp: 'r', now: NOW }));
      assert.deepEqual(again.errors, [], `re-encoded ${JSON.stringify(lp)}`);
      assert.deepEqual(again.points.map(view), [view(p)], `re-encoded ${JSON.stringify(lp)}`);
      checked++;
    }
  }), params(2000));
  assert.ok(checked > 50, `only ${checked} accepted points were re-encoded`);
});
