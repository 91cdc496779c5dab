// The topic verbs of the kapacitor CLI against a real kapacitord (layouts from Kapacitor 1.8's
// cmd/kapacitor/main.go: list topics `%-{ID+1}v%-{Level+1}v%10v`, list topic-handlers `%-{n+1}v` with
// minimum 10 per column, show-topic `%-{Event+1}s%-9s%-{Message+1}s%-23s`, show-topic-handler lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, startServer, write } from '../cli/processes.ts';

test('define-topic-handler (YAML, JSON), list/show topics and handlers, delete', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-topic-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const srv = await startServer(dir);
  t.after(() => srv.stop());
  const k = (...a: string[]) => kapacitor(srv.url, ...a);
  const log = join(dir, 'ops.log');

  writeFileSync(join(dir, 'log.yaml'), `topic: ops\nid: log1\nkind: log\noptions:\n  path: ${log}\n`);
  let r = await k('define-topic-handler', join(dir, 'log.yaml'));
  assert.deepEqual([r.code, r.stderr], [0, '']);
  writeFileSync(join(dir, 'tcp.json'), JSON.stringify({ topic: 'ops', id: 'tcp_handler', kind: 'tcp', options: { address: '127.0.0.1:1' } }));
  assert.equal((await k('define-topic-handler', join(dir, 'tcp.json'))).code, 0);

  const tick = join(dir, 'cpu.tick');
  writeFileSync(tick, "stream\n    |from()\n        .measurement('cpu')\n        .groupBy('host')\n    |alert()\n        .warn(lambda: \"value\" > 80)\n        .crit(lambda: \"value\" > 90)\n        .topic('ops')\n");
  assert.equal((await k('define', 'cpu_alert', '-tick', tick, '-dbrp', 'telegraf.autogen')).code, 0);
  assert.equal((await k('enable', 'cpu_alert')).code, 0);
  assert.equal(await write(srv.url, 'telegraf', 'autogen', 'cpu,host=a value=95 1478629267\ncpu,host=server02 value=85 1478629327\n'), 204);

  // the topic's handler got the events (log: one alert data JSON per line)
  const logged = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; level: string });
  assert.deepEqual(logged.map((x) => [x.id, x.level]), [['cpu:host=a', 'CRITICAL'], ['cpu:host=server02', 'WARNING']]);

  r = await k('list', 'topics');
  assert.equal(r.stdout, 'ID  Level     Collected\nops CRITICAL          2\n');
  r = await k('show-topic', 'ops');
  // widths: Event = len("cpu:host=server02") = 17, Message = len("cpu:host=server02 is WARNING") = 28; sorted by time
  assert.equal(r.stdout, 'ID: ops\nLevel: CRITICAL\nCollected: 2\nHandlers: [log1, tcp_handler]\nEvents:\n' +
    'Event             Level    Message                      Date                   \n' +
    'cpu:host=a        CRITICAL cpu:host=a is CRITICAL       08 Nov 16 18:21 UTC    \n' +
    'cpu:host=server02 WARNING  cpu:host=server02 is WARNING 08 Nov 16 18:22 UTC    \n');
  r = await k('list', 'topic-handlers');
  assert.equal(r.stdout, 'Topic      ID          Kind       \nops        log1        log        \nops        tcp_handler tcp        \n');
  r = await k('list', 'topic-handlers', 'o*', 't*');
  assert.equal(r.stdout, 'Topic      ID          Kind       \nops        tcp_handler tcp        \n');
  r = await k('show-topic-handler', 'ops', 'tcp_handler');
  assert.equal(r.stdout, 'ID: tcp_handler\nTopic: ops\nKind: tcp\nMatch: \nOptions: {"address":"127.0.0.1:1"}\n');

  // updating an existing handler replaces it (PUT)
  writeFileSync(join(dir, 'tcp.json'), JSON.stringify({ topic: 'ops', id: 'tcp_handler', kind: 'tcp', options: { address: '127.0.0.1:2' } }));
  assert.equal((await k('define-topic-handler', join(dir, 'tcp.json'))).code, 0);
  assert.match((await k('show-topic-handler', 'ops', 'tcp_handler')).stdout, /Options: \{"address":"127.0.0.1:2"\}\n$/);

  // bad files and specs: the field is named, nothing changes
  writeFileSync(join(dir, 'bad.yaml'), 'topic: ops\nid: bad\nkind: log\noptions: [1, 2]\n');
  r = await k('define-topic-handler', join(dir, 'bad.yaml'));
  assert.deepEqual([r.code, r.stderr], [3, `Error: failed to unmarshal yaml handler file "${join(dir, 'bad.yaml')}": field "options" must be a mapping, got [1,2]\n`]);
  writeFileSync(join(dir, 'bad2.yaml'), 'topic: ops\nid: bad\nkind: tcp\noptions:\n  addr: x\n');
  r = await k('define-topic-handler', join(dir, 'bad2.yaml'));
  assert.deepEqual([r.code, r.stderr], [3, "Error: failed to create handler: failed to decode options into alert.TCPHandlerConfig: '' has invalid keys: addr\n"]);
  writeFileSync(join(dir, 'bad3.yaml'), 'topic: ops\nid: [x\n');
  r = await k('define-topic-handler', join(dir, 'bad3.yaml'));
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^Error: failed to unmarshal yaml handler file ".*bad3.yaml": /);
  r = await k('show-topic-handler', 'ops', 'bad');
  assert.deepEqual([r.code, r.stderr], [3, 'Error: unknown handler: "bad"\n']);
  r = await k('show-topic', 'nope');
  assert.deepEqual([r.code, r.stderr], [3, 'Error: unknown topic: "nope"\n']);

  assert.equal((await k('delete', 'topic-handlers', 'ops', 'tcp*')).code, 0);
  assert.equal((await k('list', 'topic-handlers')).stdout, 'Topic      ID          Kind       \nops        log1        log        \n'.replace('ID          ', 'ID         ').replace('log1        ', 'log1       '));
  assert.equal((await k('delete', 'topics', 'o*')).code, 0);
  assert.equal((await k('list', 'topics')).stdout, 'ID Level     Collected\n');
});
