/**
 * Recording and replay JSON as Kapacitor 1.8 answers it (client/v1 `Recording`, `Replay`; field order as Go
 * marshals the structs; list entries are Go maps, so their keys come out sorted).
 */
import { formatTime } from '../api/task-view.ts';
import { ApiError } from '../api/http.ts';
import type { RecordingRecord, ReplayRecord } from '../store/recordings-store.ts';

export const RECORDING_FIELDS = ['link', 'id', 'type', 'size', 'date', 'error', 'status', 'progress'] as const;
export const REPLAY_FIELDS = ['link', 'id', 'task', 'recording', 'recording-time', 'clock', 'date', 'error', 'status', 'progress'] as const;

export const recordingLink = (id: string): { rel: string; href: string } => ({ rel: 'self', href: `/kapacitor/v1/recordings/${id}` });
export const replayLink = (id: string): { rel: string; href: string } => ({ rel: 'self', href: `/kapacitor/v1/replays/${id}` });

function recordingField(r: RecordingRecord, f: string): unknown {
  switch (f) {
    case 'link': return recordingLink(r.id);
    case 'id': return r.id;
    case 'type': return r.type;
    case 'size': return r.size;
    case 'date': return formatTime(r.date);
    case 'error': return r.error;
    case 'status': return r.status;
    case 'progress': return r.progress;
    default: throw new ApiError(400, `unsupported field ${JSON.stringify(f)}`);
  }
}

function replayField(r: ReplayRecord, f: string): unknown {
  switch (f) {
    case 'link': return replayLink(r.id);
    case 'id': return r.id;
    case 'recording': return r.recording;
    case 'task': return r.task;
    case 'recording-time': return r.recordingTime;
    case 'clock': return r.clock;
    case 'date': return formatTime(r.date);
    case 'error': return r.error;
    case 'status': return r.status;
    case 'progress': return r.progress;
    default: throw new ApiError(400, `unsupported field ${JSON.stringify(f)}`);
  }
}

export function recordingView(r: RecordingRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of RECORDING_FIELDS) out[f] = recordingField(r, f);
  return out;
}

/** A replay; `stats` (task-stats and node-stats) only once it finished, as Kapacitor's convertReplay does. */
export function replayView(r: ReplayRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of REPLAY_FIELDS) out[f] = replayField(r, f);
  out['stats'] = r.status === 'finished' ? r.stats : {};
  return out;
}

/** A list entry with the requested fields (all when none), keys sorted like a Go map. */
export function listEntry<T>(r: T, requested: readonly string[], all: readonly string[], field: (r: T, f: string) => unknown): Record<string, unknown> {
  const fields = requested.length === 0 ? all : [...requested, 'id', 'link'];
  const out: Record<string, unknown> = {};
  for (const f of [...new Set(fields)].sort()) out[f] = field(r, f);
  return out;
}

export const recordingListEntry = (r: RecordingRecord, requested: readonly string[]): Record<string, unknown> =>
  listEntry(r, requested, RECORDING_FIELDS, recordingField);
export const replayListEntry = (r: ReplayRecord, requested: readonly string[]): Record<string, unknown> =>
  listEntry(r, requested, REPLAY_FIELDS, replayField);
