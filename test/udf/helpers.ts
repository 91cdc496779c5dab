/** Shared setup for the UDF tests: how to run a test agent as a child process, pid checks, a daemon with [udf]. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../config/index.ts';

/**
 * `prog`/`args` that run test/udf/agents/<file> under node: `.ts` agents through tsx, `.mjs` ones directly
 * (absolute paths: the working directory does not matter).
 */
export function agentCommand(file: string, ...args: string[]): { prog: string; args: string[] } {
  const path = fileURLToPath(new URL(`./agents/${file}`, import.meta.url));
  const loader = file.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  return { prog: process.execPath, args: [...loader, path, ...args] };
}

/** TOML for one [udf.functions.NAME] process agent. */
export function processFunction(name: string, file: string, opts: { args?: string[]; timeout?: string; env?: Record<string, string> } = {}): string {
  const cmd = agentCommand(file, ...(opts.args ?? []));
  const env = opts.env ? `\n    [udf.functions.${name}.env]\n${Object.entries(opts.env).map(([k, v]) => `      ${k} = ${JSON.stringify(v)}`).join('\n')}` : '';
  return `  [udf.functions.${name}]\n    prog = ${JSON.stringify(cmd.prog)}\n    args = ${JSON.stringify(cmd.args)}\n    timeout = ${JSON.stringify(opts.timeout ?? '10s')}${env}\n`;
}

export function udfConfig(path: string, dataDir: string): Config {
  return loadConfig({ env: { KAPACITOR_DATA_DIR: dataDir, KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' }, path });
}

/** true while a process with this pid exists (signal 0 probes without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pids a faulty agent wrote to its pid file (one line each). */
export function pidsIn(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map(Number);
  } catch {
    return [];
  }
}
