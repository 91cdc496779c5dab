/**
 * tickfmt [-w] [-b] [path...] — format TICKscripts canonically (SPEC 2.8), like Kapacitor's tickfmt.
 *   no path or `-`: read stdin, write the formatted script to stdout
 *   -w: rewrite the files in place instead of printing them;  -b: with -w, keep the original as <file>.orig
 * A parse error prints nothing on stdout, `<path>: <message>` on stderr, and exits 1.
 * A read or write error prints `tickfmt: <path>: <reason>` on stderr and exits 1; a file that cannot be
 * rewritten is left as it was (the new text goes to a temporary file that replaces it only when complete).
 */
import { accessSync, chmodSync, closeSync, constants, copyFileSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatScript } from '../tickscript/format.ts';
import { TickscriptError } from '../tickscript/errors.ts';

export interface TickfmtIO {
  readStdin(): string;
  stdout(s: string): void;
  stderr(s: string): void;
}

const USAGE = 'usage: tickfmt [-w] [-b] [path ...]\n';

export function runTickfmt(argv: readonly string[], io: TickfmtIO): number {
  let write = false;
  let backup = false;
  const paths: string[] = [];
  for (const a of argv) {
    if (a === '-w') write = true;
    else if (a === '-b') backup = true;
    else if (a === '-h' || a === '--help') { io.stdout(USAGE); return 0; }
    else if (a.startsWith('-') && a !== '-') { io.stderr(`tickfmt: unknown flag ${a}\n${USAGE}`); return 2; }
    else paths.push(a);
  }
  if (paths.length === 0) paths.push('-');
  // format everything first so that a parse error leaves stdout empty
  const outputs: { path: string; text: string }[] = [];
  for (const p of paths) {
    let src: string;
    try {
      src = p === '-' ? io.readStdin() : readFileSync(p, 'utf8');
    } catch (e) {
      io.stderr(`tickfmt: ${p === '-' ? '<stdin>' : p}: ${fsReason(e)}\n`);
      return 1;
    }
    try {
      outputs.push({ path: p, text: formatScript(src) });
    } catch (e) {
      if (!(e instanceof TickscriptError)) throw e;
      io.stderr(`${p === '-' ? '<stdin>' : p}: ${e.message}\n`);
      return 1;
    }
  }
  let code = 0;
  for (const o of outputs) {
    if (write && o.path !== '-') {
      // like gofmt: report the file and go on with the others
      const err = rewrite(o.path, o.text, backup);
      if (err !== undefined) { io.stderr(`tickfmt: ${o.path}: ${err}\n`); code = 1; }
    } else {
      io.stdout(o.text);
    }
  }
  return code;
}

/**
 * Replaces the file at `path` (through symlinks, keeping its mode) with `text`, or returns why it could not.
 * The text is written to a temporary file next to it and renamed over it, so a failed write (full disk,
 * read-only directory) never leaves a truncated script behind.
 */
function rewrite(path: string, text: string, backup: boolean): string | undefined {
  let tmp: string | undefined;
  try {
    const real = realpathSync(path);
    // the rename would replace a read-only file that an in-place write could not touch
    accessSync(real, constants.W_OK);
    const mode = statSync(real).mode & 0o7777;
    if (backup) {
      try { copyFileSync(real, `${path}.orig`); } catch (e) { return `cannot write backup ${path}.orig: ${fsReason(e)}`; }
    }
    const tmpName = join(dirname(real), `.${basename(real)}.tickfmt-${process.pid}`);
    const fd = openSync(tmpName, 'wx'); // never clobbers (or, in `finally`, removes) a file it did not create
    tmp = tmpName;
    try { writeFileSync(fd, text); } finally { closeSync(fd); }
    chmodSync(tmp, mode);
    renameSync(tmp, real);
    tmp = undefined;
    return undefined;
  } catch (e) {
    return fsReason(e);
  } finally {
    if (tmp !== undefined) try { unlinkSync(tmp); } catch { /* already gone */ }
  }
}

/** "EACCES: permission denied, open '/x/a.tick'" → "permission denied" (the caller names the path). */
function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (typeof err.code !== 'string') return err.message;
  return err.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*'( -> '.*')?$/, '');
}

const isMain = process.argv[1] !== undefined && /tickfmt(\.mjs|\.ts)?$/.test(process.argv[1]);
if (isMain) {
  process.exitCode = runTickfmt(process.argv.slice(2), {
    readStdin: () => readFileSync(0, 'utf8'),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
