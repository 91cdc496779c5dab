// Fixtures loaded from files and run in-process: expectations met, expectations failed (with the diff), the
// k8sAutoscale replica decisions against the simulated cluster, and every way a fixture file can be bad (the
// error names the file and the line/key). Expected values are derived in comments from the SPEC sections cited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureError, loadFixture } from '../../fixtures-runner/fixture.ts';
import { runFixture } from '../../fixtures-runner/run.ts';
import { formatResult, testCommand } from '../../cli/test-command.ts';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'fixtures-runner-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Loading or running must fail with exactly this FixtureError message. */
async function badFixture(file: string, message: string | RegExp): Promise<void> {
  await assert.rejects(async () => runFixture(loadFixture(file)), (e: unknown) => {
    assert.ok(e instanceof FixtureError, `not a FixtureError: ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

/**
 * A 10 s tumbling window of cpu usage and its mean (SPEC 3.5 window, 3.6 mean, 3.12 httpOut JSON): points at
 * 0 s and 5 s (1.0, 3.0) fall in [0s,10s); the point at 10 s closes that window, which is emitted stamped 10 s
 * with mean 2. The window [10s,20s) is still open at the end. `mean` emits once.
 */
const WINDOW_MEAN = `tickscript: |
  stream
    |from().measurement('cpu')
    |window().period(10s).every(10s)
    |mean('usage').as('mean')
    |httpOut('out')
dbrp: db.rp
input:
  precision: s
  lines: |
    cpu,host=a usage=1.0 0
    cpu,host=a usage=3.0 5
    cpu,host=a usage=5.0 10
    cpu,host=a usage=7.0 12
expect:
  httpOut:
    out: {series: [{name: cpu, columns: [time, mean], values: [["1970-01-01T00:00:10Z", MEAN]]}]}
  stats:
    mean3: {emitted: 1, errors: 0}
`;

describe('fixtures that run', () => {
  it('a passing fixture: httpOut body and node stats', async () => {
    const r = await runFixture(loadFixture(write('mean.fixture.yaml', WINDOW_MEAN.replace('MEAN', '2'))));
    assert.equal(r.passed, true, formatResult(r));
    assert.deepEqual(r.checks.map((c) => [c.what, c.passed]), [['httpOut out', true], ['stats mean3', true]]);
    assert.equal(formatResult(r), `PASS ${join(dir, 'mean.fixture.yaml')}: 2 expectations met\n`);
  });

  it('a failing fixture prints the -expected +actual diff', async () => {
    const file = write('wrong.fixture.yaml', WINDOW_MEAN.replace('MEAN', '3').replace('emitted: 1', 'emitted: 2'));
    const r = await runFixture(loadFixture(file));
    assert.equal(r.passed, false);
    assert.equal(formatResult(r), [
      `FAIL ${file}: 2 of 2 expectations failed`,
      '  httpOut out:',
      '    --- expected',
      '    +++ actual',
      '    @@ -9,7 +9,7 @@',
      '           "values": [',
      '             [',
      '               "1970-01-01T00:00:10Z",',
      '    -          3',
      '    +          2',
      '             ]',
      '           ]',
      '         }',
      '  stats mean3:',
      '    --- expected',
      '    +++ actual',
      '    @@ -1,4 +1,4 @@',
      '     {',
      '    -  "emitted": 2,',
      '    +  "emitted": 1,',
      '       "errors": 0',
      '     }',
      '',
    ].join('\n'));
  });

  it('missing endpoint, node or stat: a failure that says what the task has', async () => {
    const file = write('missing.fixture.yaml', WINDOW_MEAN.replace('MEAN', '2').replace('    out: {', '    nope: {')
      .replace('mean3: {emitted: 1, errors: 0}', 'mean3: {emited: 1}\n    mean9: {errors: 0}'));
    const r = await runFixture(loadFixture(file));
    assert.deepEqual(r.checks.map((c) => [c.what, c.passed, c.note]), [
      ['httpOut nope', false, "the task has no httpOut('nope') endpoint"],
      ['stats mean3', false, 'mean3 has no stat emited (its stats: avg_exec_time_ns, collected, emitted, errors, working_cardinality)'],
      ['stats mean9', false, 'the task has no node mean9 (nodes: stream0, from1, window2, mean3, http_out4)'],
    ]);
  });

  it('JSON fixtures, vars, a script file next to the fixture and a line-protocol file', async () => {
    // where "usage" > threshold (SPEC 3.4): with threshold 2.0 from the vars only 3.0 passes
    write('filter.tick', "var threshold = 10.0\nstream\n    |from().measurement('cpu')\n    |where(lambda: \"usage\" > threshold)\n    |httpOut('hot')\n");
    write('cpu.lp', 'cpu usage=1.0 1000\ncpu usage=3.0 2000\n');
    const file = write('filter.fixture.json', JSON.stringify({
      script: 'filter.tick', dbrp: 'db.rp', vars: { threshold: { type: 'float', value: 2.0 } },
      input: { precision: 'ms', file: 'cpu.lp' },
      expect: { httpOut: { hot: { series: [{ name: 'cpu', columns: ['time', 'usage'], values: [['1970-01-01T00:00:02Z', 3]] }] } } },
    }, null, 2));
    const r = await runFixture(loadFixture(file));
    assert.equal(r.passed, true, formatResult(r));
  });

  it('k8sAutoscale: decided replicas per resource, stats and the simulated cluster', async () => {
    // SPEC 4.2: current 2 (initialReplicas, step 2). t=1 want 4 → first increase, never blocked: 2→4.
    // t=5 want 6: 5 < 1+10s increase cooldown → cooldown drop. t=11 want 6: 11 >= 11 → 4→6.
    // t=12 want 3: decrease, no decrease cooldown → 6→3. t=13 want 3 = current: nothing.
    // The other workload (api) is never mentioned by a point: it stays at its seeded 5.
    const file = write('scale.fixture.yaml', `name: scale web
tickscript: |
  stream
    |from().measurement('load')
    |k8sAutoscale()
      .resourceName('web')
      .increaseCooldown(10s)
      .replicas(lambda: int("want"))
    |httpOut('events')
dbrp: k8s.autogen
input:
  precision: s
  lines: |
    load want=4i 1
    load want=6i 5
    load want=6i 11
    load want=3i 12
    load want=3i 13
initialReplicas:
  default/deployments/web: 2
  default/deployments/api: 5
expect:
  replicas:
    default/deployment/web: [4, 6, 3]
  stats:
    k8s_autoscale2: {increase_events: 2, decrease_events: 1, cooldown_drops: 1, errors: 0}
  cluster:
    default/deployments/web: 3
    default/deployments/api: 5
  httpOut:
    events:
      series:
        - name: load
          tags: {kind: deployments, namespace: default, resource: web}
          columns: [time, new, old]
          values: [["1970-01-01T00:00:12Z", 3, 6]]
`);
    const r = await runFixture(loadFixture(file));
    assert.equal(r.passed, true, formatResult(r));
    assert.equal(r.checks.length, 5);

    // with room for only 4 decision records the 5 decisions cannot all be checked: the check fails and says so
    const small = await runFixture(loadFixture(file), { ringSize: 4 });
    assert.deepEqual(small.checks.filter((c) => !c.passed).map((c) => [c.what, c.note]),
      [['replicas default/deployments/web', 'k8s_autoscale2 made 5 decisions, more than the 4 a fixture can check']]);

    // the same run with a wrong decision list fails with the list diff
    const wrong = write('scale-wrong.fixture.yaml', (await import('node:fs')).readFileSync(file, 'utf8').replace('[4, 6, 3]', '[4, 3]'));
    const r2 = await runFixture(loadFixture(wrong));
    const failed = r2.checks.filter((c) => !c.passed);
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.what, 'replicas default/deployments/web');
    assert.equal(failed[0]!.diff, ['--- expected', '+++ actual', '@@ -1,4 +1,5 @@', ' [', '   4,', '+  6,', '   3', ' ]'].join('\n'));
  });

  it('alert levels: the alert counters and the last event through httpOut with levelField', async () => {
    // SPEC 3.15: levels OK(50) WARNING(75) CRITICAL(95) CRITICAL(96) OK(10); with stateChangesOnly only changes
    // are events (the first OK is no change from OK): WARNING, CRITICAL, OK = 3 events. httpOut keeps the last
    // point the alert passed on (SPEC 3.12), with the level as a string field.
    const file = write('alert.fixture.yaml', `tickscript: |
  stream
    |from().measurement('cpu')
    |alert()
      .warn(lambda: "usage" > 70.0)
      .crit(lambda: "usage" > 90.0)
      .stateChangesOnly()
      .levelField('level')
    |httpOut('alerts')
dbrp: db.rp
input:
  precision: s
  lines: |
    cpu usage=50.0 1
    cpu usage=75.0 2
    cpu usage=95.0 3
    cpu usage=96.0 4
    cpu usage=10.0 5
expect:
  stats:
    alert2: {alerts_triggered: 3, warns_triggered: 1, crits_triggered: 1, oks_triggered: 1}
  httpOut:
    alerts: {series: [{name: cpu, columns: [time, level, usage], values: [["1970-01-01T00:00:05Z", OK, 10]]}]}
`);
    const r = await runFixture(loadFixture(file));
    assert.equal(r.passed, true, formatResult(r));
  });

  it('k8sAutoscale with a workload missing from the simulated cluster: errors and the log say so', async () => {
    // SPEC 4.2 step 2: the first read fails → the point is dropped and counted as an error
    const file = write('unseeded.fixture.yaml', `tickscript: "stream|from().measurement('load')|k8sAutoscale().resourceName('web').replicas(lambda: int(\\"want\\"))"
dbrp: k8s.autogen
input: {precision: s, lines: "load want=4i 1"}
expect:
  replicas: {default/deployments/web: [4]}
  cluster: {default/deployments/web: 4}
`);
    const r = await runFixture(loadFixture(file));
    assert.equal(r.passed, false);
    assert.deepEqual(r.checks.map((c) => [c.what, c.passed]), [['replicas default/deployments/web', false], ['cluster default/deployments/web', false]]);
    assert.equal(r.checks[1]!.note, 'default/deployments/web is not in the simulated cluster: seed it in initialReplicas');
    assert.match(r.logs.join('\n'), /could not determine initial scale for "default\/deployments\/web": deployments "web" not found in namespace "default" \(simulated cluster/);
  });

  it('replicas expected but the task has no k8sAutoscale node', async () => {
    const r = await runFixture(loadFixture(write('noscale.fixture.yaml', WINDOW_MEAN.replace('MEAN', '2').replace(/ {2}stats:\n.*\n/, '  replicas: {default/deployments/web: [1]}\n'))));
    assert.deepEqual(r.checks.map((c) => [c.what, c.passed, c.note]), [['httpOut out', true, undefined], ['replicas default/deployments/web', false, 'the task has no k8sAutoscale node']]);
  });
});

describe('bad fixture files', () => {
  const SCRIPT = `tickscript: "stream|from()|httpOut('x')"\n`;
  const REST = 'dbrp: db.rp\ninput: {precision: s, lines: "m v=1 1"}\nexpect: {stats: {from1: {emitted: 1}}}\n';

  it('a file that does not exist, or is not YAML/JSON', async () => {
    const missing = join(dir, 'none.fixture.yaml');
    await badFixture(missing, `${missing}: cannot read fixture ${missing}: no such file or directory`);
    const f = write('broken.fixture.yaml', 'name: x\ninput: [1,\nexpect: 2\n');
    await badFixture(f, new RegExp(`^${f}:\\d+: not valid YAML: `));
    const j = write('broken.fixture.json', '{"name": "x",\n "input": }');
    await badFixture(j, new RegExp(`^${j}: not valid JSON: Unexpected token`));
    // when the JSON parser reports a position, the error names its line
    const k = write('broken2.fixture.json', '{"name": "x",\n "input": 1\n');
    await badFixture(k, new RegExp(`^${k}:3: not valid JSON: `));
    const list = write('list.fixture.yaml', '- a\n- b\n');
    await badFixture(list, `${list}:1: a fixture is a mapping of name, id, script, tickscript, vars, dbrp, input, initialReplicas, expect; got a list`);
  });

  it('missing script; script file missing; both script and tickscript', async () => {
    const f = write('noscript.fixture.yaml', REST);
    await badFixture(f, `${f}:1: missing the TICKscript: add script: <path relative to the fixture> or tickscript: <inline script>`);
    const g = write('nofile.fixture.yaml', `name: n\nscript: gone.tick\n${REST}`);
    await badFixture(g, `${g}:2: cannot read script ${join(dir, 'gone.tick')}: no such file or directory`);
    const h = write('both.fixture.yaml', `script: a.tick\n${SCRIPT}${REST}`);
    await badFixture(h, `${h}:2: tickscript: give either script (a path) or tickscript (inline), not both`);
  });

  it('unknown keys, at the top and nested, name the key and its line', async () => {
    const f = write('unknown.fixture.yaml', `${SCRIPT}${REST}bogus: 1\n`);
    await badFixture(f, `${f}:5: bogus: unknown key "bogus" (allowed here: name, id, script, tickscript, vars, dbrp, input, initialReplicas, expect)`);
    const g = write('unknown2.fixture.yaml', `${SCRIPT}dbrp: db.rp\ninput:\n  precison: s\n  lines: "m v=1 1"\nexpect: {stats: {from1: {emitted: 1}}}\n`);
    await badFixture(g, `${g}:4: input.precison: unknown key "precison" (allowed here: precision, lines, file, recording)`);
    const h = write('unknown3.fixture.yaml', `${SCRIPT}dbrp: db.rp\ninput: {precision: s, lines: "m v=1 1"}\nexpect:\n  alerts: {}\n`);
    await badFixture(h, `${h}:5: expect.alerts: unknown key "alerts" (allowed here: httpOut, stats, replicas, cluster)`);
  });

  it('bad line protocol names the fixture line, the input line and the reason', async () => {
    const f = write('badlp.fixture.yaml', `${SCRIPT}dbrp: db.rp\ninput:\n  precision: s\n  lines: |\n    m v=1 1\n    # a comment\n    m v= 2\nexpect: {stats: {from1: {emitted: 1}}}\n`);
    // the block starts on fixture line 6; input line 3 is fixture line 8 (SPEC Appendix C: missing field value)
    await badFixture(f, `${f}:8: input.lines line 3: unable to parse 'm v= 2': missing field value`);
    write('bad.lp', 'm v=1 1\nm,t= v=1 2\n');
    const g = write('badlpfile.fixture.yaml', `${SCRIPT}dbrp: db.rp\ninput: {precision: s, file: bad.lp}\nexpect: {stats: {from1: {emitted: 1}}}\n`);
    await badFixture(g, `${join(dir, 'bad.lp')}:2: unable to parse 'm,t= v=1 2': missing tag value`);
  });

  it('a line without a timestamp is rejected (fixtures run on data time only); 0 is a valid timestamp', async () => {
    const f = write('nots.fixture.yaml', `${SCRIPT}dbrp: db.rp\ninput: {precision: s, lines: "m v=1 0\\nm v=2"}\nexpect: {stats: {from1: {emitted: 2}}}\n`);
    await badFixture(f, `${f}: input.lines line 2: the line has no timestamp: fixture points need their data time (e.g. m v=2 1478629267 with precision s)`);
  });

  it('bad values: precision, dbrp, vars, replicas, workload keys, no expectations', async () => {
    const cases: [string, string][] = [
      [`${SCRIPT}dbrp: db.rp\ninput: {precision: sec, lines: "m v=1 1"}\nexpect: {stats: {from1: {emitted: 1}}}\n`,
        ':3: input.precision: must be one of n, ns, u, us, µ, ms, s, m, h, got "sec"'],
      [`${SCRIPT}dbrp: dbrp\ninput: {lines: "m v=1 1"}\nexpect: {stats: {from1: {emitted: 1}}}\n`, ':2: dbrp: must be "db.rp", got "dbrp"'],
      [`${SCRIPT}${REST}vars: {x: {type: int, value: 1.5}}\n`, ': vars: invalid var "x": value 1.5 is not an int'],
      [`${SCRIPT}${REST}initialReplicas: {default/deployments/web: -1}\n`, ':5: initialReplicas.default/deployments/web: must be a replica count (an integer >= 0), got number -1'],
      [`${SCRIPT}${REST}initialReplicas: {web: 1}\n`, ':5: initialReplicas.web: "web" is not a workload: want namespace/kind/name, e.g. default/deployments/app'],
      [`${SCRIPT}dbrp: db.rp\ninput: {lines: "m v=1 1"}\nexpect:\n  replicas: {default/deployments/web: 3}\n`,
        ':5: expect.replicas.default/deployments/web: must be the list of decided replica counts in order (e.g. [3, 4, 6]), got number 3'],
      [`${SCRIPT}dbrp: db.rp\ninput: {lines: "m v=1 1"}\nexpect: {}\n`, ':4: expect: has no expectations: add at least one of httpOut, stats, replicas, cluster'],
      [`${SCRIPT}dbrp: db.rp\ninput: {lines: "m v=1 1"}\n`, ':1: missing expect: a fixture needs at least one expectation (httpOut, stats, replicas, cluster)'],
      [`${SCRIPT}dbrp: db.rp\nexpect: {stats: {from1: {emitted: 1}}}\n`, ':1: missing input: add input: {precision: s, lines: | <line protocol>}, input: {file: data.lp} or input: {recording: data.tsrec}'],
    ];
    for (const [i, [text, msg]] of cases.entries()) {
      const f = write(`values${i}.fixture.yaml`, text);
      await badFixture(f, f + msg);
    }
  });

  it('an invalid TICKscript names the script file and line; dbrp problems', async () => {
    write('broken.tick', "stream\n    |from()\n    |window().period(10s)\n    .every(\n");
    const f = write('brokentick.fixture.yaml', `script: broken.tick\n${REST}`);
    // the script ends inside `.every(`: the parser reports the end of the file, line 5
    await badFixture(f, new RegExp(`^${join(dir, 'broken.tick')}:5: invalid TICKscript: parser: unexpected EOF line 5 char 1`));
    const g = write('inlinebroken.fixture.yaml', `tickscript: "stream|from()|nosuchnode()"\n${REST}`);
    await badFixture(g, new RegExp(`^${g}: tickscript: invalid TICKscript: `));
    // inline in a block scalar: script line 1 is fixture line 3, so the script's line 3 is fixture line 5
    const b = write('inlineblock.fixture.yaml', `name: x\ntickscript: |\n  stream\n    |from()\n    |window().perid(10s)\n${REST}`);
    await badFixture(b, `${b}:5: tickscript: invalid TICKscript: line 3 char 13: no method or property "perid" on *pipeline.WindowNode; hint: did you mean "period"?`);
    const h = write('nodbrp.fixture.yaml', `${SCRIPT}input: {lines: "m v=1 1"}\nexpect: {stats: {from1: {emitted: 1}}}\n`);
    await badFixture(h, `${h}: missing dbrp: add dbrp: "db.rp" (the database and retention policy the input is written to)`);
    const k = write('twodbrp.fixture.yaml', `tickscript: "dbrp \\"a\\".\\"b\\"\\nstream|from()"\n${REST}`);
    await badFixture(k, `${k}: dbrp: the script declares its dbrp already (cannot specify dbrp in both implicitly and explicitly)`);
  });

  it('a batch task, or a task that cannot start, is a bad fixture', async () => {
    const b = write('batch.fixture.yaml', `tickscript: "batch|query('select mean(v) from db.rp.m').period(1m).every(1m)|httpOut('x')"\n${REST}`);
    await badFixture(b, `${b}: the script is a batch task: batch tasks query InfluxDB, fixtures feed points to stream tasks only`);
    // the fixture runner has no server configuration, so a script handler that needs one ([slack]) fails at start
    const s = write('slack.fixture.yaml', `tickscript: "stream|from()|alert().crit(lambda: TRUE).slack()"\n${REST}`);
    await badFixture(s, `${s}: the task cannot start: alert2: .slack() needs the server's handler configuration`);
  });
});

describe('testCommand', () => {
  it('a fixture that fails to load for any reason is reported and the next one still runs', async () => {
    // an alias bomb: the yaml package refuses to expand it (resource exhaustion guard), not a FixtureError
    let yaml = 'a: &a [x, x]\n';
    for (let i = 1, prev = 'a'; i < 12; prev = `b${i}`, i++) yaml += `b${i}: &b${i} [*${prev}, *${prev}, *${prev}]\n`;
    const bomb = write('bomb.fixture.yaml', yaml);
    const ok = write('ok.fixture.yaml', WINDOW_MEAN.replace('MEAN', '2'));
    let out = '';
    let err = '';
    const code = await testCommand([bomb, ok], { out: (s) => { out += s; }, err: (s) => { err += s; } });
    assert.equal(code, 2);
    assert.equal(err, '');
    assert.equal(out, `ERROR ${bomb}: Excessive alias count indicates a resource exhaustion attack\nPASS ${ok}: 2 expectations met\n\n2 fixtures: 1 passed, 0 failed, 1 bad\n`);
  });
});
