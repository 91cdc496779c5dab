/**
 * Receive time for lines without timestamp (SPEC 5.2, 9 item 15): the wall clock in ns, with sub-millisecond
 * resolution so two writes never share a stamp, and never going backwards.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { receiveTimeNs } from '../../model/receive-clock.ts';

it('is wall-clock time, strictly increasing, with sub-millisecond resolution', () => {
  const before = BigInt(Date.now()) * 1_000_000n;
  const stamps: bigint[] = [];
  for (let i = 0; i < 10_000; i++) stamps.push(receiveTimeNs());
  const after = BigInt(Date.now()) * 1_000_000n;
  for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! > stamps[i - 1]!, `stamp ${i} not increasing`);
  // within the anchor tolerance (10 ms) of the wall clock
  assert.ok(stamps[0]! >= before - 10_000_000n && stamps.at(-1)! <= after + 11_000_000n);
  // many distinct values inside single milliseconds: finer than Date.now()
  const perMs = new Set(stamps.map((s) => s / 1_000_000n)).size;
  assert.ok(perMs < stamps.length / 2, `only ${stamps.length / perMs} stamps per ms`);
});
