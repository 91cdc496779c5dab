/**
 * How a batch query's statement is run (influxdb/select-query.ts, Kapacitor query.go): the WHERE condition is kept
 * and ANDed with the time bounds (`time >= start AND time < stop`, RFC3339Nano), GROUP BY comes from the node's
 * groupBy (the statement's own is replaced), `.fill()` replaces the statement's fill, other clauses are kept.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SelectQuery } from '../../influxdb/select-query.ts';

const S = 1_000_000_000n;
const start = 1478629260n * S; // 2016-11-08T18:21:00Z
const stop = start + 60n * S;

test('bounds appended to a query without WHERE; GROUP BY from the node', () => {
  const q = new SelectQuery('SELECT mean("usage") FROM "telegraf"."autogen"."cpu"');
  q.setDimensions([{ kind: 'tag', name: 'host' }, { kind: 'time', every: 10n * S, offset: 0n }]);
  assert.equal(q.text(start, stop),
    `SELECT mean("usage") FROM "telegraf"."autogen"."cpu" WHERE time >= '2016-11-08T18:21:00Z' AND time < '2016-11-08T18:22:00Z' GROUP BY "host", time(10s, 0s)`);
  assert.equal(q.groupedByTime, true);
});

test('the condition is kept (quotes and regexes with keywords inside are not clauses); own GROUP BY replaced; fill replaced; LIMIT kept', () => {
  const q = new SelectQuery(`select max(v) from m where a = 'x GROUP BY y' and b =~ /where|limit/ group by c fill(0) limit 5;`);
  q.setDimensions([{ kind: 'star' }]);
  q.setFill('previous');
  assert.equal(q.text(start, stop),
    `select max(v) from m WHERE (a = 'x GROUP BY y' and b =~ /where|limit/) AND time >= '2016-11-08T18:21:00Z' AND time < '2016-11-08T18:22:00Z' GROUP BY * fill(previous) limit 5`);
  assert.equal(q.groupedByTime, false);
});

test('the statement\'s own fill stays without .fill(); alignGroup offsets the time buckets to the start', () => {
  const q = new SelectQuery('SELECT count(v) FROM m fill(none)');
  q.setDimensions([{ kind: 'time', every: 7n * S, offset: 0n }]);
  q.setAlignGroup();
  // 1478629260 s mod 7 s = 3 s (7 × 211232751 = 1478629257)
  assert.equal(q.text(start, stop),
    `SELECT count(v) FROM m WHERE time >= '2016-11-08T18:21:00Z' AND time < '2016-11-08T18:22:00Z' GROUP BY time(7s, 3s) fill(none)`);
});

test('rejects what is not one SELECT statement, naming the problem', () => {
  assert.throws(() => new SelectQuery('SHOW DATABASES'), /query is not a select statement/);
  assert.throws(() => new SelectQuery('SELECT v FROM m; SELECT w FROM n'), /single select statement/);
  assert.throws(() => new SelectQuery("SELECT v FROM m WHERE a = 'x"), /unterminated quoted literal/);
  assert.throws(() => new SelectQuery('SELECT v'), /found no FROM clause/);
  const q = new SelectQuery('SELECT v FROM m');
  assert.throws(() => q.setDimensions([{ kind: 'time', every: S, offset: 0n }, { kind: 'time', every: S, offset: 0n }]), /more than one time dimension/);
});

test('sources(): the db/rp of each FROM source (Kapacitor Query.DBRPs), for the task dbrps check', () => {
  const src = (q: string) => new SelectQuery(q).sources();
  assert.deepEqual(src('SELECT v FROM "telegraf"."autogen"."cpu"'), [{ db: 'telegraf', rp: 'autogen' }]);
  assert.deepEqual(src('SELECT v FROM telegraf.autogen.cpu WHERE host = \'a.b\''), [{ db: 'telegraf', rp: 'autogen' }]);
  // a quoted name may hold dots; `db..m` leaves the rp empty; `rp.m` has no db; a bare measurement neither
  assert.deepEqual(src('SELECT v FROM "te.le"."auto gen"."c.pu", db..m, weekly.m, m'),
    [{ db: 'te.le', rp: 'auto gen' }, { db: 'db', rp: '' }, { db: '', rp: 'weekly' }, { db: '', rp: '' }]);
  // a regex measurement, and FROM inside a quoted field name is not the clause
  assert.deepEqual(src('SELECT "from x" FROM "d"."r"./cpu.*/'), [{ db: 'd', rp: 'r' }]);
  assert.throws(() => src('SELECT mean(v) FROM (SELECT v FROM "d"."r"."m")'), /unknown query source \*influxql\.SubQuery/);
});
