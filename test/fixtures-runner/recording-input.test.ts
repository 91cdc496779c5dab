// `kapacitor test` fixtures whose input is a recording (`input: {recording: data.tsrec}`, issue 12: "input points
// (inline or a recording)"): the points are read from the file streaming, go to their recorded db/rp (others are
// skipped, as in a replay) with their recorded times; a missing, damaged or unrelated recording is a bad fixture
// whose error names the fixture line and the recording.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureError, loadFixture } from '../../fixtures-runner/fixture.ts';
import { runFixture } from '../../fixtures-runner/run.ts';
import { formatResult, testCommand } from '../../cli/test-command.ts';
import { RecordingWriter } from '../../recordings/index.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'fixtures-recording-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

const SEC = 1_000_000_000n;

/** Writes a recording with the given line protocol per db/rp block (ns timestamps), in order. */
async function recording(name: string, blocks: { db: string; rp: string; lp: string }[]): Promise<string> {
  const p = join(dir, name);
  const w = new RecordingWriter(p);
  const parser = new LineProtocolParser();
  for (const b of blocks) {
    const { points, errors } = parser.parse(Buffer.from(b.lp), { db: b.db, rp: b.rp, precision: 'n', now: 0n });
    assert.deepEqual(errors, []);
    w.write(b.db, b.rp, points);
  }
  await w.close();
  return p;
}

function fixture(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/**
 * A 10 s tumbling window of cpu usage and its mean (SPEC 3.5 window, 3.6 mean, 3.12 httpOut): db.rp points at 0 s
 * and 5 s (1.0, 3.0) fall in [0s,10s); the one at 10 s closes that window, emitted stamped 10 s with mean
 * (1 + 3) / 2 = 2; [10s,20s) stays open. The recording also holds a point of other.rp at 6 s (usage 100): were
 * it delivered, the mean would be (1 + 3 + 100) / 3.
 */
const MEAN_FIXTURE = (input: string): string => `tickscript: |
  stream
    |from().measurement('cpu')
    |window().period(10s).every(10s)
    |mean('usage').as('mean')
    |httpOut('out')
dbrp: db.rp
input:
${input}
expect:
  httpOut:
    out: {series: [{name: cpu, columns: [time, mean], values: [["1970-01-01T00:00:10Z", 2]]}]}
  stats:
    mean3: {emitted: 1, errors: 0}
`;

async function meanRecording(name: string): Promise<string> {
  return recording(name, [
    { db: 'db', rp: 'rp', lp: `cpu,host=a usage=1.0 0\ncpu,host=a usage=3.0 ${5n * SEC}\n` },
    { db: 'other', rp: 'rp', lp: `cpu,host=a usage=100.0 ${6n * SEC}\n` },
    { db: 'db', rp: 'rp', lp: `cpu,host=a usage=5.0 ${10n * SEC}\ncpu,host=a usage=7.0 ${12n * SEC}\n` },
  ]);
}

async function badFixture(file: string, message: string | RegExp): Promise<void> {
  await assert.rejects(async () => runFixture(loadFixture(file)), (e: unknown) => {
    assert.ok(e instanceof FixtureError, `not a FixtureError: ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe('input from a recording', () => {
  it('the recording\'s points for the task\'s dbrp are the input, in order, with their recorded times', async () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    await meanRecording('data/cpu.tsrec');
    const file = fixture('rec.fixture.yaml', MEAN_FIXTURE('  recording: data/cpu.tsrec'));
    const r = await runFixture(loadFixture(file));
    assert.equal(r.passed, true, formatResult(r));
    assert.deepEqual(r.checks.map((c) => [c.what, c.passed]), [['httpOut out', true], ['stats mean3', true]]);
    // mean 2, not (1 + 3 + 100) / 3: the other.rp point was skipped; `kapacitor test` agrees
    const out: string[] = [];
    assert.equal(await testCommand([file], { out: (s: string) => out.push(s), err: (s: string) => out.push(s) }), 0);
    assert.equal(out.join(''), `PASS ${file}: 2 expectations met\n\n1 fixture: 1 passed, 0 failed\n`);
  });

  it('a recording and the same points inline give the same result', async () => {
    // the same four points inline (precision s) — the recording above holds them in ns
    const inline = fixture('inline.fixture.yaml', MEAN_FIXTURE('  precision: s\n  lines: |\n    cpu,host=a usage=1.0 0\n    cpu,host=a usage=3.0 5\n    cpu,host=a usage=5.0 10\n    cpu,host=a usage=7.0 12'));
    await meanRecording('same.tsrec');
    const rec = fixture('same.fixture.yaml', MEAN_FIXTURE('  recording: same.tsrec'));
    const a = await runFixture(loadFixture(inline));
    const b = await runFixture(loadFixture(rec));
    assert.equal(a.passed, true, formatResult(a));
    assert.deepEqual(b.checks, a.checks);
  });
});

describe('bad recording inputs', () => {
  it('a missing recording names the fixture line and the path', async () => {
    const file = fixture('missing.fixture.yaml', MEAN_FIXTURE('  recording: nope.tsrec'));
    // line 9: `  recording: nope.tsrec` (the tickscript block is lines 2–6, dbrp 7, input 8)
    await badFixture(file, `${file}:9: input.recording: cannot read recording ${join(dir, 'nope.tsrec')}: no such file or directory`);
  });

  it('a truncated recording: the reader\'s error naming the file and offset', async () => {
    const good = await meanRecording('whole.tsrec');
    const bytes = readFileSync(good);
    writeFileSync(join(dir, 'cut.tsrec'), bytes.subarray(0, bytes.length - 12));
    const file = fixture('cut.fixture.yaml', MEAN_FIXTURE('  recording: cut.tsrec'));
    await badFixture(file, new RegExp(`^${escape(file)}:9: input\\.recording: recording file ${escape(join(dir, 'cut.tsrec'))} is corrupt at byte \\d+: `));
  });

  it('not a recording at all', async () => {
    writeFileSync(join(dir, 'plain.tsrec'), 'cpu usage=1 1\n');
    const file = fixture('plain.fixture.yaml', MEAN_FIXTURE('  recording: plain.tsrec'));
    await badFixture(file, `${file}:9: input.recording: recording file ${join(dir, 'plain.tsrec')} is corrupt at byte 0: not a tickstream recording: the first line must be "tickstream-recording 1"`);
  });

  it('a recording without points for the task\'s dbrp says what it holds', async () => {
    await recording('elsewhere.tsrec', [{ db: 'telegraf', rp: 'autogen', lp: 'cpu usage=1 1\n' }]);
    const file = fixture('elsewhere.fixture.yaml', MEAN_FIXTURE('  recording: elsewhere.tsrec'));
    await badFixture(file, `${file}:9: input.recording: ${join(dir, 'elsewhere.tsrec')} has no points for the task's dbrps ["db"."rp"]; it holds ["telegraf"."autogen"]`);
  });

  it('precision, or a second source, next to a recording', async () => {
    await meanRecording('r.tsrec');
    const prec = fixture('prec.fixture.yaml', MEAN_FIXTURE('  precision: s\n  recording: r.tsrec'));
    await badFixture(prec, `${prec}:9: input.precision: does not apply to a recording (its points carry nanosecond timestamps); remove it`);
    const both = fixture('both.fixture.yaml', MEAN_FIXTURE('  lines: "cpu usage=1 1"\n  recording: r.tsrec'));
    await badFixture(both, `${both}:10: input.recording: give only one of lines (inline), file or recording, not lines and recording`);
  });

  it('kapacitor test reports a bad recording as a bad fixture (exit 2)', async () => {
    const file = fixture('exit.fixture.yaml', MEAN_FIXTURE('  recording: nope.tsrec'));
    const out: string[] = [];
    const code = await testCommand([file], { out: (s: string) => out.push(s), err: (s: string) => out.push(s) });
    assert.equal(code, 2);
    assert.match(out.join(''), /input\.recording: cannot read recording .*nope\.tsrec: no such file or directory/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
