/**
 * Every log line the server writes is a JSON object without duplicate keys (pino child bindings once produced
 * `"service":"kapacitord","service":"task_store"`, which JSON consumers read as only one of the two). The server is
 * driven through startup, task create/enable (good and failing), writes, a 404 and shutdown, at DEBUG level.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { startDaemon } from '../../server/daemon.ts';
import { createLogger } from '../../server/logger.ts';
import { tempDir } from './helpers.ts';

/** Duplicate keys of any object in one JSON text, as `path.key`; throws on malformed JSON. */
export function duplicateKeys(text: string): string[] {
  let i = 0;
  const dups: string[] = [];
  const ws = (): void => { while (/\s/.test(text[i] ?? '')) i++; };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (text[i] !== '"') {
      if (i >= text.length) throw new Error(`unterminated string at ${start}`);
      i += text[i] === '\\' ? 2 : 1;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        const k = str();
        if (seen.has(k)) dups.push(path + k);
        seen.add(k);
        ws();
        if (text[i++] !== ':') throw new Error(`expected : at ${i - 1}`);
        value(`${path}${k}.`);
        ws();
        const sep = text[i++];
        if (sep === '}') return;
        if (sep !== ',') throw new Error(`expected , or } at ${i - 1}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(path);
        ws();
        const sep = text[i++];
        if (sep === ']') return;
        if (sep !== ',') throw new Error(`expected , or ] at ${i - 1}`);
      }
    }
    if (c === '"') { str(); return; }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`);
    i += m[0].length;
  };
  value('');
  ws();
  if (i !== text.length) throw new Error(`trailing text at ${i}`);
  return dups;
}

it('the duplicate-key check finds duplicates at any depth', () => {
  assert.deepEqual(duplicateKeys('{"service":"a","service":"b"}'), ['service']);
  assert.deepEqual(duplicateKeys('{"a":{"x":1,"y":[{"z":1,"z":2}],"x":3}}'), ['a.y.z', 'a.x']);
  assert.deepEqual(duplicateKeys('{"a":"\\"a\\"","b":[1,2.5e3,true,null]}'), []);
});

it('server log lines have no duplicate keys; components are told apart by `component`', async (t) => {
  const dir = tempDir('tickstream-logkeys-');
  t.after(() => dir.remove());
  const logFile = join(dir.path, 'kapacitord.log');
  const config = loadConfig({ env: {
    KAPACITOR_DATA_DIR: join(dir.path, 'data'), KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0',
    KAPACITOR_LOGGING_LEVEL: 'DEBUG', KAPACITOR_LOGGING_FILE: logFile, KAPACITOR_HTTP_WRITE_TRACING: 'true',
  } });
  const d = await startDaemon(config, createLogger(config.logging));
  let closed = false;
  t.after(async () => { if (!closed) await d.close(); });
  const api = d.url + '/kapacitor/v1';
  const define = (id: string, script: string): Promise<Response> => fetch(api + '/tasks', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, dbrps: [{ db: 'db', rp: 'autogen' }], script, status: 'enabled' }),
  });
  assert.equal((await define('ok', "stream\n    |from()\n        .measurement('m')\n    |httpOut('out')\n")).status, 200);
  // fails at start (Kubernetes disabled): logged by the task store
  assert.equal((await define('k8s', "stream\n    |from()\n        .measurement('m')\n    |k8sAutoscale()\n        .resourceName('app')\n        .replicas(lambda: 1)\n")).status, 500);
  assert.equal((await fetch(d.url + '/write?db=db&rp=autogen', { method: 'POST', body: 'm value=1\nbad line' })).status, 400);
  assert.equal((await fetch(d.url + '/write?db=db&rp=autogen', { method: 'POST', body: 'm value=2' })).status, 204);
  assert.equal((await fetch(d.url + '/nosuch')).status, 404);
  await d.close();
  closed = true;

  const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 8, `expected a line per request at least, got ${lines.length}`);
  for (const line of lines) assert.deepEqual(duplicateKeys(line), [], line);
  const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const o of objs) assert.equal(o.service, 'kapacitord', JSON.stringify(o));
  assert.ok(objs.some((o) => o.msg === 'http request'), 'access log lines are present');
  // the lines that used to carry a second `service` key
  assert.ok(objs.some((o) => o.component === 'task_store' && o.task === 'k8s' && o.msg === 'failed to start task'), lines.join('\n'));
});
