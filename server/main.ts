/**
 * kapacitord: `kapacitord [run] [-config PATH] [-hostname H] [-pidfile F]`, `kapacitord config`,
 * `kapacitord version`. No configuration file is needed: defaults + KAPACITOR_* environment variables suffice.
 * SIGTERM/SIGINT shut down gracefully (exit 0); a second signal or [http] shutdown-timeout exits 1.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { USAGE, UsageError, parseDaemonArgs, type DaemonArgs } from '../config/cli-args.ts';
import { ConfigError, configToToml, loadConfig } from '../config/index.ts';
import type { Daemon } from './daemon.ts';
import { createLogger } from './logger.ts';
import { VERSION } from './version.ts';

async function run(args: DaemonArgs, argv: readonly string[]): Promise<void> {
  // collected while loading, logged once the logger exists (its destination comes from the config)
  const warnings: string[] = [];
  const notices: string[] = [];
  const config = loadConfig({ argv, warn: (m) => warnings.push(m), notice: (m) => notices.push(m) });
  const logger = createLogger(config.logging);
  for (const w of warnings) logger.warn(w);
  for (const n of notices) logger.info(n);
  logger.info({ version: VERSION, hostname: config.hostname, data_dir: config.dataDir }, 'kapacitord starting');

  // Signal handlers go in before startup so a SIGTERM that arrives while the server is starting (e.g. right after
  // the `listening` line) still shuts down gracefully instead of killing the process with the default action.
  let daemon: Daemon | undefined;
  let signalled = false;
  const close = (d: Daemon): void => {
    d.close().then(
      () => {
        if (args.pidfile) rmSync(args.pidfile, { force: true });
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const shutdown = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal received, exiting immediately');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'signal received, shutting down');
    const timeoutMs = Number(config.http.shutdownTimeout / 1_000_000n);
    setTimeout(() => {
      logger.error({ timeout_ms: timeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, timeoutMs).unref();
    if (daemon) close(daemon); // else: closed as soon as startup finishes
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGHUP', () => logger.info('SIGHUP received; nothing to reload'));

  // loaded here so `version` and `config` do not pay for importing the whole server
  const { startDaemon } = await import('./daemon.ts');
  try {
    daemon = await startDaemon(config, logger);
  } catch (err) {
    logger.fatal({ err }, `startup failed: ${(err as Error).message}`);
    process.exit(1);
  }
  if (args.pidfile) writeFileSync(args.pidfile, `${process.pid}\n`);
  if (signalled) close(daemon);
}

async function main(argv: readonly string[]): Promise<void> {
  let args: DaemonArgs;
  try {
    args = parseDaemonArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`kapacitord: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  switch (args.command) {
    case 'help':
      process.stdout.write(USAGE);
      return;
    case 'version':
      process.stdout.write(`Kapacitor OSS ${VERSION} (tickstream)\n`);
      return;
    case 'config':
      process.stdout.write(configToToml(loadConfig({ argv, warn: (m) => process.stderr.write(`warning: ${m}\n`) })));
      return;
    case 'run':
      await run(args, argv);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`kapacitord: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
