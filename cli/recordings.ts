/**
 * `kapacitor record`, `replay`, `list recordings|replays`, `delete recordings|replays` (Kapacitor 1.8's
 * cmd/kapacitor/main.go doRecord, doReplay, doList, doDelete: same requests, polling, output layout), and ours:
 * `record stream -file data.lp` (import) and `export-recording <id>`.
 */
import { readFileSync } from 'node:fs';
import { CliError, type Client, type Query } from './client.ts';
import { parseFlags, UsageError } from './flags.ts';
import { padRight } from './gofmt.ts';
import { parseInfluxqlDuration } from '../tickscript/lambda/functions.ts';
import type { Ctx } from './commands.ts';

const V1 = '/kapacitor/v1';
const PAGE = 100;
/** Kapacitor's CLI polls a running recording/replay every 500 ms. */
export const POLL_MS = 500;

export interface RecordingJson {
  link?: { href: string }; id: string; type?: string; size?: number; date?: string; error?: string; status?: string; progress?: number;
}
export interface ReplayJson {
  link?: { href: string }; id: string; task?: string; recording?: string; clock?: string; date?: string; error?: string; status?: string;
}

/** go-humanize Bytes (SI units), which `list recordings` prints sizes with: 82 B, 1.2 kB, 15 MB. */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${val < 10 ? val.toFixed(1) : val.toFixed(0)} ${sizes[e]}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `date.Local().Format(time.RFC822)`: the time in the CLI's own zone (`UTC` when it runs in UTC). */
export function rfc822Local(ts: string | undefined): string {
  const ms = ts ? Date.parse(ts) : NaN;
  if (Number.isNaN(ms)) return '01 Jan 01 00:00 UTC';
  const d = new Date(ms);
  const p2 = (x: number): string => String(x).padStart(2, '0');
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
  return `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${p2(d.getFullYear() % 100)} ${p2(d.getHours())}:${p2(d.getMinutes())} ${zone === 'GMT' ? 'UTC' : zone}`;
}

/** `list recordings` layout: `%-<maxID+1>s%-8v%-10s%-10s%-23s`. */
export function formatRecordingList(list: readonly RecordingJson[]): string {
  const w = Math.max(2, ...list.map((r) => r.id.length)) + 1;
  const row = (id: string, type: string, status: string, size: string, date: string): string =>
    padRight(id, w) + padRight(type, 8) + padRight(status, 10) + padRight(size, 10) + padRight(date, 23) + '\n';
  let out = row('ID', 'Type', 'Status', 'Size', 'Date');
  for (const r of list) out += row(r.id, r.type ?? '', r.status ?? '', humanizeBytes(r.size ?? 0), rfc822Local(r.date));
  return out;
}

/** `list replays` layout: `%-<maxID+1>v%-<maxTask+1>v%-<maxRecording+1>v%-9v%-8v%-23v`. */
export function formatReplayList(list: readonly ReplayJson[]): string {
  const wi = Math.max(2, ...list.map((r) => r.id.length)) + 1;
  const wt = Math.max(4, ...list.map((r) => (r.task ?? '').length)) + 1;
  const wr = Math.max(9, ...list.map((r) => (r.recording ?? '').length)) + 1;
  const row = (id: string, task: string, rec: string, status: string, clock: string, date: string): string =>
    padRight(id, wi) + padRight(task, wt) + padRight(rec, wr) + padRight(status, 9) + padRight(clock, 8) + padRight(date, 23) + '\n';
  let out = row('ID', 'Task', 'Recording', 'Status', 'Clock', 'Date');
  for (const r of list) out += row(r.id, r.task ?? '', r.recording ?? '', r.status ?? '', r.clock ?? '', rfc822Local(r.date));
  return out;
}

async function listPaged<T>(c: Client, kind: 'recordings' | 'replays', pattern: string, fields: string[], offsets: boolean): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const query: Query = [['pattern', pattern], ...fields.map((f): [string, string] => ['fields', f]),
      ['offset', String(offsets ? offset : 0)], ['limit', String(PAGE)]];
    const page = await c.json<Record<string, T[] | null>>('GET', `${V1}/${kind}`, { query });
    const list = page[kind] ?? [];
    out.push(...list);
    if (list.length < PAGE || !offsets) return out;
  }
}

export async function listRecordings(c: Client, patterns: string[]): Promise<string> {
  const all: RecordingJson[] = [];
  for (const p of patterns) all.push(...await listPaged<RecordingJson>(c, 'recordings', p, ['type', 'size', 'date', 'status'], true));
  return formatRecordingList(all);
}

export async function listReplays(c: Client, patterns: string[]): Promise<string> {
  const all: ReplayJson[] = [];
  for (const p of patterns) all.push(...await listPaged<ReplayJson>(c, 'replays', p, ['task', 'recording', 'status', 'clock', 'date'], true));
  return formatReplayList(all);
}

/** `delete recordings|replays <pattern>...`: list the links of each pattern (pages of 100, no offset) and DELETE. */
export async function deleteMatching(c: Client, kind: 'recordings' | 'replays', patterns: string[]): Promise<void> {
  for (const p of patterns) {
    for (;;) {
      const list = await listPaged<{ id: string; link?: { href: string } }>(c, kind, p, ['link'], false);
      for (const r of list) await c.call('DELETE', r.link?.href ?? `${V1}/${kind}/${r.id}`);
      if (list.length < PAGE) break;
    }
  }
}

async function poll<T extends { status?: string; link?: { href: string }; id: string }>(c: Client, first: T, kind: string): Promise<T> {
  let cur = first;
  while (cur.status === 'running') {
    await new Promise((r) => setTimeout(r, POLL_MS));
    // Kapacitor's client accepts 200 and 202 (still running) here
    const res = await c.call('GET', cur.link?.href ?? `${V1}/${kind}/${cur.id}`, { okStatuses: [200, 202] });
    cur = JSON.parse(res.body) as T;
  }
  return cur;
}

/** Go's time.Time JSON: RFC3339Nano in local time; UTC is enough for the server, which parses any offset. */
function goTimeJson(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

interface RecordStreamOpts { task?: string; duration?: string; wait: boolean; recordingId?: string; file?: string; db?: string; rp?: string; precision?: string }

export async function record(args: string[], ctx: Ctx): Promise<void> {
  const [kind, ...rest] = args;
  if (kind === undefined) throw new UsageError('Must pass a record type', 'record');
  const c = () => ctx.client();
  let recording: RecordingJson;
  let wait = true;
  if (kind === 'stream') {
    const { opts } = parseFlags<RecordStreamOpts>('record', rest, (cmd) => cmd
      .option('--task <id>').option('--duration <d>').option('--no-wait').option('--recording-id <id>')
      .option('--file <path>').option('--db <db>').option('--rp <rp>').option('--precision <p>'));
    wait = opts.wait;
    if (opts.file !== undefined) {
      // tickstream: import a line-protocol file as a finished recording
      let body: Buffer;
      try {
        body = readFileSync(opts.file);
      } catch (e) {
        throw new CliError(`reading ${opts.file}: ${(e as Error).message}`);
      }
      const query: Query = [['id', opts.recordingId ?? ''], ['db', opts.db ?? ''], ['rp', opts.rp ?? ''], ['precision', opts.precision ?? '']];
      recording = await postRaw<RecordingJson>(c(), `${V1}/recordings/import`, query, body);
    } else {
      if (!opts.task || !opts.duration) {
        ctx.io.err(USAGE_RECORD_STREAM);
        throw new CliError('both task and duration are required');
      }
      const d = parseInfluxqlDuration(opts.duration);
      if (d === undefined) throw new CliError(`invalid duration string ${JSON.stringify(opts.duration)}`);
      const body: Record<string, unknown> = {};
      if (opts.recordingId) body['id'] = opts.recordingId;
      body['task'] = opts.task;
      body['stop'] = goTimeJson(Date.now() + Number(d / 1_000_000n));
      recording = await c().json<RecordingJson>('POST', `${V1}/recordings/stream`, { body });
    }
  } else if (kind === 'batch' || kind === 'query') {
    // the server answers that these need InfluxDB (not supported yet); the flags are passed on as Kapacitor does
    const { opts } = parseFlags<{ task?: string; recordingId?: string; wait: boolean }>('record', rest, (cmd) => cmd
      .option('--task <id>').option('--start <t>').option('--stop <t>').option('--past <d>').option('--query <q>')
      .option('--type <t>').option('--cluster <c>').option('--no-wait').option('--recording-id <id>'));
    wait = opts.wait;
    recording = await c().json<RecordingJson>('POST', `${V1}/recordings/${kind}`, { body: { id: opts.recordingId ?? '', task: opts.task ?? '' } });
  } else {
    throw new CliError(`Unknown record type ${JSON.stringify(kind)}, expected 'stream', 'batch' or 'query'`);
  }
  if (!wait) return;
  recording = await poll(c(), recording, 'recordings');
  ctx.io.out(recording.id + '\n');
  if (recording.status === 'failed') throw new CliError(recording.error || 'recording failed: unknown reason');
}

async function postRaw<T>(c: Client, path: string, query: Query, body: Buffer): Promise<T> {
  const res = await c.requestRaw('POST', path, query, body);
  if (res.status !== 200 && res.status !== 201) {
    let msg = `invalid response: code ${res.status}: body: ${res.body}`;
    try { const j = JSON.parse(res.body) as { error?: string }; if (j.error) msg = j.error; } catch { /* not JSON */ }
    throw new CliError(msg);
  }
  return JSON.parse(res.body) as T;
}

interface ReplayOpts { task?: string; recording?: string; realClock?: boolean; recTime?: boolean; wait: boolean; replayId?: string }

export async function replay(args: string[], ctx: Ctx): Promise<void> {
  const { opts } = parseFlags<ReplayOpts>('replay', args, (cmd) => cmd
    .option('--task <id>').option('--recording <id>').option('--real-clock').option('--rec-time').option('--no-wait').option('--replay-id <id>'));
  if (!opts.recording) { ctx.io.err(USAGE_REPLAY); throw new CliError('must pass recording ID'); }
  if (!opts.task) { ctx.io.err(USAGE_REPLAY); throw new CliError('must pass task ID'); }
  const c = ctx.client();
  // Go's CreateReplayOptions, every field always sent
  let r = await c.json<ReplayJson>('POST', `${V1}/replays`, {
    body: { id: opts.replayId ?? '', recording: opts.recording, task: opts.task, 'recording-time': opts.recTime === true, clock: opts.realClock ? 'real' : 'fast' },
  });
  if (!opts.wait) return;
  r = await poll(c, r, 'replays');
  ctx.io.out(r.id + '\n');
  if (r.status === 'failed') throw new CliError(r.error || 'replay failed: unknown reason');
}

/** `kapacitor export-recording <id>` (ours): the recording as line protocol on stdout. */
export async function exportRecording(args: string[], ctx: Ctx): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must specify one recording ID', 'export-recording');
  const res = await ctx.client().call('GET', `${V1}/recordings/${args[0]}/data`, { okStatuses: [200] });
  ctx.io.out(res.body);
}

export const USAGE_RECORD = `Usage: kapacitor record [batch|stream|query] [options]

	Record the result of a InfluxDB query or a snapshot of the live data stream.

	Prints the recording ID on exit.

	See 'kapacitor help replay' for how to replay a recording.
`;

export const USAGE_RECORD_STREAM = `Usage: kapacitor record stream [options]

	Record a snapshot of the live data stream.

	Prints the recording ID on exit.

	See 'kapacitor help replay' for how to replay a recording.

Examples:

	$ kapacitor record stream -task mem_free -duration 1m

		This records the live data stream for 1 minute using the databases and retention policies
		from the named task.

	$ kapacitor record stream -file data.lp -db telegraf -rp autogen

		(tickstream) Imports a line-protocol file (or an influx_inspect export) as a recording.

Options:
  -db string
    	(tickstream, with -file) Database of the points, unless the file names it with # CONTEXT-DATABASE:
  -duration string
    	How long to record the data stream.
  -file string
    	(tickstream) Line-protocol file to import instead of recording the live stream.
  -no-wait
    	Do not wait for the recording to finish.
  -precision string
    	(tickstream, with -file) Precision of the file's timestamps: n (default), u, ms, s, m or h.
  -recording-id string
    	The ID to give to this recording. If not set an random ID is chosen.
  -rp string
    	(tickstream, with -file) Retention policy of the points, unless the file names it with # CONTEXT-RETENTION-POLICY:
  -task string
    	The ID of a task. Uses the dbrp value for the task.
`;

export const USAGE_REPLAY = `Usage: kapacitor replay [options]

Replay a recording to a task. Prints the replay ID.

The times of the data points will either be relative to now or the exact times
in the recording if the '-rec-time' flag is set. In either case the relative times
between the data points remains the same.

See 'kapacitor help record' for how to create a replay.
See 'kapacitor help define' for how to create a task.

Options:
  -no-wait
    	Do not wait for the replay to finish.
  -real-clock
    	If set, replay the data in real time. If not set replay data as fast as possible.
  -rec-time
    	If set, use the times saved in the recording instead of present times.
  -recording string
    	The recording ID.
  -replay-id string
    	The ID to give to this replay. If not set a random ID is chosen.
  -task string
    	The task ID.
`;

export const USAGE_EXPORT = `Usage: kapacitor export-recording <recording ID>

	(tickstream) Print a recording as line protocol (influx_inspect export layout: # CONTEXT-DATABASE: and
	# CONTEXT-RETENTION-POLICY: lines before the points), e.g. kapacitor export-recording R > out.lp.
`;
