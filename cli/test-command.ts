/**
 * `kapacitor test <fixture|dir>...` (tickstream only): run TICKscript fixtures in-process (fixtures-runner/) and
 * print PASS/FAIL per fixture with a -expected +actual diff per failed expectation.
 * Exit codes: 0 all passed, 1 an expectation failed, 2 a fixture file is bad (or no fixture was given).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FixtureError, loadFixture } from '../fixtures-runner/fixture.ts';
import { runFixture, type FixtureResult } from '../fixtures-runner/run.ts';
import type { Io } from './context.ts';
import { USAGES } from './usage.ts';

const TEST_USAGE = USAGES['test']!;


const FIXTURE_FILE = /\.fixture\.(ya?ml|json)$/i;

/** Files named on the command line, directories expanded (sorted, recursively). */
function expand(arg: string, out: string[]): void {
  let isDir = false;
  try {
    isDir = statSync(arg).isDirectory();
  } catch {
    // a missing file is reported by loadFixture with the fixture's own message
  }
  if (!isDir) {
    out.push(arg);
    return;
  }
  for (const e of readdirSync(arg, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(arg, e.name);
    if (e.isDirectory()) expand(p, out);
    else if (FIXTURE_FILE.test(e.name)) out.push(p);
  }
}

function indent(text: string, by: string): string {
  return text.split('\n').map((l) => by + l).join('\n');
}

/** The text printed for one run fixture. */
export function formatResult(r: FixtureResult): string {
  const f = r.fixture;
  const head = `${r.passed ? 'PASS' : 'FAIL'} ${f.file}${f.name !== '' && !f.file.endsWith(f.name) ? ` (${f.name})` : ''}`;
  if (r.passed) return `${head}: ${r.checks.length} expectation${r.checks.length === 1 ? '' : 's'} met\n`;
  const failed = r.checks.filter((c) => !c.passed);
  const lines = [`${head}: ${failed.length} of ${r.checks.length} expectation${r.checks.length === 1 ? '' : 's'} failed`];
  for (const c of failed) {
    lines.push(`  ${c.what}:`);
    if (c.note) lines.push(`    ${c.note}`);
    if (c.diff) lines.push(indent(c.diff, '    '));
  }
  if (r.logs.length > 0) {
    lines.push('  task log:');
    for (const l of r.logs.slice(0, 20)) lines.push(`    ${l}`);
    if (r.logs.length > 20) lines.push(`    … ${r.logs.length - 20} more`);
  }
  return lines.join('\n') + '\n';
}

/** Runs the command; returns the exit code. */
export async function testCommand(args: readonly string[], io: Io): Promise<number> {
  const files: string[] = [];
  for (const a of args) {
    if (a.startsWith('-')) {
      io.err(`flag provided but not defined: ${a}\n${TEST_USAGE}`);
      return 2;
    }
    expand(a, files);
  }
  if (files.length === 0) {
    io.err(args.length === 0 ? `Must provide at least one fixture file.\n${TEST_USAGE}` : `no *.fixture.yaml, *.fixture.yml or *.fixture.json files in ${args.join(', ')}\n`);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  let bad = 0;
  for (const file of files) {
    try {
      const r = await runFixture(loadFixture(file));
      io.out(formatResult(r));
      if (r.passed) passed++;
      else failed++;
    } catch (e) {
      // a fixture that cannot run, for whatever reason, is reported and the others still run
      io.out(`ERROR ${e instanceof FixtureError ? e.message : `${file}: ${(e as Error)?.message ?? String(e)}`}\n`);
      bad++;
    }
  }
  const parts = [`${passed} passed`, `${failed} failed`];
  if (bad > 0) parts.push(`${bad} bad`);
  io.out(`\n${files.length} fixture${files.length === 1 ? '' : 's'}: ${parts.join(', ')}\n`);
  return bad > 0 ? 2 : failed > 0 ? 1 : 0;
}
