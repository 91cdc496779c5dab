// Issue 18 building blocks without a broker: the partition hash, rendezvous assignment, the wire codec and the
// [cluster] configuration checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignedMember, partitionOf } from '../../server/cluster/partition.ts';
import { LineEncoder, RecordDedup, decodePoints, decodeRecords, encodePoint, recordHeader } from '../../server/cluster/codec.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import { loadConfig } from '../../config/index.ts';
import { clusterConfigError } from '../../config/cluster.ts';

test('partitionOf: deterministic, in range, spread over the partitions; a missing tag hashes as the empty value', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const p = partitionOf(64, 'autoscale', 'autogen', 'requests', `rs-${i}`);
    assert.ok(p >= 0 && p < 64);
    assert.equal(p, partitionOf(64, 'autoscale', 'autogen', 'requests', `rs-${i}`));
    seen.add(p);
  }
  assert.equal(seen.size, 64);
  assert.equal(partitionOf(64, 'db', 'rp', 'm', undefined), partitionOf(64, 'db', 'rp', 'm', ''));
  // every input takes part: db, rp and measurement move a series
  const base = partitionOf(4096, 'db', 'rp', 'm', 'x');
  assert.ok([partitionOf(4096, 'db2', 'rp', 'm', 'x'), partitionOf(4096, 'db', 'rp2', 'm', 'x'), partitionOf(4096, 'db', 'rp', 'm2', 'x')].some((p) => p !== base));
  // no ambiguity between fields: ("ab", "") and ("a", "b") differ
  assert.notEqual(partitionOf(4096, 'ab', '', 'm', 'x'), partitionOf(4096, 'a', 'b', 'm', 'x'));
});

test('assignedMember: balanced, and when a member leaves only its partitions move', () => {
  const members = ['a', 'b', 'c'];
  const before = Array.from({ length: 64 }, (_, p) => assignedMember(p, members)!);
  for (const m of members) {
    const n = before.filter((x) => x === m).length;
    assert.ok(n >= 10 && n <= 32, `${m} owns ${n} of 64`);
  }
  const after = Array.from({ length: 64 }, (_, p) => assignedMember(p, ['a', 'c'])!);
  for (let p = 0; p < 64; p++) {
    if (before[p] !== 'b') assert.equal(after[p], before[p], `partition ${p} moved although its owner stayed`);
    else assert.ok(after[p] === 'a' || after[p] === 'c');
  }
  assert.equal(assignedMember(0, []), undefined);
});

test('codec: points survive encode → decode exactly (types, escapes, nanoseconds)', () => {
  const parser = new LineProtocolParser();
  const input = [
    'cpu\\ load,host=a\\ b,region=eu\\,west,z\\=k=v usage=0.1,count=9007199254740993i,ok=true,msg="say \\"hi\\" \\\\ there",n=-0 1700000000000000001',
    'm big=1e21,small=1.5e-7,neg=-12.25,zero=0,s="" -5',
    'm,t=x f=false 9223372036854775806',
    'm f="line\nbreak" 0',
  ].join('\n');
  const { points, errors } = parser.parse(Buffer.from(input), { db: 'db', rp: 'rp', precision: 'n', now: 0n });
  assert.deepEqual(errors, []);
  const wire = points.map(encodePoint).join('');
  const back = decodePoints(new LineProtocolParser(), Buffer.from(wire), 'db', 'rp');
  assert.equal(back.length, points.length);
  back.forEach((p, i) => {
    const o = points[i]!;
    assert.equal(p.name, o.name);
    assert.deepEqual({ ...p.tags }, { ...o.tags });
    assert.deepEqual({ ...p.fields }, { ...o.fields });
    assert.equal(p.time, o.time);
    assert.equal(p.db, 'db');
  });
  assert.equal(typeof back[0]!.fields['count'], 'bigint');
  assert.ok(Object.is(back[0]!.fields['n'], -0));
});

test('codec: LineEncoder writes the bytes encodePoint gives; records frame and split back', () => {
  const parser = new LineProtocolParser();
  const input = [
    'cpu\\ load,host=a\\ b,region=eu\\,west usage=0.1,count=9007199254740993i,small=-9007199254740991i,ok=true,msg="ü \\"q\\"",n=-0 1700000000000000001',
    'm big=1e21,int=12345678901234,neg=-12,negf=-12.25,zero=0,zi=0i,mi=-9223372036854775808i,s="" -5',
    'm,t=x f=false,g=10i,h=100i,k=99i 9223372036854775806',
    'm,t=x f=true 9223372036854775806',
  ].join('\n');
  const { points, errors } = parser.parse(Buffer.from(input), { db: 'db', rp: 'rp', precision: 'n', now: 0n });
  assert.deepEqual(errors, []);
  const enc = new LineEncoder(8); // grows
  for (const p of points) enc.write(p);
  assert.equal(enc.view().toString(), points.map(encodePoint).join(''));

  const lines = Buffer.from(enc.view());
  const body = Buffer.concat([recordHeader('id1', 'db', 'rp', lines.length), lines, recordHeader('', 'dé', '', 2), Buffer.from('x\n')]);
  const records = decodeRecords(body);
  assert.deepEqual(records.map((r) => [r.id, r.db, r.rp, r.lines.toString()]), [['id1', 'db', 'rp', lines.toString()], ['', 'dé', '', 'x\n']]);
  assert.throws(() => decodeRecords(body.subarray(0, body.length - 1)), /truncated/);
});

test('RecordDedup: a record id seen within the window (stream time) is a duplicate; after it, or without an id, not', () => {
  const d = new RecordDedup(100n);
  assert.equal(d.duplicate('a', 1000n), false);
  assert.equal(d.duplicate('a', 1050n), true);
  assert.equal(d.duplicate('a', 1099n), true);
  assert.equal(d.duplicate('b', 1099n), false);
  assert.equal(d.duplicate('a', 1100n), false); // the window counts from the first one
  assert.equal(d.duplicate('a', 1150n), true);
  assert.equal(d.duplicate('', 1150n), false);
  assert.equal(d.duplicate('', 1150n), false);
  assert.equal(new RecordDedup(0n).duplicate('a', 1n), false);
  const e = new RecordDedup(10n);
  for (let t = 0; t < 5000; t++) assert.equal(e.duplicate(`k${t}`, BigInt(t)), false);
  assert.ok(e.size <= 11, `expired ids are forgotten (${e.size} kept)`);
});

test('[cluster] checks name the key', () => {
  const load = (env: Record<string, string>) => () => loadConfig({ env: { KAPACITOR_CLUSTER_ENABLED: 'true', ...env }, argv: [] });
  assert.throws(load({ KAPACITOR_CLUSTER_PARTITIONS: '0' }), /key "cluster\.partitions": must be between 1 and 4096, got 0/);
  assert.throws(load({ KAPACITOR_CLUSTER_LEASE_TTL: '500ms' }), /key "cluster\.lease-ttl": must be at least 1s/);
  assert.throws(load({ KAPACITOR_CLUSTER_STREAM: 'a.b' }), /key "cluster\.stream"/);
  assert.throws(load({ KAPACITOR_CLUSTER_NATS_URLS: 'http://x' }), /key "cluster\.nats-urls": invalid NATS URL "http:\/\/x"/);
  // partition-tag: '' (the default) derives it from the tasks; a name with a space, comma or '=' is no tag name
  const base = loadConfig({ env: { KAPACITOR_CLUSTER_ENABLED: 'true' }, argv: [] }).cluster;
  assert.equal(base.partitionTag, '');
  assert.equal(clusterConfigError(base), undefined);
  assert.throws(load({ KAPACITOR_CLUSTER_PARTITION_TAG: 'a b' }), /key "cluster\.partition-tag": must be a tag name/);
  assert.equal(base.checkpointInterval, 10_000_000_000n);
  assert.throws(load({ KAPACITOR_CLUSTER_CHECKPOINT_INTERVAL: '10ms' }), /key "cluster\.checkpoint-interval": must be 0 or at least 100ms, got 10ms/);
  assert.equal(clusterConfigError({ ...base, checkpointInterval: -1n })?.key, 'checkpoint-interval');
  assert.equal(clusterConfigError({ ...base, checkpointInterval: 0n }), undefined);
  assert.throws(load({ KAPACITOR_CLUSTER_MAX_AGE: '1m' }), /key "cluster\.duplicate-window": must not be longer than max-age/);
  const ok = loadConfig({ env: { KAPACITOR_CLUSTER_ENABLED: 'true', KAPACITOR_CLUSTER_NATS_URLS: 'nats://n1:4222,nats://n2:4222' }, argv: [] });
  assert.deepEqual(ok.cluster.natsUrls, ['nats://n1:4222', 'nats://n2:4222']);
  assert.equal(ok.cluster.partitions, 64);
  assert.equal(ok.cluster.leaseTtl, 10_000_000_000n);
  // disabled: nothing is checked
  assert.equal(loadConfig({ env: { KAPACITOR_CLUSTER_PARTITIONS: '0' }, argv: [] }).cluster.enabled, false);
});
