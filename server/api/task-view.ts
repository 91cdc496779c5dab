/**
 * The task JSON of SPEC 5.3 (client/v1 `Task`), field order as Go marshals the struct. List results are Go maps
 * and therefore come out with their keys sorted.
 */
import { formatRFC3339Nano, GO_ZERO_TIME } from '../../model/time.ts';
import type { TaskRecord } from '../store/types.ts';
import { ApiError } from './http.ts';
import type { DotView, RunningTaskPort } from './ports.ts';
import type { TaskService } from './task-service.ts';

export type ScriptFormat = 'formatted' | 'raw';

/** Fields a list request may ask for (`id` and `link` are always returned). */
export const TASK_VIEW_FIELDS = ['link', 'id', 'template-id', 'type', 'dbrps', 'script', 'vars', 'dot', 'status',
  'executing', 'error', 'stats', 'created', 'modified', 'last-enabled'] as const;
/** What a list returns without `fields` (Kapacitor leaves `template-id` out of list results). */
export const LIST_DEFAULT_FIELDS = TASK_VIEW_FIELDS.filter((f) => f !== 'template-id');

export function taskLink(id: string): { rel: string; href: string } {
  return { rel: 'self', href: `/kapacitor/v1/tasks/${id}` };
}

/**
 * A stored time as Kapacitor's server marshals it: RFC3339Nano in the server's local zone (`Z` when that is UTC,
 * else `+01:00`-style), which `kapacitor show` then prints in that zone (SPEC 6.5). Never enabled → Go's zero
 * time, always `0001-01-01T00:00:00Z`.
 */
export function formatTime(ns: bigint | undefined): string {
  if (ns === undefined) return formatRFC3339Nano(GO_ZERO_TIME);
  const offsetMin = -new Date(Number(ns / 1_000_000n)).getTimezoneOffset();
  if (offsetMin === 0) return formatRFC3339Nano(ns);
  const local = formatRFC3339Nano(ns + BigInt(offsetMin) * 60_000_000_000n);
  const abs = Math.abs(offsetMin);
  const zone = (offsetMin < 0 ? '-' : '+') + String(Math.floor(abs / 60)).padStart(2, '0') + ':' + String(abs % 60).padStart(2, '0');
  return local.slice(0, -1) + zone;
}

export function parseDotView(v: string | undefined): DotView {
  if (v === undefined || v === '' || v === 'attributes') return 'attributes';
  if (v === 'labels') return 'labels';
  throw new ApiError(400, `invalid dot-view parameter ${JSON.stringify(v)}`);
}

export function parseScriptFormat(v: string | undefined): ScriptFormat {
  if (v === undefined || v === '' || v === 'formatted') return 'formatted';
  if (v === 'raw') return 'raw';
  throw new ApiError(400, `invalid script-format parameter ${JSON.stringify(v)}`);
}

/** Builds the task JSON with `fields` (in this order), evaluating DOT/stats only when asked for. */
export function taskView(svc: TaskService, stored: TaskRecord, fields: readonly string[], dotView: DotView,
  scriptFormat: ScriptFormat, replayInstance?: RunningTaskPort): Record<string, unknown> {
  // `?replay-id=`: the replay's own instance of the task, not the live one (Kapacitor's convertTask with the
  // replay's task master)
  const { running, record } = replayInstance ? { running: replayInstance, record: stored } : svc.running(stored);
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    switch (f) {
      case 'link': out[f] = taskLink(record.id); break;
      case 'id': out[f] = record.id; break;
      case 'template-id': out[f] = record.templateId; break;
      case 'type': out[f] = record.type; break;
      case 'dbrps': out[f] = record.dbrps.map((d) => ({ db: d.db, rp: d.rp })); break;
      case 'script': out[f] = scriptFormat === 'raw' ? record.script : formatOrRaw(svc, record.script); break;
      case 'vars': out[f] = record.vars; break;
      case 'dot': out[f] = running ? running.dot(dotView) : staticDot(svc, record); break;
      case 'status': out[f] = record.status; break;
      case 'executing': out[f] = running !== undefined; break;
      case 'error': out[f] = record.error; break;
      case 'stats': out[f] = running ? running.stats() : {}; break;
      case 'created': out[f] = formatTime(record.created); break;
      case 'modified': out[f] = formatTime(record.modified); break;
      case 'last-enabled': out[f] = formatTime(record.lastEnabled); break;
      default: throw new ApiError(400, `unsupported field ${JSON.stringify(f)}`);
    }
  }
  return out;
}

function formatOrRaw(svc: TaskService, script: string): string {
  try {
    return svc.script.format(script);
  } catch {
    return script; // a stored script always parsed once; keep it visible even if the formatter changed
  }
}

function staticDot(svc: TaskService, record: TaskRecord): string {
  try {
    return svc.script.staticDot(record.id, svc.script.evaluate(record.script, record.vars));
  } catch {
    return ''; // e.g. its template changed underneath; `error`/PATCH report the reason
  }
}
