/**
 * The handlers of Kapacitor's `services/alert/handlers.go` that need no service config: `log` (append alert data
 * JSON to a file), `tcp` (write alert data JSON + newline to a TCP connection), `exec` (run a program with the
 * alert data JSON on its stdin), and `post` (services/httppost: POST alert data JSON to a URL or a
 * `[[httppost]]` endpoint).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { isAbsolute } from 'node:path';
import type { AlertEvent } from '../event.ts';
import { send } from '../http.ts';
import type { HandlerKind } from './types.ts';

/** Bytes of a program's output kept for the error message. */
const OUTPUT_LIMIT = 4096;

export const logKind: HandlerKind = {
  goType: 'alert.LogHandlerConfig',
  schema: { path: 'string', mode: 'int' },
  create(o) {
    const path = (o['path'] as string | undefined) ?? '';
    const mode = (o['mode'] as number | undefined) ?? 0o600;
    if ((mode & 0o200) === 0) throw new Error(`invalid file mode ${mode.toString(8)}, must be user writable`);
    if (!isAbsolute(path)) throw new Error(`log path must be absolute: ${path} is not absolute`);
    // a local file append is fast and ordered: written synchronously, like the script's .log()
    return {
      sync: (ev: AlertEvent) => {
        let fd: number | undefined;
        try {
          fd = openSync(path, 'a', mode);
          writeSync(fd, ev.alertDataJson());
        } finally {
          if (fd !== undefined) closeSync(fd);
        }
      },
    };
  },
};

export const tcpKind: HandlerKind = {
  goType: 'alert.TCPHandlerConfig',
  schema: { address: 'string' },
  create(o) {
    const address = (o['address'] as string | undefined) ?? '';
    const m = /^(.*):(\d+)$/.exec(address);
    if (!m) throw new Error(`tcp handler: invalid address ${JSON.stringify(address)}: want host:port`);
    const host = m[1]!.replace(/^\[(.*)\]$/, '$1') || 'localhost';
    const port = Number(m[2]);
    // Kapacitor writes the json.Encoder output (one newline) plus another newline
    return { deliver: (ev) => tcpSend(host, port, ev.alertDataJson() + '\n') };
  },
};

function tcpSend(host: string, port: number, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    sock.setTimeout(10_000, () => sock.destroy(new Error(`tcp ${host}:${port}: timed out`)));
    sock.once('error', (err) => reject(new Error(`tcp handler failed to connect to ${host}:${port}: ${err.message}`)));
    sock.once('connect', () => sock.end(data, () => resolve()));
  });
}

export const execKind: HandlerKind = {
  goType: 'alert.ExecHandlerConfig',
  schema: { prog: 'string', args: 'strings' },
  create(o) {
    const prog = (o['prog'] as string | undefined) ?? '';
    const args = (o['args'] as string[] | undefined) ?? [];
    if (prog === '') throw new Error('exec handler: prog must not be empty');
    return { deliver: (ev) => runProgram(prog, args, ev.alertDataJson()) };
  },
};

/** Runs prog with `input` on stdin; fails with its combined output when it cannot start or exits non-zero. */
export function runProgram(prog: string, args: readonly string[], input: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(prog, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    const keep = (d: Buffer): void => { if (out.length < OUTPUT_LIMIT) out += d.toString('utf8').slice(0, OUTPUT_LIMIT - out.length); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.stdin.on('error', () => {}); // a program that does not read its input is not an error by itself
    child.once('error', (err) => reject(new Error(`exec command failed: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`exec command failed: ${signal ? `killed by ${signal}` : `exit status ${code}`}${out ? `; output: ${out}` : ''}`));
    });
    child.stdin.end(input);
  });
}

export const postKind: HandlerKind = {
  goType: 'httppost.HandlerConfig',
  schema: { url: 'string', endpoint: 'string', headers: 'string-map', 'capture-response': 'bool', timeout: 'duration', 'skip-ssl-verification': 'bool' },
  create(o, deps) {
    let url = (o['url'] as string | undefined) ?? '';
    let headers: Record<string, string> = {};
    const endpoint = o['endpoint'] as string | undefined;
    if (endpoint !== undefined && endpoint !== '') {
      const ep = deps.httpPost.get(endpoint);
      if (!ep) throw new Error(`endpoint ${JSON.stringify(endpoint)} does not exist`);
      if (url === '') url = ep.url;
      headers = { ...ep.headers };
    }
    for (const [k, v] of Object.entries((o['headers'] as Record<string, string> | undefined) ?? {})) {
      if (k.toLowerCase() === 'authenticate') throw new Error("cannot set 'authenticate' header");
      headers[k] = v;
    }
    try { new URL(url); } catch { throw new Error(`post handler: invalid URL ${JSON.stringify(url)}`); }
    headers['Content-Type'] = 'application/json';
    const timeout = o['timeout'] as bigint | undefined;
    const timeoutMs = timeout !== undefined && timeout > 0n ? Math.max(1, Number(timeout / 1_000_000n)) : undefined;
    return { deliver: async (ev) => { await send({ url, body: ev.alertDataJson(), headers, timeoutMs }); } };
  },
};
