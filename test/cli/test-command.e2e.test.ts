// `kapacitor test` through the real CLI entry (bin/kapacitor.mjs, a subprocess, no server): the example
// fixture passes (exit 0), a failing expectation prints its diff (exit 1), a bad fixture file is named with its
// line (exit 2), directories expand to their *.fixture.* files, and usage/help.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/autoscale/autoscale.fixture.yaml');

interface Run { code: number; stdout: string; stderr: string }

function kapacitor(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/kapacitor.mjs'), ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'kapacitor-test-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

describe('kapacitor test', () => {
  it('the example autoscale fixture passes: exit 0', async () => {
    const r = await kapacitor('test', EXAMPLE);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `PASS ${EXAMPLE} (the tutorial traffic scales app 1 → 3 → 4 → 6 → 5 → 1): 3 expectations met\n\n1 fixture: 1 passed, 0 failed\n`);
    assert.equal(r.code, 0);
  });

  it('a failing expectation: the diff on stdout, exit 1; a bad fixture beside it: exit 2', async () => {
    // the example with a wrong decision list: the spec-derived sequence is 3, 4, 6, 5, 1 (see the fixture)
    const example = readFileSync(EXAMPLE, 'utf8').replace('script: autoscale.tick', `script: ${join(ROOT, 'examples/autoscale/autoscale.tick')}`)
      .replace('file: tutorial-traffic.lp', `file: ${join(ROOT, 'examples/autoscale/tutorial-traffic.lp')}`);
    const wrong = join(dir, 'wrong.fixture.yaml');
    writeFileSync(wrong, example.replace('[3, 4, 6, 5, 1]', '[3, 4, 6, 1]'));
    const r = await kapacitor('test', wrong);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, [
      `FAIL ${wrong} (the tutorial traffic scales app 1 → 3 → 4 → 6 → 5 → 1): 1 of 3 expectations failed`,
      '  replicas default/deployments/app:',
      '    --- expected',
      '    +++ actual',
      '    @@ -2,5 +2,6 @@',
      '       3,',
      '       4,',
      '       6,',
      '    +  5,',
      '       1',
      '     ]',
      '',
      '1 fixture: 0 passed, 1 failed',
      '',
    ].join('\n'));

    const bad = join(dir, 'bad.fixture.yaml');
    writeFileSync(bad, 'tickscript: "stream|from()"\ndbrp: db.rp\ninput: {lines: "m v=1 1"}\nexpect: {stats: {from1: {emited: 1}}}\nexpected: {}\n');
    const r2 = await kapacitor('test', wrong, bad);
    assert.equal(r2.code, 2);
    assert.match(r2.stdout, /^FAIL /);
    assert.ok(r2.stdout.includes(`ERROR ${bad}:5: expected: unknown key "expected" (allowed here: name, id, script, tickscript, vars, dbrp, input, initialReplicas, expect)\n`), r2.stdout);
    assert.ok(r2.stdout.endsWith('\n2 fixtures: 0 passed, 1 failed, 1 bad\n'), r2.stdout);
  });

  it('a directory runs its *.fixture.yaml/json files, recursively, in name order', async () => {
    const d = join(dir, 'suite');
    mkdirSync(join(d, 'sub'), { recursive: true });
    const fixture = (v: number): string => JSON.stringify({
      tickscript: "stream|from().measurement('m')|httpOut('o')", dbrp: 'db.rp', input: { precision: 's', lines: `m v=${v} 1` },
      // httpOut keeps the last point (SPEC 3.12): v=1 at 1 s
      expect: { httpOut: { o: { series: [{ name: 'm', columns: ['time', 'v'], values: [['1970-01-01T00:00:01Z', 1]] }] } } },
    });
    writeFileSync(join(d, 'b.fixture.json'), fixture(1));
    writeFileSync(join(d, 'sub', 'a.fixture.yaml'), fixture(1));
    writeFileSync(join(d, 'notes.yaml'), 'not: a fixture\n');
    const r = await kapacitor('test', d);
    assert.equal(r.stdout, `PASS ${join(d, 'b.fixture.json')}: 1 expectation met\nPASS ${join(d, 'sub', 'a.fixture.yaml')}: 1 expectation met\n\n2 fixtures: 2 passed, 0 failed\n`);
    assert.equal(r.code, 0);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r2 = await kapacitor('test', empty);
    assert.equal(r2.code, 2);
    assert.equal(r2.stderr, `no *.fixture.yaml, *.fixture.yml or *.fixture.json files in ${empty}\n`);
  });

  it('usage: no fixture, an unknown flag, -h', async () => {
    const none = await kapacitor('test');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Must provide at least one fixture file\.\nUsage: kapacitor test <fixture file or directory>\.\.\./);
    const flag = await kapacitor('test', '-v', EXAMPLE);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^flag provided but not defined: -v\nUsage: kapacitor test/);
    const help = await kapacitor('test', '-h');
    assert.equal(help.code, 0);
    assert.match(help.stderr, /Exit status: 0 all passed, 1 an expectation failed, 2 a fixture file is bad\./);
  });
});
