// The Go-template subset used by alert .id/.message/.details (SPEC 3.15). Expected strings follow Go's
// documented behaviour: fmt %v of a float64 is strconv 'g' with the shortest digits and the exponent form from
// exp >= 6 or < -4 (fmt.Sprint(1e6) == "1e+06"); %f rounds exact ties half to even (strconv); text/template
// trimming (`{{- x -}}`); html/template text-context escaping; encoding/json for `json`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertTemplate, GoDuration, GoStruct, GoTime, formatV, goTimeString, htmlEscape, sprintf } from '../../alerting/template.ts';

const FIELDS = new Set(['Name', 'Tags', 'Fields', 'Level', 'Time', 'Duration', 'ServerInfo']);
const T = 1478629267500000000n; // 2016-11-08T18:21:07.5Z
const data = new GoStruct({
  Name: 'cpu', Tags: { host: 'a', dc: 'x' }, Fields: { value: 1500000, n: 3n, ok: true, s: '<b>' }, Level: 'WARNING',
  Time: new GoTime(T), Duration: new GoDuration(90_000_000_000n), ServerInfo: new GoStruct({ Hostname: 'h', ClusterID: '', ServerID: '' }),
});
const render = (src: string, html = false): string => AlertTemplate.compile('t', src, FIELDS, html).render(data);

test('fmt %v formatting of template values', () => {
  assert.equal(formatV({ b: '2', a: '1' }), 'map[a:1 b:2]');
  assert.equal(goTimeString(T), '2016-11-08 18:21:07.5 +0000 UTC');
  assert.equal(formatV(new GoDuration(90_000_000_000n)), '1m30s');
  assert.equal(formatV(undefined), '<no value>');
});

test('fields, index, maps, trimming, pipes, if/else', () => {
  assert.equal(render('{{ .Name }}:{{ index .Tags "host" }}'), 'cpu:a');
  assert.equal(render('{{ .Tags }}'), 'map[dc:x host:a]');
  assert.equal(render('{{ .Tags.dc }}|{{ .ServerInfo.Hostname }}'), 'x|h');
  assert.equal(render('{{ index .Fields "value" }} {{ index .Fields "n" }} {{ index .Fields "ok" }} {{ index .Fields "nope" }}'), '1.5e+06 3 true <no value>');
  assert.equal(render('a  {{- .Level -}}  b'), 'aWARNINGb');
  assert.equal(render('{{ .Time }} / {{ .Duration }}'), '2016-11-08 18:21:07.5 +0000 UTC / 1m30s');
  assert.equal(render('{{ index .Fields "value" | printf "%0.3f" }}'), '1500000.000');
  assert.equal(render('{{ if eq .Level "OK" }}up{{ else }}down{{ end }}/{{ if ne .Name "cpu" }}x{{ end }}'), 'down/');
  assert.equal(render('{{ printf "%s=%d %5.1f|%-4s|" .Name (index .Fields "n") 2.25 "ab" }}'), 'cpu=3   2.2|ab  |'); // 2.25 is an exact tie: half to even
  assert.equal(render('{{ json .Tags }}'), '{"dc":"x","host":"a"}');
});

test('html/template escapes action output, not template text', () => {
  assert.equal(render('<i>{{ index .Fields "s" }}</i>', true), '<i>&lt;b&gt;</i>');
  assert.equal(render('{{ json .Tags }}', true), '{&#34;dc&#34;:&#34;x&#34;,&#34;host&#34;:&#34;a&#34;}');
  assert.equal(htmlEscape(`a&b'c+d\0`), 'a&amp;b&#39;c&#43;d\ufffd');
});

test('sprintf: verbs, flags and Go error forms', () => {
  assert.equal(sprintf('%d|%05d|%x|%t|%q', [42n, -42n, 255n, true, 'a"b']), '42|-0042|ff|true|"a\\"b"');
  assert.equal(sprintf('%.2e|%g|%+.1f', [1234.5, 1e6, 2]), '1.23e+03|1e+06|+2.0');
  assert.equal(sprintf('%f', [3n]), '%!f(int64=3)');
  assert.equal(sprintf('%d %d', [1n]), '1 %!d(MISSING)');
  assert.equal(sprintf('100%%', []), '100%');
  assert.equal(sprintf('%.1f %.1f %.1f %.2f %.0f %.0f', [0.25, 0.35, -2.25, 1.005, 0.5, 1.5]), '0.2 0.3 -2.2 1.00 0 2');
});

test('compile errors name the problem', () => {
  assert.throws(() => render('{{ .Nope }}'), /can't evaluate field Nope/);
  assert.throws(() => render('{{ nope .Name }}'), /function "nope" not defined/);
  assert.throws(() => render('{{ if .Name }}x'), /missing \{\{end\}\}/);
  assert.throws(() => render('{{ .Name '), /unclosed action/);
  assert.throws(() => render('{{ range .Tags }}{{ end }}'), /\{\{range\}\} is not supported/);
});
