/**
 * tickfmt [-w] [-b] [path...] — format TICKscripts canonically (SPEC 2.8), like Kapacitor's tickfmt.
 *   no path or `-`: read stdin, write the formatted script to stdout
 *   -w: rewrite the files in place instead of printing them;  -b: with -w, keep the original as <file>.orig
 * A parse error prints nothing on stdout, `<path>: <message>` on stderr, and exits 1.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { formatScript } from './format.ts';
import { TickscriptError } from './errors.ts';

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
      io.stderr(`tickfmt: ${(e as Error).message}\n`);
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
  for (const o of outputs) {
    if (write && o.path !== '-') {
      if (backup) copyFileSync(o.path, `${o.path}.orig`);
      writeFileSync(o.path, o.text);
    } else {
      io.stdout(o.text);
    }
  }
  return 0;
}

const isMain = process.argv[1] !== undefined && /tickfmt(\.mjs|\.ts)?$/.test(process.argv[1]);
if (isMain) {
  process.exitCode = runTickfmt(process.argv.slice(2), {
    readStdin: () => readFileSync(0, 'utf8'),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
