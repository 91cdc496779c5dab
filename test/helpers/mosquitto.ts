/**
 * Test helper: a real MQTT broker (`mosquitto` from Debian's package) as a subprocess on a free 127.0.0.1 port with
 * a temporary config, stopped and removed by `stop()`. A missing binary throws naming the install command, so the
 * MQTT tests fail (never skip) on a machine without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './influxd.ts';
import { until } from './until.ts';

export const MOSQUITTO_INSTALL_HINT = 'install the MQTT broker: apt-get update && apt-get install -y mosquitto';

export interface MosquittoProcess {
  readonly port: number;
  /** `tcp://127.0.0.1:<port>` or `ssl://…` (Kapacitor's [[mqtt]] url forms) */
  readonly url: string;
  log(): string;
  stop(): Promise<void>;
}

export function mosquittoPath(): string | undefined {
  // Debian installs it in /usr/sbin, which is not on every user's PATH
  const r = spawnSync('/bin/sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/sbin` } });
  const p = (r.stdout ?? '').trim();
  return r.status === 0 && p !== '' ? p : undefined;
}

export interface MosquittoOptions {
  /** a TLS listener (url `ssl://127.0.0.1:<port>`) that requires a client certificate signed by `ca` */
  readonly tls?: { ca: string; cert: string; key: string };
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<MosquittoProcess> {
  const bin = mosquittoPath();
  if (!bin) throw new Error(`mosquitto not found; ${MOSQUITTO_INSTALL_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const tls = opts.tls ? [`cafile ${opts.tls.ca}`, `certfile ${opts.tls.cert}`, `keyfile ${opts.tls.key}`, 'require_certificate true'] : [];
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, ...tls, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning', ''].join('\n'));
  const proc = spawn(bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  let exited = false;
  const exit = new Promise<void>((r) => proc.once('exit', () => { exited = true; r(); }));
  const stop = async (): Promise<void> => {
    if (!exited) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('mosquitto to accept connections', () => {
      if (exited) throw new Error(`mosquitto exited: ${out}`);
      return new Promise<boolean>((resolve) => {
        const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      });
    }, 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, url: `${opts.tls ? 'ssl' : 'tcp'}://127.0.0.1:${port}`, log: () => out, stop };
}
