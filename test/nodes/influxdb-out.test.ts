// influxDBOut (SPEC 3.14) with an in-memory InfluxDB client port: task-start errors (no cluster configured, unknown
// cluster, bad writeConsistency), buffering by `.buffer(n)` per database/retention policy, flush on stop, batch
// points with the node's database (Kapacitor writes batches with db/rp '' unless set). The real-influxd round
// trip is in test/influxdb/influxdb-out.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import type { InfluxDBClientPort, InfluxDBClusters, InfluxWriteTarget } from '../../influxdb/ports.ts';
import { nodeOf, T0 } from './capture.ts';

interface Write { target: InfluxWriteTarget; body: string }

function clusters(writes: Write[], queries: string[] = []): InfluxDBClusters {
  const port: InfluxDBClientPort = {
    async write(target, body) { writes.push({ target, body }); },
    async query(command) { queries.push(command); return { results: [{}] }; },
  };
  return { client: (name) => { if (name !== '' && name !== 'main') throw new Error(`no such InfluxDB config ${name}`); return port; } };
}

function pipeline(props: [string, ...unknown[]][], window?: bigint) {
  const b = new PipelineBuilder();
  let n = b.stream().chain('from').prop('measurement', 'cpu');
  if (window) n = n.chain('window').prop('period', dur(window)).prop('every', dur(window));
  const o = n.chain('influxDBOut');
  for (const [m, ...a] of props) o.prop(m, ...a);
  return b.build();
}

test('task start fails without a configured cluster, with an unknown cluster, with a bad writeConsistency', () => {
  assert.throws(() => startTask(pipeline([])), /no InfluxDB cluster configured cannot use the InfluxDBOutNode/);
  assert.throws(() => startTask(pipeline([['cluster', 'other']]), { services: { influxdb: clusters([]) } }),
    /failed to get InfluxDB client: no such InfluxDB config other/);
  assert.throws(() => startTask(pipeline([['writeConsistency', 'most']]), { services: { influxdb: clusters([]) } }),
    /invalid writeConsistency "most"/);
});

test('buffers per db/rp, writes a full buffer at once, the rest on stop; .create() runs first', async () => {
  const writes: Write[] = [];
  const queries: string[] = [];
  const h = startTask(pipeline([['buffer', 2n], ['create'], ['database', 'out'], ['writeConsistency', 'all'], ['cluster', 'main']]),
    { services: { influxdb: clusters(writes, queries) } });
  h.write([`cpu,host=a v=1i ${T0}`, `cpu,host=b v=2i ${T0 + 1}`, `cpu,host=c v=3i ${T0 + 2}`], 's');
  const node = nodeOf<{ whenIdle(): Promise<void> }>(h, 'influxDBOut');
  await node.whenIdle();
  // Kapacitor: CREATE DATABASE <db> (WITH NAME <rp> only when an rp is set)
  assert.deepEqual(queries, ['CREATE DATABASE "out"']);
  assert.equal(writes.length, 1, 'the first two points filled the buffer');
  const s = BigInt(T0) * 1_000_000_000n;
  assert.equal(writes[0]!.body, `cpu,host=a v=1i ${s}\ncpu,host=b v=2i ${s + 1_000_000_000n}\n`);
  // db from .database(); rp: the point's own (the harness writes rp "rp")
  assert.equal(writes[0]!.target.db, 'out');
  assert.equal(writes[0]!.target.rp, 'rp');
  assert.equal(writes[0]!.target.consistency, 'all');
  h.stop();
  await node.whenIdle();
  assert.equal(writes.length, 2);
  assert.equal(writes[1]!.body, `cpu,host=c v=3i ${s + 2_000_000_000n}\n`);
});

test('batches: every batch point is written under the node\'s database; none set → db "" as in Kapacitor', async () => {
  const writes: Write[] = [];
  const h = startTask(pipeline([['flushInterval', dur(1_000_000n)]], 10_000_000_000n), { services: { influxdb: clusters(writes) } });
  h.write([`cpu v=1.5 ${T0}`, `cpu v=2 ${T0 + 1}`, `cpu v=3 ${T0 + 20}`], 's');
  const node = nodeOf<{ whenIdle(): Promise<void> }>(h, 'influxDBOut');
  h.stop();
  await node.whenIdle();
  const bodies = writes.map((w) => w.body).join('');
  assert.ok(bodies.includes('cpu v=1.5 '), bodies);
  assert.ok(bodies.includes('cpu v=2 '), bodies);
  assert.ok(writes.every((w) => w.target.db === '' && w.target.rp === ''), JSON.stringify(writes.map((w) => w.target)));
});
