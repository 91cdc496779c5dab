/**
 * Time limits for the property tests in test/fuzz/.
 *
 * `timed(what, input, fn)` fails the property when one input takes 1 s or more (a slow path is a bug: the parsers
 * are linear). A real hang (an endless loop) never returns to be measured and would block the test file, so a
 * watchdog thread watches a heartbeat the main thread updates around every call: when one call has run for
 * HANG_MS it prints the input on stderr and kills the test process, which the runner reports as a failed file.
 */
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';

export const LIMIT_MS = 1000;
/** a call this long is taken for a hang (generous: the 1 s assertion catches slow inputs on a loaded machine) */
const HANG_MS = Number(process.env['FUZZ_HANG_MS'] ?? 15_000);
const TEXT_BYTES = 4096;

// [0] calls entered, [1] 1 while a call runs, [2] byte length of the input text
const state = new Int32Array(new SharedArrayBuffer(3 * 4));
const text = new Uint8Array(new SharedArrayBuffer(TEXT_BYTES));

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Int32Array(workerData.state);
const text = new Uint8Array(workerData.text);
let seen = -1;
let since = Date.now();
setInterval(() => {
  const calls = Atomics.load(state, 0);
  if (calls !== seen || Atomics.load(state, 1) === 0) { seen = calls; since = Date.now(); return; }
  if (Date.now() - since < workerData.hangMs) return;
  const input = Buffer.from(text.subarray(0, Atomics.load(state, 2))).toString();
  writeSync(2, '\\nfuzz watchdog: one call has run for ' + workerData.hangMs + ' ms, taken for a hang; killing the test process. Input: ' + input + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 100);
`;
const dog = new Worker(WATCHDOG, { eval: true, execArgv: [], workerData: { state: state.buffer, text: text.buffer, hangMs: HANG_MS } });
dog.unref();

function describe(input: unknown): string {
  const s = Buffer.isBuffer(input) ? JSON.stringify(input.toString('latin1')) : JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return s ?? String(input);
}

/** fn(), failing the property when it takes LIMIT_MS or more; `input` names the case in messages (and for the watchdog). */
export function timed<T>(what: string, input: unknown, fn: () => T): T {
  const bytes = Buffer.from(`${what} on ${describe(input)}`);
  const n = Math.min(bytes.length, TEXT_BYTES);
  text.set(bytes.subarray(0, n));
  Atomics.store(state, 2, n);
  Atomics.add(state, 0, 1);
  Atomics.store(state, 1, 1);
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    Atomics.store(state, 1, 0);
    const ms = performance.now() - t0;
    assert.ok(ms < LIMIT_MS, `${what} took ${ms.toFixed(0)} ms on ${describe(input)} (limit ${LIMIT_MS} ms per input)`);
  }
}
