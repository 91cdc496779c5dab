// influxDBOut `.flushInterval(d)` (SPEC 3.14, Kapacitor influxdb_out.go write buffer): what sits in a buffer that
// is not full is written every d of wall-clock time, on the injected clock (a manual clock, no sleeping).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import type { InfluxDBClientPort, InfluxDBClusters } from '../../influxdb/ports.ts';
import { nodeOf, T0 } from './capture.ts';

test('a partly filled buffer is written when the flush interval passes, and again each further interval', async (t) => {
  const bodies: string[] = [];
  const port: InfluxDBClientPort = {
    async write(_target, body) { bodies.push(body); },
    async query() { return { results: [{}] }; },
  };
  const influxdb: InfluxDBClusters = { client: () => port };
  const b = new PipelineBuilder();
  b.stream().chain('from').prop('measurement', 'cpu').chain('influxDBOut').prop('database', 'db').prop('flushInterval', dur(10_000_000_000n));
  const clock = new ManualClock(BigInt(T0) * 1_000_000_000n);
  const h = startTask(b.build(), { services: { influxdb, clock } });
  t.after(() => h.stop());
  const node = nodeOf<{ whenIdle(): Promise<void> }>(h, 'influxDBOut');
  h.write([`cpu v=1i ${T0}`, `cpu v=2i ${T0 + 1}`], 's');
  await clock.advance(9_999);
  await node.whenIdle();
  assert.deepEqual(bodies, [], 'the default buffer (1000) is not full: nothing before 10 s');
  await clock.advance(1);
  await node.whenIdle();
  assert.deepEqual(bodies, [`cpu v=1i ${T0}000000000\ncpu v=2i ${T0 + 1}000000000\n`]);
  h.write([`cpu v=3i ${T0 + 2}`], 's');
  await clock.advance(10_000);
  await node.whenIdle();
  assert.deepEqual(bodies.slice(1), [`cpu v=3i ${T0 + 2}000000000\n`]);
  assert.deepEqual(clock.periods, [10_000, 1000]); // the flush interval, then the task's 1 s throughput sampler
});
