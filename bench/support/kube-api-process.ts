/**
 * The kube-api test server (fixtures/kube-api) in a child process for benchmarks, so its HTTP handling does not
 * share the measured process's event loop; and a helper for its /_test/ control routes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  stop(): void;
}

export async function startApiProcess(delayMs: number): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'fixtures/kube-api/main.ts', '--port', '0', '--delay-ms', String(delayMs)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(buf);
      if (m) resolve(m[1]!);
      if (buf.length > 1 << 16) buf = buf.slice(-1024);
    });
    child.once('exit', (code) => reject(new Error(`kube-api exited with ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => { child.kill('SIGTERM'); } };
}

export async function control(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}
