/**
 * Recording files (recordings/, docs/recordings.md): what goes in comes out equal and in order, and every kind
 * of damage is reported as a RecordingError naming the file and a byte offset — never a crash or silent loss.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openRecording, RecordingError, RecordingWriter } from '../../recordings/index.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import type { Point } from '../../model/point.ts';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-rec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function parse(lp: string, db: string, rp: string): Point[] {
  const { points, errors } = new LineProtocolParser().parse(Buffer.from(lp), { db, rp, precision: 'n', now: 0n });
  assert.deepEqual(errors, []);
  return points;
}

async function readAll(path: string): Promise<{ db: string; rp: string; points: Point[] }[]> {
  const out = [];
  for await (const c of openRecording(path)) out.push(c);
  return out;
}

function plain(points: readonly Point[]): unknown[] {
  return points.map((p) => ({ name: p.name, db: p.db, rp: p.rp, tags: { ...p.tags }, fields: { ...p.fields }, time: p.time }));
}

// Awkward but legal line protocol (SPEC Appendix C): escaped measurement/tag/field names, a string with a
// quote, a backslash and a newline, int64 beyond 2^53, a float with an exponent, booleans, negative time.
const AWKWARD = [
  'cpu\\ load,host=a\\,b,dc=x\\=y value=0.5,n=9007199254740993i,ok=true,msg="say \\"hi\\" \\\\ there" 1478629267000000001',
  'requests,host=h1,replicaset=web value=1e+21 1478629268000000000',
  'weird\\,name f\\ k="line one\nline two",b=false -5',
].join('\n');

test('points written come back equal, typed and in order, with their db/rp switching as written', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'a.tsrec');
  const w = new RecordingWriter(path);
  const first = parse(AWKWARD, 'telegraf', 'autogen');
  const second = parse('m v=1i 1\nm v=2i 2', 'other db', 'rp "q"');
  const third = parse('m v=3 3', 'telegraf', 'autogen');
  w.write('telegraf', 'autogen', first);
  w.write('other db', 'rp "q"', second);
  w.write('telegraf', 'autogen', third);
  const size = await w.close();
  assert.equal(size, statSync(path).size);
  // the header is plain text: `head -1` tells what the file is
  assert.equal(readFileSync(path).subarray(0, 23).toString(), 'tickstream-recording 1\n');
  const chunks = await readAll(path);
  assert.deepEqual(chunks.map((c) => [c.db, c.rp, c.points.length]), [['telegraf', 'autogen', 3], ['other db', 'rp "q"', 2], ['telegraf', 'autogen', 1]]);
  assert.deepEqual(plain(chunks.flatMap((c) => c.points)), plain([...first, ...second, ...third]));
  // int64 stays bigint, float64 stays number (SPEC "Exactness")
  assert.equal(chunks[0]!.points[0]!.fields['n'], 9007199254740993n);
  assert.equal(chunks[0]!.points[1]!.fields['value'], 1e21);
  assert.equal(chunks[1]!.points[0]!.fields['v'], 1n);
  assert.equal(chunks[2]!.points[0]!.fields['v'], 3);
});

test('a recording with no points reads as no chunks', async (t) => {
  const path = join(tmp(t), 'empty.tsrec');
  await new RecordingWriter(path).close();
  assert.deepEqual(await readAll(path), []);
});

test('large recordings are cut into bounded blocks', async (t) => {
  const path = join(tmp(t), 'big.tsrec');
  const w = new RecordingWriter(path);
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) lines.push(`requests,host=h${i % 7},replicaset=web value=${i}i ${1000000000n * BigInt(i)}`);
  w.write('db', 'rp', parse(lines.join('\n'), 'db', 'rp'));
  await w.close();
  const chunks = await readAll(path);
  // ~60 bytes a line, blocks cut at 256 KiB: several chunks, all points in order
  assert.ok(chunks.length > 1, `expected several blocks, got ${chunks.length}`);
  const all = chunks.flatMap((c) => c.points);
  assert.equal(all.length, 20000);
  assert.equal(all[19999]!.fields['value'], 19999n);
  assert.equal(all[12345]!.time, 12345000000000n);
});

async function rejectsWith(path: string, re: RegExp): Promise<RecordingError> {
  let caught: unknown;
  try {
    await readAll(path);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof RecordingError, `expected a RecordingError, got ${String(caught)}`);
  assert.equal(caught.file, path);
  assert.match(caught.message, new RegExp(`^recording file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt at byte \\d+: `));
  assert.match(caught.message, re);
  return caught;
}

async function sample(dir: string): Promise<string> {
  const path = join(dir, 's.tsrec');
  const w = new RecordingWriter(path);
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) lines.push(`requests,host=h${i % 5} value=${(i * 7919) % 1000}i ${BigInt(i) * 1000000000n}`);
  w.write('db', 'rp', parse(lines.join('\n'), 'db', 'rp'));
  await w.close();
  return path;
}

test('a truncated file is reported with the file name and the offset where it ends', async (t) => {
  const path = await sample(tmp(t));
  const size = statSync(path).size;
  truncateSync(path, Math.floor(size / 2));
  const e = await rejectsWith(path, /truncated/);
  // the reader got as far as the end of what is left
  assert.ok(e.offset <= Math.floor(size / 2) && e.offset > 23, `offset ${e.offset}`);
});

test('a file cut right after the last block (no end marker) is truncated too', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'noend.tsrec');
  const block = 'm v=1 1\n';
  writeFileSync(path, Buffer.concat([Buffer.from('tickstream-recording 1\n'), gzipSync(`#block "db" "rp" ${block.length} 1\n${block}`)]));
  await rejectsWith(path, /truncated \(no end marker\)/);
});

test('corrupt compressed bytes are reported, not thrown as a zlib crash', async (t) => {
  const path = await sample(tmp(t));
  const buf = readFileSync(path);
  for (let i = 200; i < 260; i++) buf[i] = buf[i]! ^ 0x5a;
  writeFileSync(path, buf);
  await rejectsWith(path, /corrupt compressed data|truncated|bad line protocol|directive/);
});

test('not a recording, or a newer format version: clear errors at byte 0', async (t) => {
  const dir = tmp(t);
  const lp = join(dir, 'data.lp');
  writeFileSync(lp, 'cpu value=1 1\n');
  const e = await rejectsWith(lp, /not a tickstream recording: the first line must be "tickstream-recording 1"/);
  assert.equal(e.offset, 0);
  const v2 = join(dir, 'v2.tsrec');
  writeFileSync(v2, 'tickstream-recording 2\n');
  await rejectsWith(v2, /unsupported recording format version 2 \(this tickstream reads version 1\)/);
});

test('bad line protocol, wrong counts and stray data inside the compressed stream name the decompressed offset', async (t) => {
  const dir = tmp(t);
  const make = (name: string, body: string): string => {
    const p = join(dir, name);
    writeFileSync(p, Buffer.concat([Buffer.from('tickstream-recording 1\n'), gzipSync(body)]));
    return p;
  };
  const bad = 'm value= 1\n';
  await rejectsWith(make('lp.tsrec', `#block "db" "rp" ${bad.length} 1\n${bad}#end 1\n`),
    /bad line protocol in the block starting at decompressed offset 22: unable to parse 'm value= 1'/);
  const two = 'm v=1 1\nm v=2 2\n';
  await rejectsWith(make('count.tsrec', `#block "db" "rp" ${two.length} 3\n${two}#end 3\n`), /announces 3 points but holds 2/);
  await rejectsWith(make('end.tsrec', `#block "db" "rp" ${two.length} 2\n${two}#end 5\n`), /end marker counts 5 points but the file holds 2 \(decompressed offset 38\)/);
  await rejectsWith(make('after.tsrec', '#end 0\nmore'), /data after the end marker \(decompressed offset 7\)/);
  await rejectsWith(make('junk.tsrec', 'hello\n'), /expected a #block or #end directive, found "hello" \(decompressed offset 0\)/);
});

test('a missing file is an I/O error naming the path', async () => {
  await assert.rejects(readAll('/nonexistent/x.tsrec'), /ENOENT.*\/nonexistent\/x\.tsrec/);
});
