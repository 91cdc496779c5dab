/**
 * Test helper: a real `nats-server -js` on 127.0.0.1, a free port and a temporary store directory. Missing
 * binary → the test fails with the install command. `stop()` kills it and removes the directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServer {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

export const INSTALL_HINT = 'install nats-server: apt-get install -y nats-server';

export function natsServerPath(): string {
  for (const p of ['nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server']) {
    const r = spawnSync(p, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return p;
  }
  throw new Error(INSTALL_HINT);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startNatsServer(): Promise<NatsServer> {
  const bin = natsServerPath();
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-nats-'));
  const port = await freePort();
  const proc = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => { void stop(); reject(new Error(`nats-server did not start:\n${log}`)); }, 10000);
    const onData = (d: Buffer): void => {
      log += d.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        proc.stderr!.off('data', onData);
        proc.stdout!.off('data', onData);
        proc.stderr!.resume();
        proc.stdout!.resume();
        resolve();
      }
    };
    proc.stderr!.on('data', onData);
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`nats-server exited with ${code}:\n${log}`)); });
  });
  return { url: `nats://127.0.0.1:${port}`, port, proc, stop };
}
