// Issue 18: the pieces of partition checkpoints and of the derived partition tag that need no broker — the
// checkpoint's byte format (exact round trip, versioned, unreadable input named), task fingerprints, the
// de-duplication window carried in a checkpoint, and which tag the enabled tasks' groupings give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decodeCheckpoint, encodeCheckpoint, taskFingerprint } from '../../server/cluster/checkpoint.ts';
import { derivePartitionTag } from '../../server/cluster/partition-tag.ts';
import { RecordDedup } from '../../server/cluster/codec.ts';
import { evaluateScript } from '../../tickscript/index.ts';

const script = (body: string, head = 'stream'): string => `${head}\n    |from()\n        .measurement('m')\n${body}`;

test('checkpoint bytes round-trip exactly; another version or garbage is refused with a reason', () => {
  const cp = { seq: 42, dedup: [['id1', 5n], ['id2', 1_700_000_000_000_000_001n]] as [string, bigint][], tasks: [
    { id: 't', fingerprint: 'f', state: [1n, 1, -0, 'x', { $weird: NaN }, undefined, null] },
  ] };
  assert.deepStrictEqual(decodeCheckpoint(encodeCheckpoint(cp)), cp);
  assert.match(String(decodeCheckpoint(gzipSync('[2,1,[],[]]'))), /checkpoint version 2, this instance reads 1/);
  assert.match(String(decodeCheckpoint(Buffer.from('not gzip'))), /^unreadable checkpoint: /);
});

test('a task fingerprint changes with the script and the dbrps, not with the parse', () => {
  const a = taskFingerprint(evaluateScript(script("    |movingAverage('v', 3)\n")), [{ db: 'd', rp: 'r' }]);
  assert.equal(taskFingerprint(evaluateScript(script("    |movingAverage('v', 3)\n")), [{ db: 'd', rp: 'r' }]), a);
  assert.notEqual(taskFingerprint(evaluateScript(script("    |movingAverage('v', 4)\n")), [{ db: 'd', rp: 'r' }]), a);
  assert.notEqual(taskFingerprint(evaluateScript(script("    |movingAverage('v', 3)\n")), [{ db: 'd', rp: 'x' }]), a);
});

test('the de-duplication window survives entries() → load(): a retried id is still a duplicate, expired ones are gone', () => {
  const d = new RecordDedup(100n);
  assert.equal(d.duplicate('a', 10n), false);
  assert.equal(d.duplicate('b', 50n), false);
  assert.equal(d.duplicate('c', 120n), false); // 'a' expired
  const e = new RecordDedup(100n);
  e.load(d.entries());
  assert.deepEqual(d.entries(), [['b', 50n], ['c', 120n]]);
  assert.equal(e.duplicate('b', 130n), true);
  assert.equal(e.duplicate('a', 130n), false);
  assert.equal(e.duplicate('c', 230n), false, 'expired after the window, as in the original');
});

test('partition tag: the tag common to every grouping of every stream task', () => {
  const tutorial = evaluateScript(script(`        .groupBy('host', 'replicaset')
    |derivative('v')
    |groupBy('replicaset')
    |sum('v')
`));
  assert.equal(derivePartitionTag([tutorial]), 'replicaset');
  const byNsAndRs = evaluateScript(script("        .groupBy('replicaset', 'namespace')\n    |movingAverage('v', 3)\n"));
  assert.equal(derivePartitionTag([byNsAndRs]), 'namespace', 'several candidates: the first in sorted order');
  assert.equal(derivePartitionTag([tutorial, byNsAndRs]), 'replicaset');
  const ungrouped = evaluateScript(script("    |sum('v')\n"));
  assert.equal(derivePartitionTag([tutorial, ungrouped]), 'replicaset', 'an ungrouped task constrains nothing');
  const star = evaluateScript(script("        .groupBy(*)\n    |sum('v')\n"));
  assert.equal(derivePartitionTag([star, tutorial]), 'replicaset');
  const other = evaluateScript(script("        .groupBy('host')\n    |sum('v')\n"));
  assert.equal(derivePartitionTag([tutorial, other]), '', 'nothing in common: no tag');
  assert.equal(derivePartitionTag([]), '');
});
