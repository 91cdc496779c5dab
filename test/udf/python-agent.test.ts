/**
 * Optional cross-check against Google's protobuf runtime: test/udf/agents/echo_pb.py declares the udf.proto
 * messages from their field numbers and decodes/encodes with Debian's python3-protobuf, so tickstream's hand-written
 * codec is checked against an independent implementation in both directions (Info and Point decoding here, Init and
 * Point encoding there, including a BOOL false oneof member, int64 extremes and ns times).
 * Fails with the install command when /usr/bin/python3 or its protobuf module is missing (`apt-get install -y python3-protobuf`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { groupId, makeDimensions, type Batch, type Point } from '../../model/point.ts';
import { UdfService } from '../../udf/service.ts';
import { until } from '../helpers/until.ts';

const PY = '/usr/bin/python3';
const agent = fileURLToPath(new URL('./agents/echo_pb.py', import.meta.url));
const missing = !existsSync(PY) ? `${PY} not found`
  : spawnSync(PY, ['-c', 'import google.protobuf'], { stdio: 'ignore' }).status !== 0 ? 'python3-protobuf is not installed (apt-get install -y python3-protobuf)' : '';

it('a Python agent built on the protobuf library understands tickstream and is understood', async () => {
  assert.equal(missing, '', `${missing}: apt-get install -y python3 python3-protobuf`);
  const logs: string[] = [];
  const service = new UdfService({ echo: { prog: PY, args: [agent], env: {}, socket: '', timeout: 30_000_000_000n } },
    { info: () => {}, error: (o) => logs.push(JSON.stringify(o)) });
  await service.open();
  assert.deepEqual(service.unavailable(), {}, logs.join('\n'));
  assert.deepEqual(service.available(), {
    echo: { wants: 'stream', provides: 'stream', options: { field: ['string'], factor: ['float'], n: ['int'], on: ['bool'], every: ['duration'] } },
  });

  const out: (Point | Batch)[] = [];
  const failed: Error[] = [];
  const conn = service.create('echo', 't', 'echo2', { output: (m) => out.push(...m), failed: (e) => failed.push(e), log: (l) => logs.push(l) });
  conn.init([
    { name: 'field', values: [{ type: 'STRING', value: 'v' }] },
    { name: 'factor', values: [{ type: 'DOUBLE', value: 2.5 }] },
    { name: 'n', values: [{ type: 'INT', value: -3n }] },
    { name: 'on', values: [{ type: 'BOOL', value: false }] },
    { name: 'every', values: [{ type: 'DURATION', value: 90_000_000_000n }] },
  ]);
  const dims = makeDimensions(['host', 'dc'], true);
  const tags = { host: 'a', dc: 'x' };
  const min = -(1n << 63n);
  conn.writePoint({ name: 'cpu', db: 'db', rp: 'rp', tags, fields: { v: 1.25, big: min, s: 'ü', ok: true }, time: 1_478_629_267_123_456_789n, dims, group: groupId('cpu', tags, dims) });
  conn.flush();
  await until('python answer', () => out.length > 0 || failed.length > 0, 20_000);
  assert.deepEqual(failed, [], logs.join('\n'));
  const p = out[0] as Point;
  // what protobuf decoded from our Init (json.dumps, sort_keys): BOOL false arrived as a set oneof member
  const init = '{"node": "echo2", "options": [["field", [["STRING", "stringValue", "v"]]], ["factor", [["DOUBLE", "doubleValue", 2.5]]], '
    + '["n", [["INT", "intValue", -3]]], ["on", [["BOOL", "boolValue", false]]], ["every", [["DURATION", "durationValue", 90000000000]]]], "task": "t"}';
  assert.deepEqual(p, {
    name: 'cpu', db: 'db', rp: 'rp', tags: { host: 'a', dc: 'x' },
    // v × 2.5 = 3.125 exactly; the int64 minimum, the string and the bool came back unchanged
    fields: { s: 'ü', init, big: min, v: 3.125, ok: true },
    time: 1_478_629_267_123_456_789n, dims: { tagNames: ['dc', 'host'], byName: true }, group: 'cpu\ndc=x,host=a',
  });
  conn.close();
  await conn.closed;
});
