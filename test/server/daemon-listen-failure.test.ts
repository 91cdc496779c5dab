// When the HTTP listen fails, startDaemon closes the services it created and rethrows the listen error; an error
// while closing them is logged, not swallowed (project rule: errors name what is wrong; a failure is counted or
// logged, never dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../config/index.ts';
import { startDaemon } from '../../server/daemon.ts';
import { createServices } from '../../server/services.ts';
import { tempDir } from './helpers.ts';

test('a services close error after a failed listen is logged; the listen error is thrown', async (t) => {
  const dir = tempDir('tickstream-listenfail-');
  t.after(() => dir.remove());
  // a port that is taken
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as { port: number }).port;

  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, new Writable({
    write(chunk: Buffer, _enc, cb) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); cb(); },
  }));
  const config = loadConfig({ env: { KAPACITOR_DATA_DIR: dir.path, KAPACITOR_HTTP_BIND_ADDRESS: `127.0.0.1:${port}` } });
  let realClosed = false;
  await assert.rejects(startDaemon(config, logger, {
    createServices: async (opts) => {
      const s = await createServices(opts);
      return { ...s, close: async () => { await s.close(); realClosed = true; throw new Error('store is busy'); } };
    },
  }), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
  assert.equal(realClosed, true);
  const logged = lines.find((l) => l.level === 50 && /closing the services after the failed listen: store is busy/.test(String(l.msg)));
  assert.ok(logged, JSON.stringify(lines));
  assert.equal((logged.err as { message: string }).message, 'store is busy');
});
