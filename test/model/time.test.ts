// Go-compatible time formatting and alignment (SPEC "Project decisions": RFC3339Nano; 3.3: 1w aligns to Mondays;
// 7.2: avg_exec_time_ns rendered as Go duration strings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRFC3339Nano, parseRFC3339, truncateTime, roundTime, precisionMultiplier, NS_PER_S, NS_PER_MS, NS_PER_M, NS_PER_H } from '../../model/time.ts';
import { formatGoDuration, formatInfluxqlDuration } from '../../gocompat/duration.ts';

const T = 1478629267n * NS_PER_S; // 2016-11-08T18:21:07Z, a Tuesday

test('RFC3339Nano prints fractional seconds only when non-zero, trailing zeros trimmed', () => {
  assert.equal(formatRFC3339Nano(T), '2016-11-08T18:21:07Z');
  assert.equal(formatRFC3339Nano(T + 500000000n), '2016-11-08T18:21:07.5Z');
  assert.equal(formatRFC3339Nano(T + 1n), '2016-11-08T18:21:07.000000001Z');
  assert.equal(formatRFC3339Nano(T + 120000n), '2016-11-08T18:21:07.00012Z');
  assert.equal(formatRFC3339Nano(0n), '1970-01-01T00:00:00Z');
  assert.equal(formatRFC3339Nano(-1n), '1969-12-31T23:59:59.999999999Z');
  // > 2^53 ns stays exact
  assert.equal(formatRFC3339Nano(1700000000000000001n), '2023-11-14T22:13:20.000000001Z');
});

test('Go zero time renders as 0001-01-01T00:00:00Z', () => {
  assert.equal(formatRFC3339Nano(-62135596800n * NS_PER_S), '0001-01-01T00:00:00Z');
});

test('parseRFC3339 round-trips and honours offsets', () => {
  assert.equal(parseRFC3339('2016-11-08T18:21:07Z'), T);
  assert.equal(parseRFC3339('2016-11-08T18:21:07.000000001Z'), T + 1n);
  assert.equal(parseRFC3339('2016-11-08T19:21:07+01:00'), T);
  assert.equal(parseRFC3339('2016-11-08 18:21:07'), undefined);
});

test('Go Duration.String', () => {
  assert.equal(formatGoDuration(0n), '0s');
  assert.equal(formatGoDuration(999n), '999ns');
  assert.equal(formatGoDuration(12345n), '12.345µs');
  assert.equal(formatGoDuration(38578n), '38.578µs');
  assert.equal(formatGoDuration(1500000n), '1.5ms');
  assert.equal(formatGoDuration(123500n * NS_PER_MS), '2m3.5s');
  assert.equal(formatGoDuration(NS_PER_H), '1h0m0s');
  assert.equal(formatGoDuration(-NS_PER_S), '-1s');
});

test('InfluxQL duration format picks the largest exact unit', () => {
  assert.equal(formatInfluxqlDuration(0n), '0s');
  assert.equal(formatInfluxqlDuration(NS_PER_M), '1m');
  assert.equal(formatInfluxqlDuration(90n * NS_PER_S), '90s');
  assert.equal(formatInfluxqlDuration(1500n * NS_PER_MS), '1500ms');
  assert.equal(formatInfluxqlDuration(7n * 24n * NS_PER_H), '1w');
  assert.equal(formatInfluxqlDuration(15000n), '15u');
});

test('truncate aligns to Go zero time: days like the epoch, weeks to Mondays', () => {
  assert.equal(truncateTime(T + 123n, NS_PER_S), T);
  assert.equal(truncateTime(T, 24n * NS_PER_H), 1478563200n * NS_PER_S); // 2016-11-08T00:00:00Z
  assert.equal(formatRFC3339Nano(truncateTime(T, 7n * 24n * NS_PER_H)), '2016-11-07T00:00:00Z'); // Monday
  assert.equal(truncateTime(-1n, NS_PER_S), -NS_PER_S);
  assert.equal(truncateTime(T + 5n, 0n), T + 5n);
});

test('round goes to the nearest multiple, halves up', () => {
  assert.equal(roundTime(T + 499999999n, NS_PER_S), T);
  assert.equal(roundTime(T + 500000000n, NS_PER_S), T + NS_PER_S);
});

test('precision multipliers', () => {
  assert.equal(precisionMultiplier(''), 1n);
  assert.equal(precisionMultiplier('n'), 1n);
  assert.equal(precisionMultiplier('u'), 1000n);
  assert.equal(precisionMultiplier('ms'), NS_PER_MS);
  assert.equal(precisionMultiplier('s'), NS_PER_S);
  assert.equal(precisionMultiplier('m'), NS_PER_M);
  assert.equal(precisionMultiplier('h'), NS_PER_H);
  assert.equal(precisionMultiplier('x'), undefined);
});
