/**
 * Test helpers for the examples: spawning TypeScript entry points, waiting for a line on stdout, and a fake
 * InfluxDB /write receiver on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of `re` on stdout (rejects on exit or after `ms`). */
  waitFor: (re: RegExp, ms?: number) => Promise<RegExpMatchArray>;
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after 5 s). */
  stop: () => Promise<number | null>;
}

export function spawnTs(entry: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(re, ms = 15000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = out.match(re);
          if (m) { cleanup(); resolve(m); return true; }
          return false;
        };
        const onData = (): void => { check(); };
        const onExit = (code: number | null): void => {
          cleanup();
          reject(new Error(`process exited (${code}) before printing ${re}; stdout: ${out} stderr: ${err}`));
        };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out waiting for ${re}; stdout: ${out} stderr: ${err}`)); }, ms);
        function cleanup(): void {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          child.off('exit', onExit);
        }
        if (check()) return;
        child.stdout!.on('data', onData);
        child.once('exit', onExit);
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        const code = await exited;
        clearTimeout(t);
        return code;
      }
      return child.exitCode;
    },
  };
}

export interface WriteReceiver {
  server: Server;
  url: string;
  /** Every request received: arrival time (ms), method, path with query, headers, body. */
  requests: { at: number; method: string; url: string; contentType: string | undefined; body: string }[];
  close: () => Promise<void>;
}

/** A fake InfluxDB-compatible /write endpoint answering `status` (204 by default). */
export async function startWriteReceiver(status = 204): Promise<WriteReceiver> {
  const requests: WriteReceiver['requests'] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => {
      requests.push({ at: Date.now(), method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
