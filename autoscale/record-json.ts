/**
 * A decision record as the API returns it (GET /kapacitor/v1/tasks/<id>/autoscale/decisions): data time in
 * Go's RFC3339Nano, wall-clock actuation time in RFC3339 with milliseconds, counts as JSON numbers, keys
 * hyphenated like Kapacitor's task JSON (`last-enabled`).
 */
import type { DecisionRecord } from './types.ts';

export interface DecisionJSON {
  seq: number;
  time: string;
  resource: string;
  current: number;
  recommended: number | null;
  clamped: number | null;
  final: number;
  reason: string;
  'adjusted-by'?: string;
  error?: string;
  actuation?: { status: string; attempts: number; at?: string; error?: string; cluster?: number };
}

export function recordJSON(r: DecisionRecord, formatTime: (ns: bigint) => string): DecisionJSON {
  const out: DecisionJSON = {
    seq: r.seq, time: formatTime(r.time), resource: r.resource, current: r.current,
    recommended: r.recommended === undefined ? null : Number(r.recommended),
    clamped: r.clamped ?? null, final: r.final, reason: r.reason,
  };
  if (r.adjustedBy) out['adjusted-by'] = r.adjustedBy;
  if (r.error) out.error = r.error;
  if (r.actuation) {
    const a = r.actuation;
    out.actuation = { status: a.status, attempts: a.attempts };
    if (a.at !== undefined) out.actuation.at = new Date(a.at).toISOString();
    if (a.error !== undefined) out.actuation.error = a.error;
    if (a.cluster !== undefined) out.actuation.cluster = a.cluster;
  }
  return out;
}
