/**
 * Go `flag`-style arguments on top of commander: Kapacitor's CLI takes single-dash long flags (`-tick x`,
 * `-dbrp=db.rp`, `-no-reload`); commander wants `--tick`. Both forms are accepted.
 */
import { Command, CommanderError } from 'commander';
import { CliError } from './client.ts';

/** A usage error: message, then the command's usage, exit 2 (SPEC 6.1). */
export class UsageError extends CliError {
  constructor(message: string, readonly command: string) {
    super(message, 2);
  }
}

/** `-tick` → `--tick`, `-dbrp=a.b` → `--dbrp=a.b`; short flags, values and everything after `--` are kept. */
export function goFlagsToCommander(args: readonly string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const a of args) {
    if (rest) { out.push(a); continue; }
    if (a === '--') { rest = true; out.push(a); continue; }
    out.push(/^-[A-Za-z][A-Za-z0-9_-]+(=.*)?$/s.test(a) ? '-' + a : a);
  }
  return out;
}

export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '-h' || a === '-help' || a === '--help') return true;
  }
  return false;
}

export interface Parsed<T> {
  opts: T;
  args: string[];
}

/**
 * Parses a command's arguments with the options `configure` declares. Flag errors become CliError exit 2
 * (SPEC 6.1), reported with the command's usage.
 */
export function parseFlags<T>(name: string, args: readonly string[], configure: (c: Command) => void): Parsed<T> {
  const cmd = new Command(name)
    .exitOverride()
    .helpOption(false)
    .allowExcessArguments(true)
    .argument('[args...]')
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  configure(cmd);
  try {
    cmd.parse(goFlagsToCommander(args), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander: "error: unknown option '--foo'" → Go-like wording with the flag as the user typed it
      let msg = e.message.replace(/^error: /, '').replace(/'--([A-Za-z][\w-]*)'/g, '-$1');
      let m = /^unknown option (\S+)/.exec(msg);
      if (m) msg = `flag provided but not defined: ${m[1]}`;
      m = /^option '--([\w-]+)[^']*' argument missing/.exec(msg);
      if (m) msg = `flag needs an argument: -${m[1]}`;
      throw new UsageError(msg, name);
    }
    throw e;
  }
  return { opts: cmd.opts() as T, args: cmd.args };
}

/** commander accumulator for repeatable flags (`-dbrp a.b -dbrp c.d`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
