/**
 * The example app's stats loop (SPEC §1.2): once per second, POST one line of line protocol
 *   requests,host=<host>,replicaset=<replicaset> value=<count>i
 * to the InfluxDB-compatible /write URL, with Content-Type text/plain and no timestamp (the server stamps
 * it with the receive second). Transport errors and any status other than 204 are logged, never fatal.
 *
 * Unlike Go's ticker, reports are due in the middle of each wall-clock second, at most one per second: the server
 * truncates receive times to whole seconds, so a report near a boundary could land two points in one second (a
 * zero-elapsed derivative error, SPEC Appendix A) or none. When a report is due is decided in report-schedule.ts
 * and run by report-loop.ts; this file builds the line and sends it.
 */
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { Clock } from './clock.ts';
import { ReportLoop } from './report-loop.ts';
import { reportTiming } from './report-schedule.ts';

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
  /** A timer waking this close to the end of its period sends nothing (default a quarter period). */
  marginMs?: number;
  /** Defaults to the real clock; tests pass a virtual one. */
  clock?: Clock;
  /** Give up on one POST after this many milliseconds (default 5000). */
  timeoutMs?: number;
}

export interface ReporterStats {
  /** POSTs made. */
  sent: number;
  /** POSTs answered 204. */
  ok: number;
  /** POSTs answered otherwise, or that failed in transport. */
  failed: number;
  /** Reports not sent because the previous POST was still running. */
  skippedBusy: number;
  /** Reports not sent because the timer woke too late in its second (report-schedule.ts). */
  skippedLate: number;
}

export interface Reporter {
  stop(): void;
  stats(): ReporterStats;
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
  // Validates the timing before anything is opened, so a bad option throws without side effects.
  const timing = reportTiming({ periodMs: opts.periodMs, phaseMs: opts.phaseMs, marginMs: opts.marginMs });
  const timeout = opts.timeoutMs ?? 5000;
  const isHttps = opts.url.protocol === 'https:';
  const agent = isHttps ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const send = isHttps ? httpsRequest : httpRequest;
  let stopped = false;
  let inFlight = false;
  const stats: ReporterStats = { sent: 0, ok: 0, failed: 0, skippedBusy: 0, skippedLate: 0 };

  function post(): void {
    // Like the Go app's sequential loop: a report that finds the previous POST still running is skipped.
    if (inFlight) {
      stats.skippedBusy += 1;
      return;
    }
    inFlight = true;
    stats.sent += 1;
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
        if (res.statusCode === 204) stats.ok += 1;
        else {
          stats.failed += 1;
          opts.log(`Unexpected response code ${res.statusCode}`);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout}ms`)));
    req.on('error', (err) => {
      inFlight = false;
      stats.failed += 1;
      if (!stopped) opts.log(`Error sending stats to ${opts.url.href}: ${err.message}`);
    });
    req.end(body);
  }

  const loop = new ReportLoop({
    timing,
    clock: opts.clock,
    report: post,
    skipped: (d, now, dueAt) => {
      if (d.outcome !== 'too-late') return;
      stats.skippedLate += 1;
      opts.log(`Report skipped: the timer woke ${now - dueAt}ms late, too close to the next second; reporting at its start`);
    },
  });
  loop.start();

  return {
    stop() {
      stopped = true;
      loop.stop();
      agent.destroy();
    },
    stats: () => ({ ...stats }),
  };
}
