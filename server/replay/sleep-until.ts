/**
 * Real-clock pacing for replays: wait until `performance.now()` reaches `dueMs`. A Node timer measures its delay from
 * the event loop's cached time, which lags when the loop was busy, so a single sleep can end a few milliseconds
 * early; this sleeps again until the moment has really come, so a replayed gap is never shorter than the recorded
 * one. An abort ends the wait with the signal's reason (not a bare AbortError).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export async function sleepUntil(dueMs: number, signal: AbortSignal): Promise<void> {
  for (let waitMs = dueMs - performance.now(); waitMs > 0; waitMs = dueMs - performance.now()) {
    try {
      await sleep(waitMs, undefined, { signal });
    } catch (e) {
      signal.throwIfAborted();
      throw e;
    }
  }
}
