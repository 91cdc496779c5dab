/**
 * `kapacitor`: the CLI, compatible with Kapacitor 1.8's (SPEC 6). `kapacitor [-url URL] [-skipVerify] <command> [args]`.
 * Exit codes (SPEC 6.1): 0 ok, 1 no/unknown command, 2 bad arguments, 3 command failed, 4 bad URL scheme.
 */
import type { Client } from './client.ts';
import type * as Cmd from './commands.ts';
import { versionLine } from './version.ts';

type Handler = (args: string[], ctx: Cmd.Ctx) => Promise<void>;

// Start-up time (issue 17): `kapacitor version` loads this file and version.ts only; the commands, the HTTP
// client, commander (flags.ts) and the usage texts are imported when a command needs them.
const flagsModule = (): Promise<typeof import('./flags.ts')> => import('./flags.ts');
const usageModule = (): Promise<typeof import('./usage.ts')> => import('./usage.ts');

async function commandTable(): Promise<Record<string, Handler>> {
  const [cmd, { whatif }, topics, { exportRecording, record, replay }] = await Promise.all([
    import('./commands.ts'), import('./whatif.ts'), import('./topics.ts'), import('./recordings.ts'),
  ]);
  return {
    define: cmd.define,
    'define-template': cmd.defineTemplate,
    enable: cmd.enable,
    disable: cmd.disable,
    reload: cmd.reload,
    delete: cmd.del,
    list: cmd.list,
    show: cmd.show,
    'show-template': cmd.showTemplateCmd,
    'define-topic-handler': topics.defineTopicHandler,
    'show-topic': topics.showTopic,
    'show-topic-handler': topics.showTopicHandler,
    stats: cmd.stats,
    vars: cmd.vars,
    version: cmd.version,
    level: cmd.level,
    whatif,
    record,
    replay,
    'export-recording': exportRecording,
  };
}

export interface RunEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly io: Cmd.Io;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function run(argv: readonly string[], { env, io }: RunEnv): Promise<number> {
  // global flags, Go style: they must precede the command
  let url = env['KAPACITOR_URL'] || 'http://localhost:9092';
  let skipVerify = false;
  const unsafe = env['KAPACITOR_UNSAFE_SSL'];
  if (unsafe !== undefined && unsafe !== '') {
    const parsed = parseGoBool(unsafe);
    if (parsed === undefined) {
      // Kapacitor's CLI prints strconv's error and exits 1
      io.err(`strconv.ParseBool: parsing ${JSON.stringify(unsafe)}: invalid syntax\n`);
      return 1;
    }
    skipVerify = parsed;
  }
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const { goFlagsToCommander } = await flagsModule();
    const { MAIN_USAGE } = await usageModule();
    const a = goFlagsToCommander([argv[i]!])[0]!;
    if (a === '--url' || a.startsWith('--url=')) {
      const v = a === '--url' ? argv[++i] : a.slice('--url='.length);
      if (v === undefined) return usageError(io, 'flag needs an argument: -url', MAIN_USAGE);
      url = v;
    } else if (a === '--skipVerify' || a === '--skipVerify=true') {
      skipVerify = true;
    } else if (a === '--skipVerify=false') {
      skipVerify = false;
    } else if (a === '-h' || a === '--help') {
      io.err(MAIN_USAGE);
      return 0;
    } else {
      return usageError(io, `flag provided but not defined: ${argv[i]}`, MAIN_USAGE);
    }
  }
  const name = argv[i];
  const rest = argv.slice(i + 1);
  // the common fast case, answered before anything else is loaded (the full path below prints the same line)
  if (name === 'version' && rest.length === 0) {
    io.out(versionLine() + '\n');
    return 0;
  }
  const [{ wantsHelp }, { MAIN_USAGE, USAGES }] = await Promise.all([flagsModule(), usageModule()]);
  if (name === undefined) {
    io.err(MAIN_USAGE);
    return 1;
  }
  if (name === 'help') {
    const topic = rest[0];
    io.out(topic !== undefined && USAGES[topic] ? USAGES[topic] : MAIN_USAGE);
    return 0;
  }
  if (name === 'test') {
    // ours: runs fixtures in-process (no server, no client) with its own exit codes
    if (wantsHelp(rest)) {
      io.err(USAGES['test']!);
      return 0;
    }
    // loaded on demand: it brings in the whole runtime, which the HTTP commands do not need
    const { testCommand } = await import('./test-command.ts');
    return testCommand(rest, io);
  }
  const [COMMANDS, { Client, CliError }, { UsageError }] = await Promise.all([commandTable(), import('./client.ts'), import('./commands.ts')]);
  const handler = COMMANDS[name];
  if (!handler) {
    io.err(`Unknown command ${name}\n${MAIN_USAGE}`);
    return 1;
  }
  if (wantsHelp(rest)) {
    // `record stream -h`: the subcommand's usage, as Kapacitor's record-stream flag set prints
    const sub = name === 'record' && rest[0] !== undefined ? USAGES[`record-${rest[0]}`] : undefined;
    io.err(sub ?? USAGES[name] ?? MAIN_USAGE);
    return 0;
  }
  let client: Client | undefined;
  const ctx: Cmd.Ctx = { io, client: () => (client ??= new Client(url, skipVerify)) };
  try {
    await handler([...rest], ctx);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, e.message, USAGES[e.command] ?? MAIN_USAGE);
    if (e instanceof CliError) {
      io.err(`Error: ${e.message}\n`);
      return e.code;
    }
    io.err(`Error: ${(e as Error).message ?? String(e)}\n`);
    return 3;
  }
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

function usageError(io: Cmd.Io, message: string, usage: string): number {
  io.err(`${message}\n${usage}`);
  return 2;
}

// Entry point (bin/kapacitor.mjs imports this module).
if (process.argv[1] && /(kapacitor(\.mjs)?|cli[\\/]main\.ts)$/.test(process.argv[1])) {
  const code = await run(process.argv.slice(2), {
    env: process.env,
    io: { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
  });
  process.exitCode = code;
}
