/**
 * [[httppost]] endpoints and the server identity reach the runtime through the real server: an httpPost node and
 * an alert `.post()` using `.endpoint(name)` (SPEC 3.13, 3.15), with the endpoint's headers and basic auth, and
 * alert templates seeing `.ServerInfo` (hostname from config, cluster id as in /debug/vars, SPEC 5.5).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { configToToml, httpPostEndpoints, loadConfig } from '../../config/index.ts';
import { startDaemon } from '../../server/daemon.ts';
import { silentLogger } from '../../server/logger.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('tickstream-httppost-');
after(() => dir.remove());
const file = (text: string): string => dir.file(text);

describe('[[httppost]] configuration', () => {
  it('builds endpoints: headers as given, basic-auth as an Authorization header (Go SetBasicAuth)', () => {
    const c = loadConfig({ env: {}, path: file(`
[[httppost]]
  endpoint = "a"
  url = "http://example.com/a"
  headers = { X-Token = "abc" }
  basic-auth = { username = "user", password = "pass" }
[[httppost]]
  endpoint = "b"
  url = "https://example.com/b"
`) });
    // `kapacitord config` prints the table keys as sub-tables of each [[httppost]]; they load back the same
    assert.deepEqual(loadConfig({ env: {}, path: file(configToToml(c)) }).httppost, c.httppost);
    const eps = httpPostEndpoints(c.httppost);
    // base64("user:pass") = "dXNlcjpwYXNz" (RFC 7617 example encoding, computed by hand)
    assert.deepEqual(eps.get('a'), { url: 'http://example.com/a', headers: { 'X-Token': 'abc', Authorization: 'Basic dXNlcjpwYXNz' } });
    assert.deepEqual(eps.get('b'), { url: 'https://example.com/b', headers: {} });
  });

  it('can be given entirely through the environment, as the packaged file documents', () => {
    const c = loadConfig({ env: {
      KAPACITOR_HTTPPOST_0_ENDPOINT: 'example', KAPACITOR_HTTPPOST_0_URL: 'http://example.com',
      KAPACITOR_HTTPPOST_0_HEADERS_Example: 'header', KAPACITOR_HTTPPOST_0_BASIC_AUTH_USERNAME: 'u',
      KAPACITOR_HTTPPOST_0_BASIC_AUTH_PASSWORD: 'p',
    } });
    assert.deepEqual(c.httppost[0]!.headers, { Example: 'header' });
    assert.deepEqual(c.httppost[0]!.basicAuth, { username: 'u', password: 'p' });
    // base64("u:p") = "dTpw"
    assert.equal(httpPostEndpoints(c.httppost).get('example')!.headers!.Authorization, 'Basic dTpw');
  });

  it('startup errors name the section and key', () => {
    const bad = (text: string, message: string): void => {
      assert.throws(() => loadConfig({ env: {}, path: file(text) }), { message });
    };
    bad('[[httppost]]\nurl = "http://x"\n', 'config: key "httppost[0].endpoint": must specify endpoint name');
    bad('[[httppost]]\nendpoint = "a"\n', 'config: key "httppost[0].url": must specify url');
    bad('[[httppost]]\nendpoint = "a"\nurl = "not a url"\n', 'config: key "httppost[0].url": invalid URL "not a url"');
    bad('[[httppost]]\nendpoint = "a"\nurl = "ftp://x/"\n', 'config: key "httppost[0].url": invalid URL "ftp://x/": scheme must be http or https');
    bad('[[httppost]]\nendpoint = "a"\nurl = "http://x"\n[[httppost]]\nendpoint = "a"\nurl = "http://y"\n',
      'config: key "httppost[1].endpoint": endpoint "a" is already defined by httppost[0]');
    bad('[[httppost]]\nendpoint = "a"\nurl = "http://x"\nheaders = { X = 1 }\n', 'config: key "httppost[0].headers": "X": expected string, got integer');
    bad('[[httppost]]\nendpoint = "a"\nurl = "http://x"\nbasic-auth = { user = "u" }\n',
      'config: key "httppost[0].basic-auth": unknown key "user" (basic-auth has username and password)');
    bad('[[httppost]]\nendpoint = "a"\nurl = "http://x"\nrow-template = "{{.Name}}"\n',
      'config: key "httppost[0].row-template": body templates are not supported by tickstream (it posts Kapacitor\'s default JSON body); remove the key');
    bad('[[httppost]]\nendpoint = "a"\nurl = "http://x"\nalert-template-file = "/t"\n',
      'config: key "httppost[0].alert-template-file": body templates are not supported by tickstream (it posts Kapacitor\'s default JSON body); remove the key');
    assert.throws(() => loadConfig({ env: { KAPACITOR_HTTPPOST_0_ENDPOINT: 'a', KAPACITOR_HTTPPOST_0_URL: 'http://x', KAPACITOR_HTTPPOST_0_HEADERS: 'x' } }),
      { message: 'config: KAPACITOR_HTTPPOST_0_HEADERS: key "httppost[0].headers": a table of strings cannot be set through the environment; set it in the configuration file' });
  });
});

interface Received { url: string; headers: IncomingHttpHeaders; body: string }

describe('through the server', () => {
  it('httpPost().endpoint() and alert .post().endpoint() use the configured endpoint; templates see .ServerInfo', async (t) => {
    const received: Received[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => { body += c; });
      req.on('end', () => { received.push({ url: req.url ?? '', headers: req.headers, body }); res.end(); });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    const data = join(dir.path, 'data');
    const config = loadConfig({
      env: { KAPACITOR_DATA_DIR: data, KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_HOSTNAME: 'my-host' },
      path: file(`
[[httppost]]
  endpoint = "rows"
  url = "${base}/rows"
  headers = { X-Token = "abc" }
  basic-auth = { username = "user", password = "pass" }
[[httppost]]
  endpoint = "alerts"
  url = "${base}/alerts"
`),
    });
    const d = await startDaemon(config, silentLogger());
    t.after(() => d.close());
    const api = d.url + '/kapacitor/v1';
    const define = async (id: string, script: string): Promise<void> => {
      const r = await fetch(api + '/tasks', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, dbrps: [{ db: 'db', rp: 'autogen' }], script, status: 'enabled' }),
      });
      assert.equal(r.status, 200, await r.text());
    };
    await define('rows', `stream\n    |from()\n        .measurement('m')\n    |httpPost()\n        .endpoint('rows')\n        .header('X-Extra', '1')\n`);
    await define('alerts', `stream\n    |from()\n        .measurement('m')\n    |alert()\n        .id('{{ .ServerInfo.Hostname }}/{{ .ServerInfo.ClusterID }}/{{ .ServerInfo.ServerID }}')\n        .crit(lambda: TRUE)\n        .post()\n        .endpoint('alerts')\n`);
    const vars = (await (await fetch(api + '/debug/vars')).json()) as { cluster_id: string; server_id: string };

    const w = await fetch(d.url + '/write?db=db&rp=autogen&precision=s', { method: 'POST', body: 'm value=1 1478629267' });
    assert.equal(w.status, 204);
    const deadline = Date.now() + 5000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(received.length, 2, JSON.stringify(received));

    const rows = received.find((r) => r.url === '/rows')!;
    // SPEC 3.13: {"series":[<row as in httpOut>]} + newline; times as RFC3339 (Project decisions)
    assert.equal(rows.body, '{"series":[{"name":"m","columns":["time","value"],"values":[["2016-11-08T18:21:07Z",1]]}]}\n');
    assert.equal(rows.headers['x-token'], 'abc');
    assert.equal(rows.headers['x-extra'], '1');
    assert.equal(rows.headers.authorization, 'Basic dXNlcjpwYXNz');

    const alert = received.find((r) => r.url === '/alerts')!;
    const body = JSON.parse(alert.body) as { id: string; level: string };
    assert.match(vars.cluster_id, /^[0-9a-f-]{36}$/);
    assert.equal(body.id, `my-host/${vars.cluster_id}/${vars.server_id}`);
    assert.equal(body.level, 'CRITICAL');
    assert.equal(alert.headers.authorization, undefined);
  });
});
