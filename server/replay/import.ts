/**
 * Line protocol → recording (ours: `kapacitor record stream -file data.lp`, `POST /recordings/import`).
 * Streams the body in segments cut at line ends, so a file of any size imports in bounded memory. Understands the
 * context lines of InfluxDB's `influx_inspect export` format — `# CONTEXT-DATABASE:<db>` and
 * `# CONTEXT-RETENTION-POLICY:<rp>` switch the target db/rp, the `# DDL` section (CREATE statements) is skipped —
 * and `kapacitor export-recording` writes them, so an export imports back unchanged.
 *
 * Limitation: a string field value containing a newline cannot be imported (lines are cut at every newline).
 */
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import type { RecordingWriter } from '../../recordings/index.ts';
import { ApiError } from '../api/http.ts';

const SEGMENT_BYTES = 256 * 1024;
const NL = 10;

export interface ImportOptions {
  db: string;
  rp: string;
  precision: string;
  /** receive time for lines without a timestamp (ns) */
  now: bigint;
}

export async function importLineProtocol(body: AsyncIterable<Buffer>, writer: RecordingWriter, opts: ImportOptions): Promise<void> {
  const parser = new LineProtocolParser();
  let db = opts.db;
  let rp = opts.rp;
  let inDdl = false;
  let lineNo = 0;
  let carry: Buffer = Buffer.alloc(0);

  const parseRun = (buf: Buffer, firstLine: number): void => {
    if (buf.length === 0) return;
    if (db === '') throw new ApiError(400, `line ${firstLine}: no database: pass -db (db=) or start the file with "# CONTEXT-DATABASE:<db>"`);
    const { points, errors } = parser.parse(buf, { db, rp, precision: opts.precision, now: opts.now });
    if (errors.length > 0) {
      // find the first bad line's number (error path only)
      let n = firstLine;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(NL, start);
        const end = nl < 0 ? buf.length : nl;
        if (parser.parse(buf.subarray(start, end), { db, rp, precision: opts.precision, now: opts.now }).errors.length > 0) break;
        if (nl < 0) break;
        start = nl + 1;
        n++;
      }
      throw new ApiError(400, `line ${n}: ${errors[0]}`);
    }
    writer.write(db, rp, points);
  };

  /** Processes complete lines; returns after handing each run of data lines to the parser. */
  const segment = (buf: Buffer): void => {
    let runStart = 0;
    let runLine = lineNo + 1;
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(NL, pos);
      const end = nl < 0 ? buf.length : nl;
      lineNo++;
      const c = buf[pos];
      if (c === 0x23 /* # */ || inDdl) {
        // a comment/context line (or a DDL statement) ends the run of data lines before it
        const line = buf.subarray(pos, end).toString('utf8').trim();
        parseRun(buf.subarray(runStart, pos), runLine);
        if (line === '# DDL') inDdl = true;
        else if (line === '# DML') inDdl = false;
        else if (line.startsWith('# CONTEXT-DATABASE:')) db = line.slice('# CONTEXT-DATABASE:'.length).trim();
        else if (line.startsWith('# CONTEXT-RETENTION-POLICY:')) rp = line.slice('# CONTEXT-RETENTION-POLICY:'.length).trim();
        runStart = end + 1;
        runLine = lineNo + 1;
      }
      pos = end + 1;
    }
    parseRun(buf.subarray(runStart), runLine);
  };

  for await (const chunk of body) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const last = buf.lastIndexOf(NL);
    if (last < 0) {
      carry = buf;
      if (carry.length > 64 * 1024 * 1024) throw new ApiError(400, `line ${lineNo + 1}: longer than 64 MiB`);
      continue;
    }
    carry = Buffer.from(buf.subarray(last + 1));
    const complete = buf.subarray(0, last + 1);
    // bounded segments keep each parse (and its point array) small
    for (let s = 0; s < complete.length;) {
      let e = Math.min(complete.length, s + SEGMENT_BYTES);
      if (e < complete.length) e = complete.indexOf(NL, e - 1) + 1;
      segment(complete.subarray(s, e));
      s = e;
    }
    await writer.drain();
  }
  if (carry.length) segment(carry);
}
