/**
 * kapacitord wires KAPACITOR_BLACKLIST_CIDRS and KAPACITOR_DISABLE_HANDLERS into the tasks it runs: an httpPost
 * aimed at a listed address counts errors (visible in the task's node-stats) while the server keeps serving, and
 * enabling a task whose alert uses a disabled handler fails with the reason.
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { startDaemon } from '../../server/daemon.ts';
import { silentLogger } from '../../server/logger.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('tickstream-guard-wiring-');
after(() => dir.remove());

it('blacklist and disabled handlers reach the running tasks', async () => {
  const d = await startDaemon(loadConfig({ env: {
    KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_DATA_DIR: dir.path, KAPACITOR_HTTP_LOG_ENABLED: 'false',
    KAPACITOR_BLACKLIST_CIDRS: '169.254.0.0/16', KAPACITOR_DISABLE_HANDLERS: 'post',
  } }), silentLogger());
  try {
    const api = (method: string, path: string, body?: unknown): Promise<Response> =>
      fetch(d.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    const created = await api('POST', '/kapacitor/v1/tasks', {
      id: 'meta', type: 'stream', dbrps: [{ db: 'd', rp: 'r' }], status: 'enabled',
      script: "stream\n    |from()\n        .measurement('m')\n    |httpPost('http://169.254.169.254/latest/meta-data/')\n",
    });
    assert.equal(created.status, 200, await created.clone().text());
    assert.equal((await fetch(d.url + '/write?db=d&rp=r', { method: 'POST', body: 'm v=1 1' })).status, 204);
    let errors = 0;
    for (let i = 0; i < 100 && errors === 0; i++) {
      const task = await (await api('GET', '/kapacitor/v1/tasks/meta')).json() as { stats: { 'node-stats': Record<string, { errors: number }> } };
      errors = task.stats['node-stats']['http_post2']?.errors ?? 0;
      if (errors === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(errors, 1);
    assert.equal((await api('GET', '/kapacitor/v1/ping')).status, 204, 'still serving');

    const alert = await api('POST', '/kapacitor/v1/tasks', {
      id: 'alerting', type: 'stream', dbrps: [{ db: 'd', rp: 'r' }], status: 'enabled',
      script: "stream\n    |from()\n        .measurement('m')\n    |alert()\n        .crit(lambda: \"v\" > 0)\n        .post('http://example.com/')\n",
    });
    const text = await alert.text();
    assert.match(text, /alert handler \\?"post\\?" is disabled on this server/);
  } finally {
    await d.close();
  }
});
