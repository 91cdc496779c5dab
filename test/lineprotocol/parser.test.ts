/**
 * Line protocol as Kapacitor's /write accepts it: every rule of SPEC Appendix C, table-driven. Each case runs
 * through the parser's fast path and through the reference path (forceSlow) — both must give the same result.
 * Error texts are InfluxDB 1.x's (`unable to parse '<line>': <reason>`, Appendix C).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldValue, Point } from '../../model/point.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';

const NOW = 1700000000123456789n;

function parseBoth(text: string | Buffer, precision = ''): { points: Point[]; errors: string[] } {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const fast = new LineProtocolParser().parse(buf, { db: 'db', rp: 'rp', precision, now: NOW });
  const slow = new LineProtocolParser().parse(buf, { db: 'db', rp: 'rp', precision, now: NOW, forceSlow: true });
  assert.deepEqual(fast.errors, slow.errors, 'fast and reference paths disagree on errors');
  assert.deepEqual(fast.points.map(view), slow.points.map(view), 'fast and reference paths disagree on points');
  return fast;
}

interface View { name: string; tags: Record<string, string>; fields: Record<string, FieldValue>; time: bigint }
function view(p: Point): View {
  return { name: p.name, tags: { ...p.tags }, fields: { ...p.fields }, time: p.time };
}

function one(text: string, precision = ''): View {
  const r = parseBoth(text, precision);
  assert.deepEqual(r.errors, [], `unexpected errors for ${JSON.stringify(text)}`);
  assert.equal(r.points.length, 1, `expected one point for ${JSON.stringify(text)}`);
  return view(r.points[0]!);
}

function error(text: string, precision = ''): string {
  const r = parseBoth(text, precision);
  assert.equal(r.points.length, 0, `expected no point for ${JSON.stringify(text)}`);
  assert.equal(r.errors.length, 1, `expected one error for ${JSON.stringify(text)}`);
  return r.errors[0]!;
}

describe('line protocol: structure (Appendix C)', () => {
  it('parses measurement, tags, fields and timestamp', () => {
    assert.deepEqual(one('requests,host=a,replicaset=app value=1i 1478629267000000000'), {
      name: 'requests', tags: { host: 'a', replicaset: 'app' }, fields: { value: 1n }, time: 1478629267000000000n,
    });
  });

  it('fills db and rp from the request and leaves the point ungrouped', () => {
    const p = parseBoth('m f=1 1').points[0]!;
    assert.equal(p.db, 'db');
    assert.equal(p.rp, 'rp');
    assert.equal(p.group, '');
    assert.deepEqual(p.dims, { tagNames: [], byName: false });
  });

  it('skips blank lines and lines whose first non-blank character is #', () => {
    const r = parseBoth('\n# a comment\n   \n  # indented comment\nm f=1 1\n\n\t\nm f=2 2\n');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.points.map((p) => p.fields.f), [1, 2]);
  });

  it('does not strip \\r before \\n: `m f=1\\r` is an invalid number', () => {
    assert.equal(error('m f=1\r\n'), "unable to parse 'm f=1\r': invalid number");
  });

  it('skips leading spaces: ` f=1` is the measurement `f=1` without fields', () => {
    assert.equal(error(' f=1'), "unable to parse 'f=1': missing fields");
    assert.equal(one('   m f=1 5').name, 'm');
  });

  it('accepts runs of spaces between sections and a trailing space', () => {
    assert.deepEqual(one('m,t=a    f=1     7   '), { name: 'm', tags: { t: 'a' }, fields: { f: 1 }, time: 7n });
    assert.deepEqual(one('m f=1 '), { name: 'm', tags: {}, fields: { f: 1 }, time: NOW });
  });

  it('requires at least one field', () => {
    assert.equal(error('m'), "unable to parse 'm': missing fields");
    assert.equal(error('m,t=a'), "unable to parse 'm,t=a': missing fields");
    assert.equal(error('m f'), "unable to parse 'm f': invalid field format");
    assert.equal(error('m f=1,g'), "unable to parse 'm f=1,g': invalid field format");
    assert.equal(error('m f='), "unable to parse 'm f=': missing field value");
    assert.equal(error('m f=,g=1'), "unable to parse 'm f=,g=1': missing field value");
    assert.equal(error('m =1'), "unable to parse 'm =1': missing field key");
    assert.equal(error('m f=1,=2'), "unable to parse 'm f=1,=2': missing field key");
    // a tab (or NUL) skipped as whitespace before the '=' leaves the key empty too (found by test/fuzz)
    assert.equal(error('m \t=1'), "unable to parse 'm \t=1': missing field key");
  });

  it('requires a measurement', () => {
    assert.equal(error(',t=a f=1'), "unable to parse ',t=a f=1': missing measurement");
  });

  it('rejects empty tag keys and values and duplicate tag keys', () => {
    assert.equal(error('m,=a f=1'), "unable to parse 'm,=a f=1': missing tag key");
    assert.equal(error('m, f=1'), "unable to parse 'm, f=1': missing tag key");
    assert.equal(error('m,t= f=1'), "unable to parse 'm,t= f=1': missing tag value");
    assert.equal(error('m,t f=1'), "unable to parse 'm,t f=1': missing tag value");
    assert.equal(error('m,t=a,t=b f=1'), "unable to parse 'm,t=a,t=b f=1': duplicate tags");
    assert.equal(error('m,b=1,a=2,b=3 f=1'), "unable to parse 'm,b=1,a=2,b=3 f=1': duplicate tags");
    assert.equal(error('m,t=a=b f=1'), "unable to parse 'm,t=a=b f=1': invalid tag format");
  });

  it('accepts a repeated field key, the last value wins', () => {
    assert.deepEqual(one('m f=1,f=2i 3').fields, { f: 2n });
  });

  it('sorts tags and shares one frozen tags object per series', () => {
    const r = parseBoth('m,z=1,a=2 f=1 1\nm,z=1,a=2 f=2 2\n');
    assert.deepEqual(Object.keys(r.points[0]!.tags), ['a', 'z']);
    assert.equal(r.points[0]!.tags, r.points[1]!.tags);
    assert.ok(Object.isFrozen(r.points[0]!.tags));
  });

  it('reports every bad line, one error each, in order', () => {
    const r = parseBoth('m f=1 1\nbad\nm f=2 2\nm f=x\n');
    assert.deepEqual(r.errors, ["unable to parse 'bad': missing fields", "unable to parse 'm f=x': invalid boolean"]);
  });
});

describe('line protocol: escapes (Appendix C)', () => {
  it('measurement escapes comma and space', () => {
    assert.equal(one('m\\,x\\ y f=1').name, 'm,x y');
  });

  it('tag keys and values escape comma, equals and space', () => {
    assert.deepEqual(one('m,k\\ 1\\,\\==v\\ 1\\,\\= f=1').tags, { 'k 1,=': 'v 1,=' });
    assert.deepEqual(one('cpu,host=a\\ b f=1').tags, { host: 'a b' });
  });

  it('field keys escape comma, equals and space', () => {
    assert.deepEqual(one('m f\\ k\\,x\\=y=1').fields, { 'f k,x=y': 1 });
  });

  it('keeps a backslash before any other character', () => {
    assert.equal(one('m\\x f=1').name, 'm\\x');
    assert.deepEqual(one('m,t=a\\b f=1').tags, { t: 'a\\b' });
    assert.deepEqual(one('m f\\x=1').fields, { 'f\\x': 1 });
  });

  it('a tag value ending in a lone escaped space leaves no field section', () => {
    assert.equal(error('m,t=a\\ f=1'), "unable to parse 'm,t=a\\ f=1': invalid tag format");
  });

  it('passes UTF-8 through', () => {
    assert.deepEqual(one('mesure,hôte=été champ="ünïcode ✓" 1'), {
      name: 'mesure', tags: { 'hôte': 'été' }, fields: { champ: 'ünïcode ✓' }, time: 1n,
    });
  });
});

describe('line protocol: field values (Appendix C)', () => {
  const floats: [string, number][] = [
    ['1', 1], ['1.5', 1.5], ['-0', -0], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E3', 1000], ['-1.5E-3', -0.0015],
    ['0.1', 0.1], ['123456789012345', 123456789012345], ['1234567890123456789', 1234567890123456789],
    ['3.141592653589793238', 3.141592653589793], ['1e-400', 0],
  ];
  for (const [text, value] of floats) {
    it(`float ${text}`, () => {
      const v = one(`m f=${text}`).fields.f;
      assert.equal(typeof v, 'number');
      assert.ok(Object.is(v, value), `${text} → ${String(v)}, expected ${value}`);
    });
  }

  const badNumbers: [string, string][] = [
    ['NaN', 'invalid number'], ['nan', 'invalid number'], ['Inf', 'invalid boolean'], ['+1', 'invalid boolean'],
    ['1e400', 'invalid float'], ['-1e400', 'invalid float'], ['1.2.3', 'invalid number'], ['-', 'invalid number'],
    ['.', 'invalid number'], ['1x', 'invalid number'], ['1.5i', 'invalid number'], ['1e3i', 'invalid number'],
    ['1i2', 'invalid number'], ['123u', 'invalid number'], ['1e', 'invalid float'], ['0x10', 'invalid number'],
  ];
  for (const [text, reason] of badNumbers) {
    it(`rejects ${text}: ${reason}`, () => {
      assert.equal(error(`m f=${text}`), `unable to parse 'm f=${text}': ${reason}`);
    });
  }

  it('integers are exact int64 bigints', () => {
    assert.deepEqual(one('m a=123i,b=-5i,c=0i').fields, { a: 123n, b: -5n, c: 0n });
    assert.deepEqual(one('m f=9223372036854775807i').fields, { f: 9223372036854775807n });
    assert.deepEqual(one('m f=-9223372036854775808i').fields, { f: -9223372036854775808n });
    assert.deepEqual(one('m f=1234567890123456789i').fields, { f: 1234567890123456789n });
    assert.deepEqual(one('m f=1000000000000001i,g=-1000000000000001i').fields, { f: 1000000000000001n, g: -1000000000000001n });
    assert.deepEqual(one('m f=0000000000000000007i').fields, { f: 7n });
  });

  it('rejects integers outside int64', () => {
    assert.equal(error('m f=9223372036854775808i'),
      "unable to parse 'm f=9223372036854775808i': unable to parse integer 9223372036854775808: " +
      'strconv.ParseInt: parsing "9223372036854775808": value out of range');
    assert.equal(error('m f=-9223372036854775809i'),
      "unable to parse 'm f=-9223372036854775809i': unable to parse integer -9223372036854775809: " +
      'strconv.ParseInt: parsing "-9223372036854775809": value out of range');
    assert.equal(error('m f=9999999999999999999i'),
      "unable to parse 'm f=9999999999999999999i': unable to parse integer 9999999999999999999: " +
      'strconv.ParseInt: parsing "9999999999999999999": value out of range');
  });

  it('strings may contain spaces, commas, equals signs and raw newlines; \\" and \\\\ are escapes', () => {
    assert.deepEqual(one('m message="hello world, a=b"').fields, { message: 'hello world, a=b' });
    assert.deepEqual(one('m s="line1\nline2" 9').fields, { s: 'line1\nline2' });
    assert.deepEqual(one('m s="say \\"hi\\" \\\\ \\n"').fields, { s: 'say "hi" \\ \\n' });
    assert.deepEqual(one('m s=""').fields, { s: '' });
    assert.equal(error('m s="open'), "unable to parse 'm s=\"open': unbalanced quotes");
  });

  it('booleans: t T true True TRUE f F false False FALSE', () => {
    const words = ['t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE'];
    for (const w of words) assert.equal(one(`m b=${w}`).fields.b, w[0] === 't' || w[0] === 'T', w);
    for (const w of ['tRue', 'tru', 'falsey', 'yes', 'FaLsE']) {
      assert.equal(error(`m b=${w}`), `unable to parse 'm b=${w}': invalid boolean`);
    }
  });

  it('mixes types in one line', () => {
    assert.deepEqual(one('m f=1.5,i=2i,s="x",b=true 10').fields, { f: 1.5, i: 2n, s: 'x', b: true });
  });
});

describe('line protocol: timestamps (Appendix C)', () => {
  it('keeps nanoseconds beyond 2^53 exact', () => {
    assert.equal(one('m f=1 1700000000000000001').time, 1700000000000000001n);
    assert.equal(one('m f=1 1700000000000000999').time, 1700000000000000999n);
  });

  const precisions: [string, bigint][] = [
    ['', 1n], ['n', 1n], ['ns', 1n], ['u', 1000n], ['us', 1000n], ['ms', 1000000n], ['s', 1000000000n],
    ['m', 60000000000n], ['h', 3600000000000n],
  ];
  for (const [precision, mult] of precisions) {
    it(`precision ${precision || '(default)'} converts to ns`, () => {
      // minutes and hours of 1478629267 would leave the int64 ns range, so those use a smaller count
      const count = mult > 1000000000n ? 410730n : 1478629267n;
      assert.equal(one(`m f=1 ${count}`, precision).time, count * mult);
      assert.equal(one('m f=1 -3', precision).time, -3n * mult);
    });
    it(`precision ${precision || '(default)'}: a missing timestamp is the receive time truncated`, () => {
      assert.equal(one('m f=1', precision).time, NOW - (NOW % mult));
    });
  }

  it('accepts the int64 nanosecond range -9223372036854775806 .. 9223372036854775806', () => {
    assert.equal(one('m f=1 9223372036854775806').time, 9223372036854775806n);
    assert.equal(one('m f=1 -9223372036854775806').time, -9223372036854775806n);
    const range = 'time outside range -9223372036854775806 - 9223372036854775806';
    assert.equal(error('m f=1 9223372036854775807'), `unable to parse 'm f=1 9223372036854775807': ${range}`);
    assert.equal(error('m f=1 -9223372036854775807'), `unable to parse 'm f=1 -9223372036854775807': ${range}`);
    assert.equal(error('m f=1 9223372036854775', 's'), `unable to parse 'm f=1 9223372036854775': ${range}`);
    assert.equal(one('m f=1 9223372036', 's').time, 9223372036000000000n);
  });

  it('rejects timestamps that are not integers', () => {
    assert.equal(error('m f=1 abc'), "unable to parse 'm f=1 abc': bad timestamp");
    assert.equal(error('m f=1 1.5'), "unable to parse 'm f=1 1.5': bad timestamp");
    assert.equal(error('m f=1 1e9'), "unable to parse 'm f=1 1e9': bad timestamp");
    assert.equal(error('m f=1 1 2'), "unable to parse 'm f=1 1 2': point is invalid");
    assert.equal(error('m f=1 99999999999999999999'),
      'unable to parse \'m f=1 99999999999999999999\': strconv.ParseInt: parsing "99999999999999999999": value out of range');
    assert.equal(error('m f=1 -'), 'unable to parse \'m f=1 -\': strconv.ParseInt: parsing "-": invalid syntax');
  });

  it('treats leading zeros as decimal', () => {
    assert.equal(one('m f=1 000000000000000000000042').time, 42n);
  });
});

describe('line protocol: robustness', () => {
  it('handles a body without trailing newline and with CRLF-free Windows-like noise', () => {
    const r = parseBoth('a f=1 1\nb f=2 2');
    assert.deepEqual(r.points.map((p) => p.name), ['a', 'b']);
  });

  it('rejects the whole line, not a prefix, when a quoted string spans lines', () => {
    const r = parseBoth('m s="a\nb" 1\nm s="c\n');
    assert.equal(r.points.length, 1);
    assert.deepEqual(r.errors, ["unable to parse 'm s=\"c': unbalanced quotes"]);
  });

  it('rejects over-long series keys', () => {
    const tag = 'x'.repeat(65536);
    assert.equal(error(`m,t=${tag} f=1`).endsWith('max key length exceeded: 65540 > 65535'), true);
  });

  it('keeps __proto__ as an ordinary tag and field name', () => {
    const p = one('m,__proto__=x __proto__=1');
    assert.deepEqual(Object.keys(p.tags), ['__proto__']);
    assert.deepEqual(Object.keys(p.fields), ['__proto__']);
    assert.equal(Object.getPrototypeOf(parseBoth('m __proto__=1').points[0]!.fields), Object.prototype);
  });
});
