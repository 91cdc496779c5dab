/**
 * Drives the ramp over HTTP: the pacing (even spacing, cap, skips) is `Pacer`'s; this file sends each request
 * over keep-alive connections, bounds it by a timeout and counts the outcomes.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Pacer } from './pacer.ts';

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

  const noteError = (key: string): void => {
    totals.failed += 1;
    totals.errors.set(key, (totals.errors.get(key) ?? 0) + 1);
  };
  const fire = (): void => {
    totals.sent += 1;
    let responded = false;
    const req = send(opts.url, { method: 'GET', agent, timeout }, (res) => {
      responded = true;
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) totals.ok += 1;
        else noteError(`status ${res.statusCode}`);
        pacer.settled();
      });
      res.on('error', (err) => { noteError(err.message); pacer.settled(); });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout}ms`)));
    req.on('error', (err) => {
      // An error after the response started is reported by the response handlers.
      if (!responded) { noteError(err.message); pacer.settled(); }
    });
    req.end();
  };
  const pacer = new Pacer({
    levels: opts.levels, intervalMs: opts.intervalMs, cap, drainWaitMs: timeout, fire, onLevel: opts.onLevel, signal: opts.signal,
  });
  try {
    await pacer.run();
  } finally {
    agent.destroy();
  }
  totals.skipped = pacer.skipped;
  return totals;
}
