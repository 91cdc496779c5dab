/**
 * kapacitord's command line, Go-flag style like Kapacitor's: `kapacitord [run|config|version|help] [-flag value]`.
 * Flags take one or two dashes and `-flag value` or `-flag=value`.
 */

export type Command = 'run' | 'config' | 'version' | 'help';

export interface DaemonArgs {
  command: Command;
  configPath?: string;
  hostname?: string;
  pidfile?: string;
  logFile?: string;
  logLevel?: string;
  blacklistCidrs?: string;
  disableHandlers?: string;
}

const FLAGS: Record<string, keyof Omit<DaemonArgs, 'command'>> = {
  config: 'configPath',
  hostname: 'hostname',
  pidfile: 'pidfile',
  'log-file': 'logFile',
  'log-level': 'logLevel',
  'blacklist-cidrs': 'blacklistCidrs',
  'disable-handlers': 'disableHandlers',
};

export class UsageError extends Error {}

export const USAGE = `Usage: kapacitord [command] [flags]

Commands:
    run       run the server (default)
    config    print the effective configuration as TOML
    version   print the version
    help      show this help

Flags (run and config):
    -config <path>      configuration file (also KAPACITOR_CONFIG_PATH); optional
    -hostname <name>    override the configured hostname
    -pidfile <path>     write the process id to this file (run only)
    -log-file <path>    override [logging] file
    -log-level <level>  override [logging] level (debug, info, warn, error, off)
    -blacklist-cidrs <CIDR1,CIDR2,...|private>
                        addresses httpPost and alert .post() may not reach, checked after DNS
                        resolution and on every redirect (also KAPACITOR_BLACKLIST_CIDRS)
    -disable-handlers <handler1,handler2,...>
                        alert handlers tasks may not use, e.g. post (also KAPACITOR_DISABLE_HANDLERS)
`;

export function parseDaemonArgs(argv: readonly string[]): DaemonArgs {
  const out: DaemonArgs = { command: 'run' };
  let i = 0;
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-')) {
    if (first !== 'run' && first !== 'config' && first !== 'version' && first !== 'help') {
      throw new UsageError(`unknown command ${JSON.stringify(first)}`);
    }
    out.command = first;
    i = 1;
  }
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const body = arg.replace(/^--?/, '');
    if (body === 'h' || body === 'help') { out.command = 'help'; continue; }
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const prop = FLAGS[name];
    if (prop === undefined) throw new UsageError(`flag provided but not defined: -${name}`);
    let value: string | undefined;
    if (eq >= 0) value = body.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new UsageError(`flag needs an argument: -${name}`);
    out[prop] = value;
  }
  return out;
}
