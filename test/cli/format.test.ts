// CLI output byte for byte as SPEC 6.4–6.6 and Appendix D print it (the `$` line ends there mark trailing spaces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatShow, formatStatsGeneral, formatStatsIngress, formatTaskList, formatTemplateList, formatShowTemplate,
} from '../../cli/format.ts';
import { rfc822 } from '../../cli/gofmt.ts';
import { parseDBRP } from '../../cli/inputs.ts';
import { encodeQuery } from '../../cli/client.ts';
import { goFlagsToCommander } from '../../cli/flags.ts';

/** Appendix D text → the exact bytes (strip the `$` end markers). */
const D = (s: string): string => s.split('\n').map((l) => l.replace(/\$$/, '')).join('\n');

test('list tasks: ID column = longest ID + 1, rows sorted, several dbrps space-separated (Appendix D)', () => {
  const out = formatTaskList([
    { id: 'autoscale', type: 'stream', status: 'enabled', executing: true, dbrps: [{ db: 'autoscale', rp: 'autogen' }] },
    { id: 'a-much-longer-task-id', type: 'stream', status: 'disabled', executing: false, dbrps: [{ db: 'telegraf', rp: 'autogen' }, { db: 'x', rp: 'y' }] },
  ]);
  assert.equal(out, D(`ID                    Type      Status    Executing Databases and Retention Policies$
a-much-longer-task-id stream    disabled  false     ["telegraf"."autogen" "x"."y"]$
autoscale             stream    enabled   true      ["autoscale"."autogen"]$
`));
  assert.equal(formatTaskList([]), 'ID Type      Status    Executing Databases and Retention Policies\n');
});

test('show with vars: layout, trailing spaces, RFC822 dates, vars table, no blank line before DOT (Appendix D)', () => {
  const out = formatShow({
    id: 'autoscale', 'template-id': '', type: 'stream', status: 'enabled', executing: true, error: '',
    created: '2016-11-08T18:21:07Z', modified: '2016-11-08T18:21:07.5Z', 'last-enabled': '2016-11-08T18:21:59Z',
    dbrps: [{ db: 'autoscale', rp: 'autogen' }],
    script: "stream\n    |from()\n        .measurement('requests')\n    |httpOut('x')\n",
    vars: { target: { type: 'float', value: 100 }, tags: { type: 'list', value: [{ type: 'string', value: 'a' }, { type: 'star', value: null }] } },
    dot: 'digraph autoscale {\ngraph [throughput="0.00 points/s"];\n\nstream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\nstream0 -> from1 [processed="0"];\n\nfrom1 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\nfrom1 -> http_out2 [processed="0"];\n\nhttp_out2 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n}',
  });
  assert.equal(out, D(`ID: autoscale$
Error: $
Template: $
Type: stream$
Status: enabled$
Executing: true$
Created: 08 Nov 16 18:21 UTC$
Modified: 08 Nov 16 18:21 UTC$
LastEnabled: 08 Nov 16 18:21 UTC$
Databases Retention Policies: ["autoscale"."autogen"]$
TICKscript:$
stream$
    |from()$
        .measurement('requests')$
    |httpOut('x')$
$
Vars:$
Name                          Type      Value                                   $
tags                          list      [a, *]                                  $
target                        float     100                                     $
DOT:$
digraph autoscale {$
graph [throughput="0.00 points/s"];$
$
stream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];$
stream0 -> from1 [processed="0"];$
$
from1 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];$
from1 -> http_out2 [processed="0"];$
$
http_out2 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];$
}$
`));
});

test('show without vars: one empty line after the script, then DOT; error line; zero LastEnabled (Appendix D)', () => {
  const out = formatShow({
    id: 't', 'template-id': '', type: 'stream', status: 'disabled', executing: false, error: 'boom: something failed',
    created: '2016-11-08T18:21:07+01:00', modified: '2016-11-08T18:21:07Z', 'last-enabled': '0001-01-01T00:00:00Z',
    dbrps: [{ db: 'a', rp: 'b' }], script: 'stream\n', vars: {}, dot: 'digraph t {\n}',
  });
  assert.equal(out, 'ID: t\nError: boom: something failed\nTemplate: \nType: stream\nStatus: disabled\nExecuting: false\n' +
    'Created: 08 Nov 16 18:21 +0100\nModified: 08 Nov 16 18:21 UTC\nLastEnabled: 01 Jan 01 00:00 UTC\n' +
    'Databases Retention Policies: ["a"."b"]\nTICKscript:\nstream\n\nDOT:\ndigraph t {\n}\n');
});

test('stats general: labels and values padded to 30 (Appendix D)', () => {
  const out = formatStatsGeneral({
    cluster_id: '7b4d5ca3-8074-403f-99b9-e1743c3dbbff', server_id: '94d0f5ea-5a57-4573-a279-e69a81fc5b5c',
    host: 'kapacitor-3uuir', num_tasks: 2, num_enabled_tasks: 1, num_subscriptions: 0, platform: 'OSS', version: '1.8.3',
  });
  assert.equal(out, D(`ClusterID:                    7b4d5ca3-8074-403f-99b9-e1743c3dbbff$
ServerID:                     94d0f5ea-5a57-4573-a279-e69a81fc5b5c$
Host:                         kapacitor-3uuir               $
Tasks:                        2                             $
Enabled Tasks:                1                             $
Subscriptions:                0                             $
Platform:                     OSS                           $
Version:                      1.8.3                         $
`));
});

test('stats ingress: dynamic widths, sorted rows, main task master only, counts right-aligned (Appendix D)', () => {
  const stat = (db: string, m: string, n: number, tm = 'main') => ({ name: 'ingress', tags: { task_master: tm, database: db, retention_policy: 'autogen', measurement: m }, values: { points_received: n } });
  const out = formatStatsIngress({ kapacitor: { a: stat('autoscale', 'requests', 120), b: stat('_kapacitor', 'kapacitor', 7), c: stat('x', 'y', 5, 'replay'), d: { name: 'nodes', tags: {}, values: {} } } });
  assert.equal(out, D(`Database   Retention Policy Measurement Points Received$
_kapacitor autogen          kapacitor                 7$
autoscale  autogen          requests                120$
`));
  assert.equal(formatStatsIngress({ kapacitor: {} }), 'Database Retention Policy Measurement Points Received\n');
});

test('vars values print as the Go client decodes them: int64, time.Duration, float64 %v', () => {
  const out = formatShow({ id: 't', dbrps: [], script: 's\n', dot: '', vars: {
    n: { type: 'int', value: 60 }, d: { type: 'duration', value: 60000000000 }, f: { type: 'float', value: 15000000 },
    s: { type: 'string', value: 'x y' }, b: { type: 'bool', value: true },
  } });
  const rows = out.split('\n').filter((l) => /^[bdfns] /.test(l)).map((l) => l.trimEnd().split(/ +/));
  assert.deepEqual(rows, [['b', 'bool', 'true'], ['d', 'duration', '1m0s'], ['f', 'float', '1.5e+07'], ['n', 'int', '60'], ['s', 'string', 'x', 'y']]);
});

test('list templates and show-template layouts', () => {
  assert.equal(formatTemplateList([{ id: 'tpl', type: 'stream', vars: { b: { type: 'int', value: 1 }, a: { type: 'float', value: 1 } } }]),
    'ID  Type      Vars                                    \ntpl stream    a,b                                     \n');
  const out = formatShowTemplate({ id: 'tpl', type: 'stream', error: '', created: '2016-11-08T18:21:07Z', modified: '2016-11-08T18:21:07Z',
    script: 'var x int\n', vars: { x: { type: 'int', value: null, description: 'the x' } }, dot: 'digraph tpl {\n}' });
  assert.match(out, /\nVars:\nName {26}Type {6}Default Value {27}Description\nx {29}int {7}<required> {30}the x\nDOT:\n/);
});

test('Go formatting helpers: %v floats, RFC822, dbrp flag values, query order, single-dash flags', () => {
  assert.equal(rfc822('2026-01-02T03:04:05.123456789-05:30'), '02 Jan 26 03:04 -0530');
  assert.deepEqual(parseDBRP('autoscale.autogen'), { db: 'autoscale', rp: 'autogen' });
  assert.deepEqual(parseDBRP('"my.db"."rp"'), { db: 'my.db', rp: 'rp' });
  assert.deepEqual(parseDBRP('"a\\"b".rp'), { db: 'a"b', rp: 'rp' });
  assert.throws(() => parseDBRP(''), /dbrp cannot be empty/);
  assert.throws(() => parseDBRP('nodot'), /does not contain a '\.'/);
  assert.throws(() => parseDBRP('"db"rp'), /must specify retention policy/);
  // Appendix D: the list request of the real CLI
  assert.equal(encodeQuery([['dot-view', 'attributes'], ['fields', 'type'], ['fields', 'status'], ['limit', '100'], ['offset', '0'], ['pattern', ''], ['replay-id', ''], ['script-format', 'formatted']]),
    'dot-view=attributes&fields=type&fields=status&limit=100&offset=0&pattern=&replay-id=&script-format=formatted');
  assert.deepEqual(goFlagsToCommander(['autoscale', '-tick', 'a.tick', '-dbrp=a.b', '-no-reload', '--type', 'stream', '--', '-x']),
    ['autoscale', '--tick', 'a.tick', '--dbrp=a.b', '--no-reload', '--type', 'stream', '--', '-x']);
});
