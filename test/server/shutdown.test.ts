/**
 * Graceful shutdown (brief; ECOSYSTEM 3.1): closing flips readiness first, stops accepting connections, lets an
 * in-flight write finish (its points are routed, 204), then runs the registered close hooks.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { startDaemon } from '../../server/daemon.ts';
import { silentLogger } from '../../server/logger.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('tickstream-shutdown-');
after(() => dir.remove());

it('finishes an in-flight write, then closes hooks; readyz is 503 while closing', async () => {
  const config = loadConfig({ env: { KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_DATA_DIR: dir.path } });
  const daemon = await startDaemon(config, silentLogger());
  const hooks: string[] = [];
  daemon.lifecycle.onClose(() => { hooks.push('closed'); }, 'test hook');
  const port = daemon.address.port;
  assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);

  // a write whose body is still arriving when shutdown starts
  const response = new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/write?db=shutdown&rp=r', headers: { 'transfer-encoding': 'chunked' } },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)); });
    req.on('error', reject);
    req.write('m f=1 1\n');
    setTimeout(() => {
      const closing = daemon.close();
      assert.equal(daemon.lifecycle.state === 'closing' || daemon.lifecycle.state === 'closed', true);
      assert.deepEqual(hooks, [], 'hooks must wait for in-flight requests');
      req.end('m f=2 2\n');
      closing.catch(reject);
    }, 100);
  });
  assert.equal(await response, 204);
  await daemon.close();
  assert.deepEqual(hooks, ['closed']);
  assert.equal(daemon.lifecycle.state, 'closed');
  await assert.rejects(fetch(`http://127.0.0.1:${port}/kapacitor/v1/ping`), 'no longer accepting connections');
});
