/**
 * Drives the ramp: for each level, sends level × interval requests evenly spaced over the interval (like
 * `hey -q … -n …` in ramp.sh), over keep-alive connections. In-flight requests are capped; requests that fall
 * due while the cap is reached wait, and any still unsent when the level's interval ends are dropped and
 * counted as `skipped`, so a slow target never stretches the run or grows a queue without bound.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface RampOptions {
  url: URL;
  levels: number[];
  intervalMs: number;
  /** Maximum requests in flight (default 256). */
  connections?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Called when a level starts (ramp.sh prints `<date> QPS <qps>` here). */
  onLevel?: (qps: number, index: number, startedAt: number) => void;
  signal?: AbortSignal;
}

export interface RampTotals {
  sent: number;
  ok: number;
  failed: number;
  skipped: number;
  /** Distinct error messages and status codes seen, with counts. */
  errors: Map<string, number>;
}

export async function runRamp(opts: RampOptions): Promise<RampTotals> {
  const cap = opts.connections ?? 256;
  const timeout = opts.timeoutMs ?? 10000;
  const isHttps = opts.url.protocol === 'https:';
  const agent = isHttps ? new HttpsAgent({ keepAlive: true, maxSockets: cap }) : new HttpAgent({ keepAlive: true, maxSockets: cap });
  const send = isHttps ? httpsRequest : httpRequest;
  const totals: RampTotals = { sent: 0, ok: 0, failed: 0, skipped: 0, errors: new Map() };
  let inFlight = 0;
  let wake: (() => void) | undefined;

  const noteError = (key: string): void => {
    totals.failed += 1;
    totals.errors.set(key, (totals.errors.get(key) ?? 0) + 1);
  };
  const settled = (): void => {
    inFlight -= 1;
    if (wake) { const w = wake; wake = undefined; w(); }
  };
  const fire = (): void => {
    inFlight += 1;
    totals.sent += 1;
    let responded = false;
    const req = send(opts.url, { method: 'GET', agent, timeout }, (res) => {
      responded = true;
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) totals.ok += 1;
        else noteError(`status ${res.statusCode}`);
        settled();
      });
      res.on('error', (err) => { noteError(err.message); settled(); });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout}ms`)));
    req.on('error', (err) => {
      // An error after the response started is reported by the response handlers.
      if (!responded) { noteError(err.message); settled(); }
    });
    req.end();
  };
  // Sleeps until `ms` passes, a request settles (freeing capacity) or the run is aborted.
  const pause = (ms: number): Promise<void> => new Promise((resolve) => {
    const t = setTimeout(done, Math.max(0, ms));
    function done(): void { clearTimeout(t); wake = undefined; opts.signal?.removeEventListener('abort', done); resolve(); }
    wake = done;
    opts.signal?.addEventListener('abort', done, { once: true });
  });

  try {
    for (let i = 0; i < opts.levels.length && !opts.signal?.aborted; i++) {
      const qps = opts.levels[i]!;
      const start = Date.now();
      const end = start + opts.intervalMs;
      const total = Math.round((qps * opts.intervalMs) / 1000);
      opts.onLevel?.(qps, i, start);
      let issued = 0;
      while (!opts.signal?.aborted) {
        const now = Date.now();
        // Requests due so far at an even spacing of 1/qps (a late wake-up still sends what fell due in time).
        const due = Math.min(total, Math.floor(((Math.min(now, end) - start) * qps) / 1000) + 1);
        while (issued < due && inFlight < cap) { fire(); issued += 1; }
        if (now >= end) break;
        if (issued >= total) { await pause(end - now); continue; }
        const nextDue = start + (issued * 1000) / qps;
        await pause(inFlight >= cap ? end - now : Math.min(nextDue - now, end - now));
      }
      // Requests the cap kept back; an abort is not a skip.
      if (!opts.signal?.aborted) totals.skipped += total - issued;
    }
    // Let the last requests finish (bounded by the per-request timeout).
    while (inFlight > 0) await pause(timeout);
  } finally {
    agent.destroy();
  }
  return totals;
}
