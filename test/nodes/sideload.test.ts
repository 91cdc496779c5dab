// sideload (pipeline/sideload.go, sideload.go, services/sideload): order templates rendered with the point's tags,
// first file with the key wins, values converted to the default's type (numbers from YAML/JSON are float64),
// defaults otherwise; file sources shared and re-read on reload; bad sources refuse to start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { startTask } from '../helpers/runtime/replay.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import type { Point } from '../../model/point.ts';
import { capture } from './capture.ts';
import { convertType, formatFloatF, parseOrderTemplate } from '../../nodes/sideload.ts';
import { acquireFileSource, reloadSideloadSources } from '../../nodes/sideload-source.ts';
import { sideloadRoutes } from '../../server/api/sideload-routes.ts';

type T = { after(fn: () => void): void };

function fixtureDir(t: T): string {
  const dir = mkdtempSync(join(tmpdir(), 'sideload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'hosts'));
  writeFileSync(join(dir, 'hosts', 'a.yml'), 'threshold: 90\nteam: web\nenabled: yes\nlimit: "12"\n');
  writeFileSync(join(dir, 'hosts', 'b.json'), '{"threshold": 75.5, "team": null, "limit": 3}');
  writeFileSync(join(dir, 'default.yml'), 'threshold: 50\nteam: ops\nlimit: 1\nenabled: false\nnested: {x: 1}\n');
  writeFileSync(join(dir, 'README.txt'), 'not a values file');
  return dir;
}

function run(t: T, script: string, node = 'sideload2') {
  const { pipeline } = appendChild(evaluateScript(script), node, 'testCapture');
  const h = startTask(pipeline);
  t.after(() => h.stop());
  return h;
}

test('sideload: first order path with the key wins; YAML/JSON numbers convert to the defaults\' types; defaults otherwise', (t) => {
  const dir = fixtureDir(t);
  const h = run(t, `stream|from().measurement('cpu')
    |sideload().source('file://${dir}')
        .order('hosts/{{.host}}.yml', 'hosts/{{ .host }}.json', 'default.yml')
        .field('threshold', 0.0).field('limit', 0).field('enabled', FALSE).field('missing', 'none')
        .tag('team', 'nobody')`);
  h.write(['cpu,host=a v=1 1', 'cpu,host=b v=1 2', 'cpu,host=c v=1 3', 'cpu v=1 4'], 's');
  const pts = capture(h).raw as Point[];
  assert.deepEqual(pts.map((p) => [p.fields, p.tags['team']]), [
    // a.yml: YAML 1.1 `yes` is true (go-yaml); "12" converts to int64 12 (strconv.Atoi)
    [{ v: 1, threshold: 90, limit: 12n, enabled: true, missing: 'none' }, 'web'],
    // b.json: team is null — the lookup stops at the first file that has the key, a null value means the
    // default (sideload.go `value == nil`); enabled only in default.yml
    [{ v: 1, threshold: 75.5, limit: 3n, enabled: false, missing: 'none' }, 'nobody'],
    // host c: no file, default.yml; no host tag: the path renders `hosts/<no value>.yml`, default.yml again
    [{ v: 1, threshold: 50, limit: 1n, enabled: false, missing: 'none' }, 'ops'],
    [{ v: 1, threshold: 50, limit: 1n, enabled: false, missing: 'none' }, 'ops'],
  ]);
  assert.equal(h.task.stats()['node-stats']['sideload2']!['errors'], 0);
});

test('sideload: a value that cannot convert is a counted error and the default is used', (t) => {
  const dir = fixtureDir(t);
  const h = run(t, `stream|from().measurement('cpu')|sideload().source('file://${dir}').order('default.yml')
    .field('nested', 0.0).tag('limit', 'x').field('team', 0)`);
  h.write(['cpu v=1 1'], 's');
  const p = capture(h).raw[0] as Point;
  assert.deepEqual([p.fields['nested'], p.tags['limit'], p.fields['team']], [0, '1', 0n]);
  assert.deepEqual(h.logs.map((l) => (l['err'] as { message: string }).message), [
    'cannot convert value of type map[string]interface {} to type float64',
    'cannot convert string to int64: strconv.Atoi: parsing "ops": invalid syntax',
  ]);
  assert.equal(h.task.stats()['node-stats']['sideload2']!['errors'], 2);
});

test('sideload: reload re-reads the files; a malformed file on reload keeps the previous values and reports it', async (t) => {
  const dir = fixtureDir(t);
  const h = run(t, `stream|from().measurement('cpu')|sideload().source('file://${dir}').order('default.yml').field('threshold', 0.0)`);
  h.write(['cpu v=1 1'], 's');
  writeFileSync(join(dir, 'default.yml'), 'threshold: 60\n');
  h.write(['cpu v=1 2'], 's'); // not re-read until a reload (as Kapacitor)
  const app = Fastify();
  await app.register(sideloadRoutes, { base: '/kapacitor/v1' });
  t.after(() => app.close());
  assert.equal((await app.inject({ method: 'POST', url: '/kapacitor/v1/sideload/reload' })).statusCode, 204);
  h.write(['cpu v=1 3'], 's');
  writeFileSync(join(dir, 'default.yml'), 'threshold: [unclosed\n');
  const bad = await app.inject({ method: 'POST', url: '/kapacitor/v1/sideload/reload' });
  assert.equal(bad.statusCode, 500);
  // Kapacitor's wrapping: reload → source cache → file
  assert.match(bad.json().error, new RegExp(`^failed to update source "${dir}": failed to update sideload cache for source file "${dir}": failed to unmarshal yaml values ".*default\\.yml": `));
  h.write(['cpu v=1 4'], 's');
  assert.deepEqual((capture(h).raw as Point[]).map((p) => p.fields['threshold']), [50, 50, 60, 60]);
});

test('sideload: bad sources and templates refuse to start with a clear message', (t) => {
  const dir = fixtureDir(t);
  const start = (src: string, extra = '') => () => startTask(evaluateScript(`stream|from()|sideload().source('${src}')${extra}`)).stop();
  assert.throws(start(`file://${dir}/nope`), /failed to update sideload cache for source file ".*nope": .*no such file or directory/);
  writeFileSync(join(dir, 'broken.json'), '{"a": ');
  assert.throws(start(`file://${dir}`), /failed to unmarshal json values ".*broken\.json"/);
  rmSync(join(dir, 'broken.json'));
  assert.throws(start('ftp://host/x'), /unsupported source scheme "ftp", must be 'file', 'http', or 'https'/);
  assert.throws(start('myendpoint'), /Specified endpoint does not exist: myendpoint/);
  assert.throws(start(`file://${dir}`, ".order('{{.host | printf}}')"), /unsupported order template action \{\{\.host \| printf\}\}/);
  assert.throws(() => evaluateScript(`stream|from()|sideload()`), /must specify a source for the sideload node/);
  assert.throws(() => acquireFileSource('relative/dir'), /sideload source path must be absolute "relative\/dir"/);
});

test('sideload helpers: Go template subset, strconv conversions, FormatFloat(f, -1)', () => {
  assert.deepEqual(parseOrderTemplate('a/{{.host}}/{{index . "dc-1"}}.yml'), [{ text: 'a/' }, { tag: 'host' }, { text: '/' }, { tag: 'dc-1' }, { text: '.yml' }]);
  assert.equal(convertType(3, 0n), 3n);
  assert.throws(() => convertType(3.5, 0n), /cannot convert value of type float64 to type int64/);
  assert.equal(convertType('2.5e1', 0), 25);
  assert.throws(() => convertType(' 1', 0), /strconv\.ParseFloat: parsing " 1": invalid syntax/);
  assert.equal(convertType('T', false), true);
  assert.equal(convertType(true, ''), 'true');
  assert.equal(convertType(1e21, ''), '1000000000000000000000');
  assert.equal(formatFloatF(1e-7), '0.0000001');
  assert.equal(formatFloatF(1.5e22), '15000000000000000000000');
  assert.equal(formatFloatF(0.25), '0.25');
  assert.equal(typeof reloadSideloadSources, 'function');
});
