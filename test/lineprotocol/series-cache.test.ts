/**
 * The parser's series cache and its next-series guess (lineprotocol/parser.ts fastSeries): whatever the
 * order of series in and across requests, every line gets exactly the measurement and tags its own key says
 * (SPEC Appendix C), and the same series always shares one tags object. Checked against the reference path
 * (forceSlow), which never uses the cache's guesses.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Point } from '../../model/point.ts';
import { seriesMemo } from '../../model/series.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';

const OPTS = { db: 'db', rp: 'rp', precision: 's' };

/** Seeded LCG (Numerical Recipes constants), so a failure reproduces. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

function plain(points: readonly Point[]): unknown[] {
  return points.map((p) => ({ name: p.name, tags: { ...p.tags }, fields: { ...p.fields }, time: p.time }));
}

function parseBoth(parser: LineProtocolParser, body: string): Point[] {
  const fast = parser.parse(Buffer.from(body), OPTS);
  const slow = new LineProtocolParser().parse(Buffer.from(body), { ...OPTS, forceSlow: true });
  assert.deepEqual(fast.errors, slow.errors);
  assert.deepEqual(plain(fast.points), plain(slow.points), body);
  return fast.points;
}

it('keys that are prefixes of each other are never confused by the guess', () => {
  const p = new LineProtocolParser();
  // first request teaches "m,t=a" → "m,t=ab" → "m,t=a,u=1" → "m"; the second one breaks that order
  parseBoth(p, 'm,t=a v=1 1\nm,t=ab v=2 1\nm,t=a,u=1 v=3 1\nm v=4 1');
  const pts = parseBoth(p, 'm,t=a v=1 2\nm,t=a v=5 2\nm,t=ab v=2 2\nm v=4 2\nm,t=a,u=1 v=3 2\nm,t=a,u=1 v=3 2');
  assert.deepEqual(pts.map((x) => x.tags), [{ t: 'a' }, { t: 'a' }, { t: 'ab' }, {}, { t: 'a', u: '1' }, { t: 'a', u: '1' }]);
  assert.deepEqual(pts.map((x) => x.name), ['m', 'm', 'm', 'm', 'm', 'm']);
  // one tags object per series, whichever way (guess or hash lookup) the series was found
  assert.equal(pts[0]!.tags, pts[1]!.tags);
  assert.equal(pts[4]!.tags, pts[5]!.tags);
});

it('a guessed key followed by more key bytes, or by the end of the body, is not a match', () => {
  const p = new LineProtocolParser();
  parseBoth(p, 'cpu,host=a v=1 1\ncpu,host=b v=1 1');
  // after "cpu,host=a" the guess is "cpu,host=b"; "cpu,host=bb" and a truncated line must not take it
  const pts = parseBoth(p, 'cpu,host=a v=1 2\ncpu,host=bb v=1 2\ncpu,host=a v=1 3\ncpu,host=b');
  assert.deepEqual(pts.map((x) => x.tags['host']), ['a', 'bb', 'a']);
});

it('a guess of the same length that differs in any single byte is not a match', () => {
  // the guess is compared four bytes at a time, then byte by byte: vary every position of an 11-byte key
  const base = 'cpu,host=b1';
  const p = new LineProtocolParser();
  for (let pos = 4; pos < base.length; pos++) {
    if (base[pos] === '=' || base[pos] === ',') continue;
    const other = base.slice(0, pos) + (base[pos] === 'x' ? 'y' : 'x') + base.slice(pos + 1);
    parseBoth(p, `${base} v=1 1\n${base} v=1 1`); // teaches base → base
    const pts = parseBoth(p, `${base} v=1 2\n${other} v=1 2`); // guess after base is base, the line is other
    assert.equal(pts[1]!.name + ',' + Object.entries(pts[1]!.tags).map(([k, v]) => `${k}=${v}`).join(','), other, `position ${pos}`);
  }
});

it('random series orders, escapes and bad lines: the fast path with guesses equals the reference path', () => {
  const seed = 20261129;
  const rnd = lcg(seed);
  const keys = ['r,host=h1,rs=a', 'r,host=h2,rs=a', 'r,host=h10,rs=b', 'r,host=h1', 'r', 'r\\ x,host=h1', 'r,host=h\\ 1', 'q,host=h1,rs=a'];
  const p = new LineProtocolParser({ maxSeries: 5 }); // small: the cache is cleared between and within requests
  for (let req = 0; req < 200; req++) {
    const lines: string[] = [];
    const n = 1 + Math.floor(rnd() * 12);
    // mostly a repeated order (what the guess is for), sometimes shuffled, sometimes a broken line
    const order = rnd() < 0.6 ? keys.slice(0, 4) : keys.slice().sort(() => rnd() - 0.5);
    for (let i = 0; i < n; i++) {
      const k = order[i % order.length]!;
      lines.push(rnd() < 0.05 ? `${k} v=` : `${k} v=${i}i ${req}`);
    }
    parseBoth(p, lines.join('\n'));
  }
  assert.ok(p.cachedSeries <= 5, `series cache bounded, seed ${seed}`);
});

it('parsed tags carry a memo that no enumeration, copy or comparison sees', () => {
  const [pt] = new LineProtocolParser().parse(Buffer.from('m,b=2,a=1 v=1 1'), OPTS).points;
  const tags = pt!.tags;
  assert.ok(seriesMemo(tags) !== undefined);
  assert.equal(seriesMemo(tags)!.name, 'm');
  assert.deepStrictEqual(tags, { a: '1', b: '2' });
  assert.deepEqual(Object.keys(tags), ['a', 'b']);
  assert.equal(JSON.stringify(tags), '{"a":"1","b":"2"}');
  const copy = { ...tags };
  assert.equal(seriesMemo(copy), undefined);
  assert.ok(Object.isFrozen(tags));
});
