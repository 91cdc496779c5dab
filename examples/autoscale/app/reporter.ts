/**
 * The example app's stats loop (SPEC §1.2): once per second, POST one line of line protocol
 *   requests,host=<host>,replicaset=<replicaset> value=<count>i
 * to the InfluxDB-compatible /write URL, with Content-Type text/plain and no timestamp (the server stamps
 * it with the receive second). Transport errors and any status other than 204 are logged, never fatal.
 *
 * Unlike Go's ticker, ticks are aligned to the middle of each wall-clock second: the server truncates receive
 * times to whole seconds (SPEC §1.2, precision=s), so a tick near a second boundary could land two points in
 * one second (a zero-elapsed derivative error, SPEC Appendix A) or none. Mid-second ticks keep every replica's
 * point in the same second as the others' and one second apart from its own previous point.
 */
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';

export interface ReporterOptions {
  url: URL;
  host: string;
  replicaset: string;
  count: () => number;
  log: (msg: string) => void;
  /** Milliseconds between reports (default 1000). */
  periodMs?: number;
  /** Offset within each period at which reports are sent (default half a period). */
  phaseMs?: number;
  /** Give up on one POST after this many milliseconds (default 5000). */
  timeoutMs?: number;
}

export interface Reporter {
  stop(): void;
  /** POSTs made so far and how many of them were answered 204. */
  stats(): { sent: number; ok: number; failed: number };
}

/** Escapes a tag value for line protocol (commas, equals signs and spaces; SPEC Appendix C). */
export function escapeTag(v: string): string {
  return v.replace(/[,= ]/g, (c) => '\\' + c);
}

/** The one line the app posts (SPEC §1.2): measurement requests, tags host and replicaset, int field value. */
export function requestsLine(host: string, replicaset: string, count: number): string {
  return `requests,host=${escapeTag(host)},replicaset=${escapeTag(replicaset)} value=${count}i\n`;
}

export function startReporter(opts: ReporterOptions): Reporter {
  const period = opts.periodMs ?? 1000;
  const phase = opts.phaseMs ?? period / 2;
  const timeout = opts.timeoutMs ?? 5000;
  const isHttps = opts.url.protocol === 'https:';
  const agent = isHttps ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const send = isHttps ? httpsRequest : httpRequest;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let inFlight = false;
  let sent = 0;
  let ok = 0;
  let failed = 0;

  function post(): void {
    // Like the Go app's sequential loop: a tick that finds the previous POST still running is skipped.
    if (inFlight) return;
    inFlight = true;
    sent += 1;
    const body = requestsLine(opts.host, opts.replicaset, opts.count());
    const req = send(opts.url, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) },
      timeout,
    }, (res) => {
      res.resume();
      res.on('end', () => {
        inFlight = false;
        if (res.statusCode === 204) ok += 1;
        else {
          failed += 1;
          opts.log(`Unexpected response code ${res.statusCode}`);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout}ms`)));
    req.on('error', (err) => {
      inFlight = false;
      failed += 1;
      if (!stopped) opts.log(`Error sending stats to ${opts.url.href}: ${err.message}`);
    });
    req.end(body);
  }

  function schedule(): void {
    if (stopped) return;
    const now = Date.now();
    // Next instant ≡ phase (mod period) strictly after now; recomputed every time so it never drifts.
    let next = now - (now % period) + phase;
    if (next <= now) next += period;
    timer = setTimeout(() => { post(); schedule(); }, next - now);
  }
  schedule();

  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      agent.destroy();
    },
    stats: () => ({ sent, ok, failed }),
  };
}
