// holtWinters / holtWintersWithFit (pipeline/influxql.go; influxdb query.FloatHoltWintersReducer and
// query/neldermead) and the Go float helpers they need (gocompat/math.ts). Exact forecasts depend on the whole
// optimizer run, so these tests pin what can be derived by hand: Go's frexp/ldexp/pow results, the optimizer
// reaching a known minimum, forecast times and counts, the too-little-data rules, and forecasts that follow a trend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frexp, goPowInt, ldexp } from '../../gocompat/math.ts';
import { HoltWinters, nelderMead } from '../../nodes/holt-winters.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import type { Batch } from '../../model/point.ts';
import { capture } from './capture.ts';

const S = 1_000_000_000n;

test('Go math: frexp/ldexp split and rebuild floats (normal, denormal, rounding at underflow); integer powers', () => {
  assert.deepEqual(frexp(8), [0.5, 4]);
  assert.deepEqual(frexp(-3), [-0.75, 2]);
  assert.deepEqual(frexp(5e-324), [0.5, -1073]); // the smallest denormal is 2^-1074
  assert.equal(ldexp(0.5, 4), 8);
  assert.equal(ldexp(1, -1074), 5e-324);
  assert.equal(ldexp(1, -1075), 0); // exactly half the smallest denormal: rounds to even (0), as Go
  assert.equal(ldexp(0.75, 1025), Infinity);
  assert.equal(goPowInt(0.5, 3), 0.125);
  assert.equal(goPowInt(3, 5), 243);
  assert.equal(goPowInt(-2, 3), -8);
  assert.equal(goPowInt(-1.5, 2), 2.25);
  assert.equal(goPowInt(2, -2), 0.25);
  assert.equal(goPowInt(0.3, 2000), 0); // underflows through Ldexp
  assert.ok(Number.isNaN(goPowInt(NaN, 2)));
  assert.equal(goPowInt(-Infinity, 2), Infinity);
  assert.equal(goPowInt(1, 7), 1);
});

test('Nelder-Mead (influxdb query/neldermead): finds the minimum of a quadratic bowl', () => {
  const f = (x: number[]) => (x[0]! - 1) ** 2 + 2 * (x[1]! + 3) ** 2 + 5;
  const [min, at] = nelderMead(f, [0, 0], 1e-10, 1);
  assert.ok(Math.abs(min - 5) < 1e-6, `min ${min}`);
  assert.ok(Math.abs(at[0]! - 1) < 1e-3 && Math.abs(at[1]! + 3) < 1e-3, `at ${at}`);
});

test('HoltWinters: forecast times follow the last point (or the first, with fit); too little data gives nothing', () => {
  const series = (n: number, f: (i: number) => number, t0 = 100n * S) => {
    const hw = (h: number, m: number, fit: boolean) => {
      const r = new HoltWinters(h, m, fit, S);
      for (let i = 0; i < n; i++) r.add(t0 + BigInt(i) * S, f(i));
      return r.emit();
    };
    return hw;
  };
  const linear = series(12, (i) => 10 + 2 * i);
  const fc = linear(4, 0, false);
  assert.deepEqual(fc.map((p) => p.time / S), [112n, 113n, 114n, 115n]);
  // a damped trend forecast continues upwards from the last value (32) but not faster than the trend
  for (const p of fc) assert.ok(p.value > 30 && p.value < 32 + 2 * Number(p.time / S - 111n) + 1, `forecast ${p.value}`);
  const fit = linear(2, 0, true);
  assert.deepEqual(fit.map((p) => p.time / S), Array.from({ length: 14 }, (_, i) => 100n + BigInt(i)));
  assert.equal(fit[0]!.value, 10); // the fitted series starts at the first value (forecasted[0] = y[0])
  // rules of Emit: fewer than 2 points, fewer than m points when seasonal, h <= 0, all in one interval
  assert.deepEqual(series(1, () => 1)(3, 0, false), []);
  assert.deepEqual(series(5, (i) => i)(3, 6, false), []);
  assert.deepEqual(series(5, (i) => i)(0, 0, false), []);
  const same = new HoltWinters(3, 0, false, 10n * S);
  same.add(0n, 1); same.add(1n * S, 2);
  assert.deepEqual(same.emit(), []);
  // seasonal (m = 4) with a gap: missing intervals become NaN and are skipped, still h forecasts
  const seasonal = new HoltWinters(4, 4, false, S);
  for (let i = 0; i < 16; i++) if (i !== 6) seasonal.add(BigInt(i) * S, 10 + [0, 5, 0, -5][i % 4]!);
  const sf = seasonal.emit();
  assert.equal(sf.length, 4);
  assert.ok(sf.every((p) => Number.isFinite(p.value)));
  assert.throws(() => new HoltWinters(1, 0, false, 0n), /interval must be > 0/);
});

test('holtWinters node: a batch per window of forecasts at their own times, field named by as(); int input', (t) => {
  const { pipeline } = appendChild(evaluateScript(`stream|from().measurement('m').groupBy('host')
    |window().period(10s).every(10s).align()
    |holtWinters('v', 2, 0, 1s).as('hw')`), 'holtWinters3', 'testCapture');
  const h = startTask(pipeline);
  t.after(() => h.stop());
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) lines.push(`m,host=a v=${100 + i}i ${i}`);
  lines.push('m,host=a v=0i 10');
  h.write(lines, 's');
  const b = capture(h).raw as Batch[];
  assert.equal(b.length, 1);
  // forecasts 1 s and 2 s after the last point (9 s); the batch time is the latest forecast time
  assert.deepEqual(b[0]!.points.map((p) => p.time / S), [10n, 11n]);
  assert.equal(b[0]!.tmax / S, 11n);
  assert.deepEqual(b[0]!.points.map((p) => Object.keys(p.fields)), [['hw'], ['hw']]);
  assert.deepEqual(b[0]!.points[0]!.tags, { host: 'a' });
  assert.ok(b[0]!.points.every((p) => typeof p.fields['hw'] === 'number' && (p.fields['hw'] as number) > 105));
});

test('holtWinters: an interval of 0 refuses to start (Kapacitor divides by it and panics); string fields are errors', (t) => {
  assert.throws(() => startTask(evaluateScript(`stream|from()|window().period(1s)|holtWinters('v', 1, 0, 0s)`)),
    /holtWinters interval must be greater than zero/);
  const { pipeline } = appendChild(evaluateScript(`stream|from().measurement('m')|window().period(10s).every(10s).align()|holtWintersWithFit('v', 1, 0, 1s)`),
    'holtWintersWithFit3', 'testCapture');
  const h = startTask(pipeline);
  t.after(() => h.stop());
  h.write(['m v="x" 1', 'm v="y" 2', 'm v="z" 10'], 's');
  // each point of the window tries to realize the reducer (influxql.go BatchPoint while rc is nil): 2 errors
  assert.equal(h.task.stats()['node-stats']['holtWintersWithFit3']!['errors'], 2);
  assert.deepEqual(capture(h).raw, []);
});
