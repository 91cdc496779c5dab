/**
 * A fixture's input: line protocol → points, with the server's own parser (lineprotocol/parser.ts, the
 * rules of `/write`). One point per line; every line must carry its timestamp, because a fixture's outcome may
 * depend only on its data (a line without one would be stamped with the wall clock). Errors name the file and
 * the line: `fixture.yaml:14: input.lines line 3: unable to parse '…': …`.
 */
import type { Point } from '../model/point.ts';
import { LineProtocolParser } from '../lineprotocol/parser.ts';
import { RecordingError, openRecording, type RecordingChunk } from '../recordings/index.ts';
import { FixtureError, type FixtureInput, type RecordingInput } from './fixture.ts';

/** ns per unit of each precision (the server's precision multipliers). */
const UNIT_NS: Record<string, bigint> = {
  '': 1n, n: 1n, ns: 1n, u: 1000n, us: 1000n, 'µ': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

export function parseInput(input: FixtureInput, db: string, rp: string): Point[] {
  // loadFixture accepts only these precisions (the parser itself rejects any other)
  const unit = UNIT_NS[input.precision] ?? 1n;
  const parser = new LineProtocolParser();
  const points: Point[] = [];
  const lines = input.text.split('\n');
  const fail = (i: number, msg: string): FixtureError => {
    if (input.firstLine === undefined && input.label === input.file) return new FixtureError(input.file, msg, i + 1);
    const at = input.firstLine === undefined ? undefined : input.firstLine + i;
    return new FixtureError(input.file, `${input.label} line ${i + 1}: ${msg}`, at);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const buf = Buffer.from(line, 'utf8');
    const r = parser.parse(buf, { db, rp, precision: input.precision, now: 0n });
    if (r.errors.length > 0) throw fail(i, r.errors[0]!);
    // a non-blank line without errors is exactly one point
    const p = r.points[0]!;
    if (p.time === 0n) {
      // 0 is a legal timestamp; a line without one gets `now` instead: parse again with another `now` to tell
      const again = parser.parse(buf, { db, rp, precision: input.precision, now: unit });
      if (again.points[0]?.time !== 0n) throw fail(i, `the line has no timestamp: fixture points need their data time (e.g. ${trimmed} 1478629267 with precision s)`);
    }
    points.push(p);
  }
  return points;
}

const dbrpList = (dbrps: readonly { db: string; rp: string }[]): string => dbrps.map((d) => `${JSON.stringify(d.db)}.${JSON.stringify(d.rp)}`).join(' ');

/**
 * A recording's chunks for the task's dbrps, in recorded order, streamed from disk (recordings/reader.ts):
 * points of other databases are skipped, as a replay skips them. A damaged file, or one without a single point
 * for the task, is a FixtureError naming the fixture, the recording and (for damage) the byte offset.
 */
export async function* recordingChunks(input: RecordingInput, dbrps: readonly { db: string; rp: string }[]): AsyncGenerator<RecordingChunk> {
  const wanted = new Set(dbrps.map((d) => d.db + '\u0000' + d.rp));
  const held = new Map<string, { db: string; rp: string }>();
  let matched = 0;
  try {
    for await (const chunk of openRecording(input.recording)) {
      const key = chunk.db + '\u0000' + chunk.rp;
      if (!held.has(key)) held.set(key, { db: chunk.db, rp: chunk.rp });
      if (!wanted.has(key)) continue;
      matched += chunk.points.length;
      yield chunk;
    }
  } catch (e) {
    if (e instanceof RecordingError) throw new FixtureError(input.file, `input.recording: ${e.message}`, input.line);
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new FixtureError(input.file, `input.recording: cannot read recording ${input.recording}: ${(e as Error).message}`, input.line);
    throw e;
  }
  if (matched === 0) {
    throw new FixtureError(input.file, `input.recording: ${input.recording} has no points for the task's dbrps [${dbrpList(dbrps)}]; it holds [${dbrpList([...held.values()])}]`, input.line);
  }
}
