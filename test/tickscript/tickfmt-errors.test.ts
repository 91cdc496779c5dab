// tickfmt I/O errors (SPEC 2.8 describes tickfmt; errors follow the project rule "errors name what is wrong and
// where"): `tickfmt: <path>: <reason>` on stderr, exit 1, no stack trace, and the script left as it was.
// The permission cases run bin/tickfmt.mjs as the unprivileged `nobody` user when the tests run as root
// (root may write anywhere), so the write really fails in the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTickfmt } from '../../cli/tickfmt.ts';

const BIN = fileURLToPath(new URL('../../bin/tickfmt.mjs', import.meta.url));
const UGLY = 'stream|from()|log()';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { readStdin: () => '', stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tickfmt-err-'));
  t.after(() => { chmodSync(dir, 0o700); rmSync(dir, { recursive: true, force: true }); });
  chmodSync(dir, 0o755);
  return dir;
}

/** bin/tickfmt.mjs as a user that file permissions apply to. */
function tickfmtUnprivileged(args: string[]) {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000, ...asNobody });
}

test('-b: a backup that cannot be written leaves the script untouched', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'a.tick');
  writeFileSync(f, UGLY);
  mkdirSync(`${f}.orig`); // copying onto a directory fails, even for root
  const r = io();
  assert.equal(runTickfmt(['-w', '-b', f], r.io), 1);
  assert.match(r.err.join(''), new RegExp(`^tickfmt: ${f}: cannot write backup ${f}\\.orig: .+\\n$`));
  assert.equal(readFileSync(f, 'utf8'), UGLY);
});

test('a file that cannot be read: tickfmt: <path>: <reason>', (t) => {
  const dir = tempDir(t);
  const r = io();
  assert.equal(runTickfmt([join(dir, 'missing.tick')], r.io), 1);
  assert.equal(r.err.join(''), `tickfmt: ${join(dir, 'missing.tick')}: no such file or directory\n`);
  assert.equal(r.out.join(''), '');
});

test('-w on a read-only file: message, exit 1, file untouched, no stack trace', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'ro.tick');
  writeFileSync(f, UGLY);
  chmodSync(f, 0o444);
  const r = tickfmtUnprivileged(['-w', f]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `tickfmt: ${f}: permission denied\n`);
  assert.equal(r.stdout, '');
  assert.equal(readFileSync(f, 'utf8'), UGLY);
});

test('-w in a read-only directory: message, exit 1, file untouched, nothing left behind; other files still done', (t) => {
  const dir = tempDir(t);
  const ro = join(dir, 'ro');
  const rw = join(dir, 'rw');
  mkdirSync(ro);
  mkdirSync(rw);
  const f = join(ro, 'a.tick');
  const g = join(rw, 'b.tick');
  writeFileSync(f, UGLY);
  writeFileSync(g, UGLY);
  chmodSync(f, 0o666);
  chmodSync(g, 0o666);
  chmodSync(ro, 0o555);
  chmodSync(rw, 0o777);
  const r = tickfmtUnprivileged(['-w', f, g]);
  chmodSync(ro, 0o755); // so the temp dir can be removed by a non-root runner
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `tickfmt: ${f}: permission denied\n`);
  assert.equal(readFileSync(f, 'utf8'), UGLY);
  assert.deepEqual(readdirSync(ro), ['a.tick']);
  // gofmt-like: the error is reported and the next file is still formatted (SPEC 2.8 canonical form)
  assert.equal(readFileSync(g, 'utf8'), 'stream\n    |from()\n    |log()\n');
  assert.deepEqual(readdirSync(rw), ['b.tick']);
});
