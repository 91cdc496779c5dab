// The lease manager's heartbeat (server/cluster/leases.ts) against a stand-in for the NATS KV bucket: a member
// listing that never answers is given up after two lease TTLs, so the heartbeat goes on instead of hanging while
// this instance's membership expires (a CI run saw one instance keep a stale member list for 30 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KV } from '@nats-io/kv';
import { LeaseManager } from '../../server/cluster/leases.ts';
import { silentLogger } from '../../server/logger.ts';

function fakeKv(): { kv: KV; hangListing: boolean; created: string[] } {
  const state = { hangListing: true, created: [] as string[], kv: undefined as unknown as KV };
  const keys = new Set<string>();
  state.kv = {
    put: async (k: string) => { keys.add(k); return 1; },
    keys: async (filter: string) => {
      if (state.hangListing) await new Promise(() => {}); // never answers
      const prefix = filter.replace('*', '');
      return (async function* () { for (const k of keys) if (k.startsWith(prefix)) yield k; })();
    },
    create: async (k: string) => { if (keys.has(k)) throw new Error('wrong last sequence'); keys.add(k); state.created.push(k); return 1; },
    update: async () => 2,
    delete: async (k: string) => { keys.delete(k); },
  } as unknown as KV;
  return state;
}

test('a member listing that never answers is given up after two TTLs; the next heartbeat lists and acquires', { timeout: 10_000 }, async () => {
  const kv = fakeKv();
  const m = new LeaseManager({
    kv: kv.kv, instance: 'a', partitions: 2, ttlMs: 100, logger: silentLogger(),
    host: { acquired: async () => {}, lost: () => {} },
  });
  const began = performance.now();
  await m.tick();
  assert.ok(performance.now() - began >= 190, 'waited for the deadline');
  assert.equal(m.lastTickError, 'listing the cluster members got no answer within 200 ms');
  assert.deepEqual(m.owned(), []);

  kv.hangListing = false;
  await m.tick();
  assert.equal(m.lastTickError, undefined);
  assert.deepEqual(m.liveMembers(), ['a']);
  assert.deepEqual(m.owned(), [0, 1], 'the only member owns every partition');
  assert.deepEqual(kv.created.sort(), ['owners.0', 'owners.1']);
  await m.stop();
});
