/**
 * model/cron.ts: next firing times of cron expressions as Kapacitor's `query().cron()` (gorhill/cronexpr) reads
 * them. Every expected time below was worked out by hand from the calendar, with the reasoning next to it.
 * Calendar facts used: 2024-01-01 is a Monday; 2024 is a leap year (Feb 29 a Thursday); 2024-06-01 is a Saturday,
 * so 2024-06-30 is a Sunday; 2024-04-01 is a Monday.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronExpression } from '../../model/cron.ts';

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const iso = (t: bigint | undefined): string | undefined => (t === undefined ? undefined : new Date(Number(t / 1_000_000n)).toISOString());
const next = (expr: string, from: string): string | undefined => iso(CronExpression.parse(expr).next(ns(from), 'utc'));

test('5 fields: minute hour day-of-month month day-of-week, second 0', () => {
  // every 15 minutes: after 10:07:30 comes 10:15:00
  assert.equal(next('*/15 * * * *', '2024-01-01T10:07:30Z'), '2024-01-01T10:15:00.000Z');
  // weekdays at 09:00, strictly after Friday 2024-01-05 09:00 → Monday the 8th
  assert.equal(next('0 9 * * MON-FRI', '2024-01-05T09:00:00Z'), '2024-01-08T09:00:00.000Z');
  // hours 2, 6, 10 at :30; after 06:30 → 10:30
  assert.equal(next('30 2-10/4 * * *', '2024-01-01T06:30:00Z'), '2024-01-01T10:30:00.000Z');
  // `10/20` = minutes 10, 30, 50; after 00:50 → 01:10
  assert.equal(next('10/20 * * * *', '2024-01-01T00:50:00Z'), '2024-01-01T01:10:00.000Z');
  // the 31st skips April (30 days) → May 31
  assert.equal(next('0 0 31 * *', '2024-04-01T00:00:00Z'), '2024-05-31T00:00:00.000Z');
  // carry over the year end
  assert.equal(next('59 23 31 12 *', '2024-12-31T23:59:00Z'), '2025-12-31T23:59:00.000Z');
  // Feb 29 after March 2024 → the next leap year, 2028
  assert.equal(next('0 0 29 2 *', '2024-03-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
  // names in any case, full names: January or July, Sundays at noon, after Feb 1 → July 2024; Jul 1 is a Monday, so the 7th
  assert.equal(next('0 12 * JAN,july sun', '2024-02-01T00:00:00Z'), '2024-07-07T12:00:00.000Z');
});

test('7 fields (seconds, year) and 6 fields (year)', () => {
  // every 10 s; after 00:00:05.5 → 00:00:10 (whole seconds)
  assert.equal(next('*/10 * * * * * *', '2024-01-01T00:00:05.500Z'), '2024-01-01T00:00:10.000Z');
  // every second: strictly after, even from a whole second
  assert.equal(next('* * * * * * *', '2024-01-01T00:00:05Z'), '2024-01-01T00:00:06.000Z');
  // 6 fields = minute … day-of-week year: midnight Jan 1 2030
  assert.equal(next('0 0 1 1 * 2030', '2024-06-15T00:00:00Z'), '2030-01-01T00:00:00.000Z');
  // 7 fields with a year list
  assert.equal(next('30 0 0 1 1 * 2025,2027', '2025-01-01T00:00:30Z'), '2027-01-01T00:00:30.000Z');
  // no year left: no next time
  assert.equal(next('* * * * * 2020', '2024-01-01T00:00:00Z'), undefined);
});

test('@yearly/@annually, @monthly, @weekly (Sunday), @daily, @hourly', () => {
  assert.equal(next('@yearly', '2024-01-01T00:00:00Z'), '2025-01-01T00:00:00.000Z');
  assert.equal(next('@annually', '2024-05-05T05:05:05Z'), '2025-01-01T00:00:00.000Z');
  assert.equal(next('@monthly', '2024-01-31T23:59:59Z'), '2024-02-01T00:00:00.000Z');
  // from Monday Jan 1 → Sunday Jan 7
  assert.equal(next('@weekly', '2024-01-01T00:00:00Z'), '2024-01-07T00:00:00.000Z');
  assert.equal(next('@daily', '2024-02-28T12:00:00Z'), '2024-02-29T00:00:00.000Z');
  assert.equal(next('@hourly', '2024-01-01T10:59:59Z'), '2024-01-01T11:00:00.000Z');
  assert.equal(next('@HOURLY', '2024-01-01T10:00:00Z'), '2024-01-01T11:00:00.000Z');
});

test('L, LW, nW in day-of-month; dL and d#k in day-of-week; 7 = Sunday; both day fields = either', () => {
  // last day of February 2024 (leap year) → 29th; after it → March 31
  assert.equal(next('0 0 L * *', '2024-02-01T00:00:00Z'), '2024-02-29T00:00:00.000Z');
  assert.equal(next('0 0 L * *', '2024-02-29T00:00:00Z'), '2024-03-31T00:00:00.000Z');
  // last weekday of June 2024: the 30th is a Sunday → Friday the 28th
  assert.equal(next('0 0 LW * *', '2024-06-01T00:00:00Z'), '2024-06-28T00:00:00.000Z');
  // 15W: June 15 2024 is a Saturday → Friday the 14th
  assert.equal(next('0 0 15W * *', '2024-06-01T00:00:00Z'), '2024-06-14T00:00:00.000Z');
  // 1W: June 1 2024 is a Saturday → Monday the 3rd (does not leave the month)
  assert.equal(next('0 0 1W * *', '2024-05-31T00:00:00Z'), '2024-06-03T00:00:00.000Z');
  // 5L: January 2024's Fridays are 5, 12, 19, 26 → the 26th
  assert.equal(next('0 0 * * 5L', '2024-01-01T00:00:00Z'), '2024-01-26T00:00:00.000Z');
  // FRI#2 → the 12th
  assert.equal(next('0 0 * * FRI#2', '2024-01-01T00:00:00Z'), '2024-01-12T00:00:00.000Z');
  // MON#5 after Jan 30: February (Mondays 5..26) and March (4..25) have no fifth Monday; April 1 is a Monday → the 29th
  assert.equal(next('0 0 * * MON#5', '2024-01-30T00:00:00Z'), '2024-04-29T00:00:00.000Z');
  // 7 is Sunday: after Monday Jan 1 → Sunday Jan 7
  assert.equal(next('0 0 * * 7', '2024-01-01T00:00:00Z'), '2024-01-07T00:00:00.000Z');
  // 5-7 = Friday to Sunday: after Monday Jan 1 → Friday Jan 5
  assert.equal(next('0 0 * * 5-7', '2024-01-01T00:00:00Z'), '2024-01-05T00:00:00.000Z');
  // both restricted: the 13th OR a Friday — Friday Jan 5 comes first; after Friday the 12th → Saturday the 13th
  assert.equal(next('0 0 13 * 5', '2024-01-01T00:00:00Z'), '2024-01-05T00:00:00.000Z');
  assert.equal(next('0 0 13 * 5', '2024-01-12T00:00:00Z'), '2024-01-13T00:00:00.000Z');
  // `?` is "any" like `*`: only the day of week decides
  assert.equal(next('0 0 ? * 5', '2024-01-06T00:00:00Z'), '2024-01-12T00:00:00.000Z');
});

test('the local time zone by default (as Kapacitor: time.Now() in Local)', (t) => {
  const saved = process.env.TZ;
  process.env.TZ = 'Asia/Kolkata'; // UTC+05:30, no daylight saving time
  t.after(() => { if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved; });
  // 2024-01-01T00:00Z is 05:30 in Kolkata; the next local midnight is 2024-01-02T00:00+05:30 = 2024-01-01T18:30Z
  assert.equal(iso(CronExpression.parse('@daily').next(ns('2024-01-01T00:00:00Z'))), '2024-01-01T18:30:00.000Z');
});

test('bad expressions: errors name the field and the entry', () => {
  const bad: [string, RegExp][] = [
    ['', /missing field\(s\) in cron expression "": got 0, need 5, 6 or 7/],
    ['* * * *', /missing field\(s\).*got 4/],
    ['* * * * * * * *', /too many fields .*got 8/],
    ['61 * * * *', /syntax error in minute field: '61' \(61 is outside 0-59\)/],
    ['* 24 * * *', /syntax error in hour field: '24'/],
    ['* * 0 * *', /syntax error in day-of-month field: '0'/],
    ['* * * 13 *', /syntax error in month field: '13'/],
    ['* * * foo *', /syntax error in month field: 'foo'/],
    ['* * * * 8', /syntax error in day-of-week field: '8'/],
    ['*/0 * * * *', /invalid interval \*\/0 in minute field/],
    ['20-5 * * * *', /syntax error in minute field: '20-5' \(range 20-5 is reversed\)/],
    ['* * * * * 1969', /syntax error in year field: '1969'/],
    ['* * * * MON#6', /syntax error in day-of-week field: 'mon#6' \(#6: the week must be 1-5\)/],
    ['1,,2 * * * *', /syntax error in minute field: '' \(empty list entry\)/],
    ['@reboot', /unknown cron expression "@reboot"/],
  ];
  for (const [expr, re] of bad) assert.throws(() => CronExpression.parse(expr), re, expr);
});
