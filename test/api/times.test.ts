// Task times as Kapacitor's server writes them: RFC3339Nano in the server's local zone (SPEC 5.3, 6.5, Project
// decisions "Times are rendered as Go's RFC3339Nano"); the never-enabled zero time is always UTC.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime } from '../../server/api/task-view.ts';

const savedTz = process.env['TZ'];
after(() => { if (savedTz === undefined) delete process.env['TZ']; else process.env['TZ'] = savedTz; });

test('UTC server: Z, fraction only when non-zero', () => {
  process.env['TZ'] = 'UTC';
  assert.equal(formatTime(1478629267000000000n), '2016-11-08T18:21:07Z');
  assert.equal(formatTime(1478629267500000000n), '2016-11-08T18:21:07.5Z');
  assert.equal(formatTime(undefined), '0001-01-01T00:00:00Z');
});

test('a server in another zone writes its offset (winter and summer time)', () => {
  process.env['TZ'] = 'Europe/Paris';
  assert.equal(formatTime(1478629267000000001n), '2016-11-08T19:21:07.000000001+01:00');
  assert.equal(formatTime(1467994867000000000n), '2016-07-08T18:21:07+02:00');
  process.env['TZ'] = 'America/St_Johns';
  assert.equal(formatTime(1478629267000000000n), '2016-11-08T14:51:07-03:30');
  assert.equal(formatTime(undefined), '0001-01-01T00:00:00Z');
});
