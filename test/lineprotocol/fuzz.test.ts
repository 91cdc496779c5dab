/**
 * Property test: for random and mutated input the parser returns points and/or `unable to parse` errors and
 * never throws; and its fast path agrees exactly with the reference path (the port of InfluxDB's scanners) on
 * every input, which is what makes the fast path safe (SPEC Appendix C; issue: "never a 500 or a crash for any
 * byte sequence"). Seeded, so a failure reproduces; the seed is printed in the assertion message.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Point } from '../../model/point.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import { mulberry32 } from '../helpers/prng.ts';

const VALID = [
  'requests,host=app-1,replicaset=app value=42i 1700000000000000001',
  'cpu,host=a\\ b,region=us-west usage=0.5,msg="hello world",ok=true 1700000000',
  'm f=1',
  'm,t=a f=-1.5E-3,g=.5,h=5. -12',
  'weather,location=us\\,midwest temperature=82 1465839830100400200',
  'm s="a\\"b\\\\c",b=FALSE 1',
  'm\\ x,k\\==v\\, f\\ k=1i',
  'm big=1234567890123456789i,neg=-9223372036854775808i,f=1234567890.12345 9223372036854775806',
];
// bytes that matter to the grammar, plus ordinary ones and a multi-byte character
const ALPHABET = [...' ,=\\"\n#\r\t-.eEiu0123456789tTfFNnab', 'é', '\0'];

function randomLine(rnd: () => number): string {
  const len = Math.floor(rnd() * 40);
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
  return s;
}

function mutate(rnd: () => number, line: string): string {
  const chars = [...line];
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(rnd() * (chars.length + 1));
    const c = ALPHABET[Math.floor(rnd() * ALPHABET.length)]!;
    const op = rnd();
    if (op < 0.4) chars.splice(pos, 0, c);
    else if (op < 0.7) chars.splice(pos, 1);
    else chars[Math.min(pos, chars.length - 1)] = c;
  }
  return chars.join('');
}

const view = (p: Point): unknown => [p.name, { ...p.tags }, { ...p.fields }, p.time];

it('random and mutated lines: points or parse errors, never a throw; fast path = reference path', () => {
  const seed = Number(process.env.LP_FUZZ_SEED ?? 20261129);
  const rnd = mulberry32(seed);
  const fast = new LineProtocolParser({ maxSeries: 500 });
  const slow = new LineProtocolParser();
  const deadline = Date.now() + 2500;
  let lines = 0;
  let accepted = 0;
  let rejected = 0;
  for (let batch = 0; batch < 2000 && Date.now() < deadline; batch++) {
    const parts: string[] = [];
    const count = 1 + Math.floor(rnd() * 10);
    for (let i = 0; i < count; i++) {
      const r = rnd();
      parts.push(r < 0.3 ? randomLine(rnd) : r < 0.9 ? mutate(rnd, VALID[Math.floor(rnd() * VALID.length)]!) : VALID[Math.floor(rnd() * VALID.length)]!);
    }
    const body = Buffer.from(parts.join(rnd() < 0.5 ? '\n' : '\n\n'));
    // random raw bytes too (invalid UTF-8 included)
    if (batch % 10 === 0) for (let i = 0; i < 8; i++) body[Math.floor(rnd() * body.length)] = Math.floor(rnd() * 256);
    lines += count;
    const precision = ['', 's', 'ms', 'h'][batch % 4]!;
    let a;
    let b;
    try {
      a = fast.parse(body, { db: 'd', rp: 'r', precision, now: 1700000000123456789n });
      b = slow.parse(body, { db: 'd', rp: 'r', precision, now: 1700000000123456789n, forceSlow: true });
    } catch (err) {
      assert.fail(`seed ${seed} batch ${batch}: parser threw ${(err as Error).stack} on ${JSON.stringify(body.toString('latin1'))}`);
    }
    const where = `seed ${seed} batch ${batch} input ${JSON.stringify(body.toString('latin1'))}`;
    assert.deepEqual(a.errors, b.errors, where);
    assert.deepEqual(a.points.map(view), b.points.map(view), where);
    for (const e of a.errors) assert.match(e, /^unable to parse '[\s\S]*': .+$/, where);
    accepted += a.points.length;
    rejected += a.errors.length;
  }
  assert.ok(lines >= 2000, `only ${lines} lines checked`);
  // the generator must exercise both outcomes, or the test proves little
  assert.ok(accepted > 100 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
});
