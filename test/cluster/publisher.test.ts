// The cluster's /write side batches (server/cluster/publisher.ts): a partition has one message awaiting its
// acknowledgement at a time, and the records of the writes that arrive meanwhile go together as its next message
// (group commit). Driven with a stand-in for JetStream's publish whose acknowledgements the test releases, so the
// batching is decided by the test and not by how fast a broker answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { ClusterPublisher } from '../../server/cluster/publisher.ts';
import { decodeRecords, type WireRecord } from '../../server/cluster/codec.ts';
import type { ClusterNats } from '../../server/cluster/nats.ts';
import { makePoint } from '../../model/build.ts';
import { NO_DIMENSIONS, type Point } from '../../model/point.ts';

interface Sent { subject: string; records: WireRecord[]; msgID: string | undefined; ack(): void }

function fakeNats(sent: Sent[]): ClusterNats {
  const js = {
    publish: (subject: string, data: Uint8Array, opts: { msgID?: string }) =>
      new Promise((resolve) => { sent.push({ subject, records: decodeRecords(data), msgID: opts.msgID, ack: () => resolve({}) }); }),
  };
  return { subject: (p: number) => `points.${p}`, js } as unknown as ClusterNats;
}

const point = (v: bigint): Point => makePoint('m', 'd', 'autogen', { host: 'a' }, { v }, v, NO_DIMENSIONS, '');
const lines = (s: Sent): string[] => s.records.map((r) => r.lines.toString().trim());

test('writes arriving while a message awaits its acknowledgement share the next message; the waiting writes resolve with it', async () => {
  const sent: Sent[] = [];
  const pub = new ClusterPublisher({ nats: fakeNats(sent), partitions: 1, partitionTag: '', dedup: true });
  const first = pub.writePoints('d', 'autogen', [point(1n)]);
  await turn(); // the publisher sends after the current turn of the event loop
  assert.equal(sent.length, 1);
  assert.deepEqual(lines(sent[0]!), ['m,host=a v=1i 1']);
  assert.equal(sent[0]!.msgID, sent[0]!.records[0]!.id, 'a message of one record carries its id as the JetStream msg id');

  let secondDone = false;
  const second = pub.writePoints('d', 'autogen', [point(2n)]).then(() => { secondDone = true; });
  await turn();
  const third = pub.writePoints('d', 'autogen', [point(3n)]);
  await turn();
  assert.equal(sent.length, 1, 'nothing more is sent while the first message is unacknowledged');

  sent[0]!.ack();
  await first;
  await turn();
  assert.equal(sent.length, 2);
  assert.deepEqual(lines(sent[1]!), ['m,host=a v=2i 2', 'm,host=a v=3i 3'], 'the two waiting writes, one record each, in order');
  assert.equal(sent[1]!.msgID, undefined, 'a shared message has no msg id: its consumer de-duplicates per record');
  assert.equal(secondDone, false, 'a write is answered only once its message is acknowledged');

  sent[1]!.ack();
  await Promise.all([second, third]);
  assert.deepEqual([pub.messages, pub.records, pub.published], [2, 3, 3]);
});
