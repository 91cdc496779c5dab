/**
 * `kapacitor record`, `replay`, `list recordings|replays`, `delete recordings|replays` (Kapacitor 1.8's
 * cmd/kapacitor/main.go doRecord, doReplay, doList, doDelete: same requests, polling, output layout), and ours:
 * `record stream -file data.lp` (import) and `export-recording <id>`.
 */
import { readFileSync } from 'node:fs';
import { CliError, errorText, type Client, type Query } from './client.ts';
import { parseFlags, UsageError } from './flags.ts';
import { padRight } from './gofmt.ts';
import { parseInfluxqlDuration } from '../gocompat/duration.ts';
import { formatRFC3339Nano, parseRFC3339 } from '../model/time.ts';
import type { Ctx } from './context.ts';

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

/**
 * The local zone's abbreviation at `d`, as Go's tzdata names it where ICU knows the same name (UTC, CET, EST, IST,
 * AEDT, …): the first locale that names the zone rather than printing an offset; else the numeric form tzdata
 * uses for zones without a name (`+04`, `+0530`).
 */
function zoneAbbrev(d: Date): string {
  for (const locale of ['en-US', 'en-GB', 'en-AU', 'en-IN']) {
    const z = new Intl.DateTimeFormat(locale, { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value;
    if (z === 'GMT' || z === 'UTC') return 'UTC';
    if (z && !/^GMT[+-]/.test(z)) return z;
  }
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  const p2 = (x: number): string => String(x).padStart(2, '0');
  return (off < 0 ? '-' : '+') + p2(Math.floor(a / 60)) + (a % 60 ? p2(a % 60) : '');
}

/** `date.Local().Format(time.RFC822)` (`02 Jan 06 15:04 MST`): the time in the CLI's own zone. */
export function rfc822Local(ts: string | undefined): string {
  const ms = ts ? Date.parse(ts) : NaN;
  if (Number.isNaN(ms)) return '01 Jan 01 00:00 UTC'; // Go's zero time
  const d = new Date(ms);
  const p2 = (x: number): string => String(x).padStart(2, '0');
  return `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${p2(d.getFullYear() % 100)} ${p2(d.getHours())}:${p2(d.getMinutes())} ${zoneAbbrev(d)}`;
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

function rfc3339Arg(flag: string, v: string): bigint {
  const t = parseRFC3339(v);
  if (t === undefined) throw new CliError(`invalid -${flag} ${JSON.stringify(v)}: must be an RFC3339 time, e.g. 2015-09-01T00:00:00Z`);
  return t;
}

function durationArg(flag: string, v: string): bigint {
  const d = parseInfluxqlDuration(v);
  if (d === undefined) throw new CliError(`invalid -${flag} ${JSON.stringify(v)}: must be a duration, e.g. 90s, 1m or 1h30m`);
  return d;
}

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

interface RecordStreamOpts { task?: string; duration?: string; wait: boolean; recordingId?: string; file?: string; db?: string; rp?: string; precision?: string }
interface RecordBatchOpts { task?: string; start?: string; stop?: string; past?: string; wait: boolean; recordingId?: string }
interface RecordQueryOpts { query?: string; type?: string; cluster?: string; wait: boolean; recordingId?: string }

/** `record stream`: Kapacitor's POST /recordings/stream, or (ours, with -file) POST /recordings/import. */
async function recordStream(args: string[], ctx: Ctx): Promise<{ recording: RecordingJson; wait: boolean }> {
  const { opts } = parseFlags<RecordStreamOpts>('record-stream', args, (cmd) => cmd
    .option('--task <id>').option('--duration <d>').option('--no-wait').option('--recording-id <id>')
    .option('--file <path>').option('--db <db>').option('--rp <rp>').option('--precision <p>'));
  if (opts.file !== undefined) {
    if (opts.task !== undefined || opts.duration !== undefined) {
      throw new UsageError('-file imports a file as a recording: it cannot be combined with -task or -duration', 'record-stream');
    }
    let body: Buffer;
    try {
      body = readFileSync(opts.file);
    } catch (e) {
      throw new CliError(`reading ${opts.file}: ${(e as Error).message}`);
    }
    const query: Query = [];
    for (const [k, v] of [['id', opts.recordingId], ['db', opts.db], ['rp', opts.rp], ['precision', opts.precision]] as const) {
      if (v) query.push([k, v]);
    }
    return { recording: await postRaw<RecordingJson>(ctx.client(), `${V1}/recordings/import`, query, body), wait: opts.wait };
  }
  const only = (['db', 'rp', 'precision'] as const).filter((k) => opts[k] !== undefined);
  if (only.length > 0) throw new UsageError(`${only.map((k) => '-' + k).join(', ')} only apply with -file`, 'record-stream');
  if (!opts.task || !opts.duration) {
    ctx.io.err(USAGES_RECORD['record-stream']);
    throw new CliError('both task and duration are required');
  }
  const d = durationArg('duration', opts.duration);
  // Go's RecordStreamOptions: id (omitempty), task, stop
  const body: Record<string, unknown> = {};
  if (opts.recordingId) body['id'] = opts.recordingId;
  body['task'] = opts.task;
  body['stop'] = formatRFC3339Nano(nowNs() + d);
  return { recording: await ctx.client().json<RecordingJson>('POST', `${V1}/recordings/stream`, { body }), wait: opts.wait };
}

/** `record batch`: Kapacitor's checks and request (the server runs the task's queries against InfluxDB). */
async function recordBatch(args: string[], ctx: Ctx): Promise<{ recording: RecordingJson; wait: boolean }> {
  const { opts } = parseFlags<RecordBatchOpts>('record-batch', args, (cmd) => cmd
    .option('--task <id>').option('--start <t>').option('--stop <t>').option('--past <d>').option('--no-wait').option('--recording-id <id>'));
  const fail = (msg: string): never => {
    ctx.io.err(USAGES_RECORD['record-batch']);
    throw new CliError(msg);
  };
  if (!opts.task) fail('task is required');
  if (!opts.start && !opts.past) fail('must set one of start or past flags.');
  if (opts.start && opts.past) fail('cannot set both start and past flags.');
  let start = opts.start ? rfc3339Arg('start', opts.start) : 0n;
  const stop = opts.stop ? rfc3339Arg('stop', opts.stop) : nowNs();
  if (opts.past) start = stop - durationArg('past', opts.past);
  const body: Record<string, unknown> = {};
  if (opts.recordingId) body['id'] = opts.recordingId;
  Object.assign(body, { task: opts.task, start: formatRFC3339Nano(start), stop: formatRFC3339Nano(stop) });
  return { recording: await ctx.client().json<RecordingJson>('POST', `${V1}/recordings/batch`, { body }), wait: opts.wait };
}

/** `record query`: as record batch. */
async function recordQuery(args: string[], ctx: Ctx): Promise<{ recording: RecordingJson; wait: boolean }> {
  const { opts } = parseFlags<RecordQueryOpts>('record-query', args, (cmd) => cmd
    .option('--query <q>').option('--type <t>').option('--cluster <c>').option('--no-wait').option('--recording-id <id>'));
  if (!opts.query || !opts.type) {
    ctx.io.err(USAGES_RECORD['record-query']);
    throw new CliError('both query and type are required');
  }
  if (opts.type !== 'stream' && opts.type !== 'batch') throw new UsageError(`invalid value ${JSON.stringify(opts.type)} for flag -type: must be stream or batch`, 'record-query');
  const body: Record<string, unknown> = {};
  if (opts.recordingId) body['id'] = opts.recordingId;
  Object.assign(body, { query: opts.query, type: opts.type });
  if (opts.cluster) body['cluster'] = opts.cluster;
  return { recording: await ctx.client().json<RecordingJson>('POST', `${V1}/recordings/query`, { body }), wait: opts.wait };
}

export async function record(args: string[], ctx: Ctx): Promise<void> {
  const [kind, ...rest] = args;
  if (kind === undefined) throw new UsageError('Must pass a record type: stream, batch or query', 'record');
  const start = kind === 'stream' ? recordStream : kind === 'batch' ? recordBatch : kind === 'query' ? recordQuery : undefined;
  if (!start) throw new CliError(`Unknown record type ${JSON.stringify(kind)}, expected 'stream', 'batch' or 'query'`);
  const { recording: first, wait } = await start(rest, ctx);
  if (!wait) return;
  const recording = await poll(ctx.client(), first, 'recordings');
  ctx.io.out(recording.id + '\n');
  if (recording.status === 'failed') throw new CliError(recording.error || 'recording failed: unknown reason');
}

async function postRaw<T>(c: Client, path: string, query: Query, body: Buffer): Promise<T> {
  const res = await c.requestRaw('POST', path, query, body);
  if (res.status !== 200 && res.status !== 201) throw new CliError(errorText(res));
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new CliError(`invalid response: code ${res.status}: body: ${res.body}`);
  }
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
  await ctx.client().stream(`${V1}/recordings/${encodeURIComponent(args[0]!)}/data`, (chunk) => ctx.io.out(chunk));
}

export const USAGE_RECORD = `Usage: kapacitor record [batch|stream|query] [options]

	Record the result of a InfluxDB query or a snapshot of the live data stream.

	Prints the recording ID on exit.

	See 'kapacitor help replay' for how to replay a recording.
`;

/** Usages of the record subcommands, keyed like Kapacitor's flag sets (record-stream, …). */
export const USAGES_RECORD = {
  'record-stream': `Usage: kapacitor record stream [options]

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
`,
  'record-batch': `Usage: kapacitor record batch [options]

	Record the result of a InfluxDB query from a task.

	Prints the recording ID on exit.

	See 'kapacitor help replay' for how to replay a recording.

Examples:

	$ kapacitor record batch -task cpu_idle -start 2015-09-01T00:00:00Z -stop 2015-09-02T00:00:00Z

		This records the result of the query defined in task 'cpu_idle' and runs the query
		until the queries reaches the stop time, starting at time 'start' and incrementing
		by the schedule defined in the task.

	$ kapacitor record batch -task cpu_idle -past 10h

		This records the result of the query defined in task 'cpu_idle' and runs the query
		until the queries reaches the present time.
		The starting time for the queries is 'now - 10h' and increments by the schedule defined in the task.

Options:
  -no-wait
    	Do not wait for the recording to finish.
  -past string
    	Set start time via 'now - past'.
  -recording-id string
    	The ID to give to this recording. If not set an random ID is chosen.
  -start string
    	The start time for the set of queries.
  -stop string
    	The stop time for the set of queries (default now).
  -task string
    	The ID of a task. Uses the queries contained in the task.
`,
  'record-query': `Usage: kapacitor record query [options]

	Record the result of a InfluxDB query.

	Prints the recording ID on exit.

	Recordings have types like tasks. you must specify the desired type.

	See 'kapacitor help replay' for how to replay a recording.

	tickstream: to record points you have as line protocol, see 'kapacitor record stream -file'.

Examples:

	$ kapacitor record query -query 'select value from "telegraf"."default"."cpu_idle" where time > now() - 1h and time < now()' -type stream

		This records the result of the query and stores it as a stream recording. Use '-type batch' to store as batch recording.

Options:
  -cluster string
    	Optional named InfluxDB cluster from configuration.
  -no-wait
    	Do not wait for the recording to finish.
  -query string
    	The query to record.
  -recording-id string
    	The ID to give to this recording. If not set an random ID is chosen.
  -type string
    	The type of the recording to save (stream|batch).
`,
} as const;

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
