/**
 * The influxd test helper itself: a real InfluxDB 1.x on free loopback ports, in a temporary directory, gone after
 * stop(). Fails (does not skip) when influxd is not installed, with the install command in the message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { INFLUXD_INSTALL_HINT, startInfluxd } from '../helpers/influxd.ts';

test('influxd starts on a free loopback port, stores and returns points exactly, and is gone after stop()', async (t) => {
  const influx = await startInfluxd();
  t.after(() => influx.stop());
  assert.match(influx.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(existsSync(influx.dir), 'temporary directory exists while running');

  await influx.query('CREATE DATABASE helperdb');
  // one int64 and one float64 field, nanosecond timestamp
  await influx.write('helperdb', 'm,host=a n=7i,f=1.5 1700000000123456789');
  const r = await influx.query('SELECT n, f FROM m', 'helperdb');
  // InfluxDB 1.x /query without epoch= renders RFC3339Nano times; ints and floats keep their JSON forms
  assert.deepEqual(r.results[0]?.series?.[0]?.values, [['2023-11-14T22:13:20.123456789Z', 7, 1.5]]);

  await influx.stop();
  assert.notEqual(influx.proc.exitCode ?? influx.proc.signalCode, null, 'process exited');
  assert.equal(existsSync(influx.dir), false, 'temporary directory removed');
  await assert.rejects(fetch(`${influx.url}/ping`), 'port closed');
});

test('without influxd on PATH the helper rejects with the install command (tests fail, never skip)', async () => {
  assert.match(INFLUXD_INSTALL_HINT, /apt-get install -y influxdb/);
  await assert.rejects(startInfluxd({ pathEnv: '/nonexistent-dir' }), (err: Error) => {
    assert.match(err.message, /influxd is not installed/);
    assert.ok(err.message.includes('apt-get install -y influxdb'), err.message);
    return true;
  });
});
