/**
 * JSON as Go's encoding/json writes the request bodies of Kapacitor's handlers: maps with sorted keys (callers
 * build them sorted), structs in field order, HTML-safe escapes, and raw JSON fragments (the alert's models.Result)
 * spliced in unchanged.
 */
import { randomUUID } from 'node:crypto';
import { LEVEL_NAMES } from './levels.ts';
import type { AlertEvent } from './event.ts';
import { GoDuration, GoStruct, GoTime, type TemplateValue } from './template.ts';

const RAW_MARK = `\u0000raw-${randomUUID()}`;
const RAW_QUOTED = JSON.stringify(RAW_MARK);

/** A JSON fragment to splice in as it is. */
export class RawJson {
  constructor(readonly json: string) {}
}

/** Encodes `v` (plain objects keep their key order; RawJson is spliced in). */
export function goJson(v: unknown): string {
  const raws: string[] = [];
  const s = JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof RawJson) { raws.push(x.json); return RAW_MARK; }
    if (typeof x === 'bigint') return Number(x);
    return x;
  });
  let i = 0;
  return s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    .split(RAW_QUOTED).reduce((acc, part, idx) => (idx === 0 ? part : acc + raws[i++]! + part), '');
}

/** models.Result of the event: `{"series":[row]}`. */
export function resultJson(ev: AlertEvent): RawJson {
  return new RawJson('{"series":[' + ev.data.rowJson + ']}');
}

/** Template data of an event (alert.TemplateData) for handler templates (discord embed-title, pagerduty2 links). */
export function templateData(ev: AlertEvent): GoStruct {
  const s = ev.state;
  const d = ev.data;
  const f: Record<string, TemplateValue> = {
    ID: s.id, Message: s.message, Level: LEVEL_NAMES[s.level], Time: new GoTime(s.time), Duration: new GoDuration(s.duration),
    Details: s.details, Name: d.name, TaskName: d.taskName, Group: d.group, Tags: d.tags, Fields: d.fields,
  };
  return new GoStruct(f);
}

export const TEMPLATE_FIELDS: ReadonlySet<string> = new Set(['ID', 'Message', 'Level', 'Time', 'Duration', 'Details', 'Name', 'TaskName', 'Group', 'Tags', 'Fields']);

/** Go's time.Format with a fixed layout: RFC3339 (`2006-01-02T15:04:05Z07:00`) in UTC, optionally with 9 fraction digits. */
export function utcTime(ns: bigint, nanos: boolean): string {
  const sec = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  const frac = ns - sec * 1_000_000_000n;
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return base + (nanos ? '.' + String(frac).padStart(9, '0') : '') + 'Z';
}

/** time.Unix() */
export function unixSeconds(ns: bigint): bigint {
  return ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
}
