/**
 * An AlertEvent as text for the durable delivery queue (alerting/delivery.ts): everything a handler reads, with
 * int64 and float64 fields kept apart (ints as decimal strings, floats as numbers or "NaN"/"±Infinity" strings),
 * times and durations as decimal ns, so a delivery retried after a restart sends exactly what it would have sent.
 */
import type { FieldValue, Fields } from '../model/point.ts';
import { AlertEvent, type EventData, type EventState } from './event.ts';
import type { Level } from './levels.ts';

type FieldJson = { i: string } | { f: number | string } | { s: string } | { b: boolean };

function fieldJson(v: FieldValue): FieldJson {
  switch (typeof v) {
    case 'bigint': return { i: v.toString() };
    case 'number': return { f: Number.isFinite(v) ? v : String(v) };
    case 'string': return { s: v };
    default: return { b: v as boolean };
  }
}

function fieldValue(j: FieldJson): FieldValue {
  if ('i' in j) return BigInt(j.i);
  if ('f' in j) return typeof j.f === 'number' ? j.f : Number(j.f);
  if ('s' in j) return j.s;
  return j.b;
}

export function encodeEvent(ev: AlertEvent): string {
  const s = ev.state;
  const d = ev.data;
  const fields: Record<string, FieldJson> = {};
  for (const [k, v] of Object.entries(d.fields)) fields[k] = fieldJson(v);
  return JSON.stringify({
    topic: ev.topic, previousLevel: ev.previousLevel, noExternal: ev.noExternal,
    state: { id: s.id, message: s.message, details: s.details, time: s.time.toString(), duration: s.duration.toString(), level: s.level },
    data: { name: d.name, taskName: d.taskName, category: d.category, group: d.group, tags: d.tags, fields, recoverable: d.recoverable, rowJson: d.rowJson },
  });
}

export function decodeEvent(text: string): AlertEvent {
  const j = JSON.parse(text) as {
    topic: string; previousLevel: Level; noExternal: boolean;
    state: { id: string; message: string; details: string; time: string; duration: string; level: Level };
    data: Omit<EventData, 'fields'> & { fields: Record<string, FieldJson> };
  };
  const state: EventState = { ...j.state, time: BigInt(j.state.time), duration: BigInt(j.state.duration) };
  const fields: Fields = {};
  for (const [k, v] of Object.entries(j.data.fields)) fields[k] = fieldValue(v);
  return new AlertEvent(j.topic, state, { ...j.data, fields }, j.previousLevel, j.noExternal);
}
