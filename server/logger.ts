/**
 * pino JSON-line logging. [logging] level maps DEBUG/INFO/WARN/ERROR/OFF onto pino levels; [logging] file is
 * STDERR (Kapacitor's default), STDOUT or a path (appended to). Writes are synchronous so nothing is lost
 * when the process exits right after logging (shutdown, fatal startup errors); log volume is low.
 *
 * Keys: the root binds `service: "kapacitord"`; children name their part with `component` (task_store,
 * task_master), `task` and `node`, never `service` again — pino writes child bindings after the parent's, so a
 * repeated key would appear twice in one JSON line (test/server/log-keys.test.ts checks every line).
 */
import { pino, type Logger } from 'pino';
import type { LoggingConfig } from '../config/index.ts';

export type { Logger };

const LEVELS: Record<string, string> = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', OFF: 'silent' };

export function pinoLevel(level: string): string {
  return LEVELS[level.toUpperCase()] ?? 'info';
}

export function createLogger(logging: LoggingConfig): Logger {
  const file = logging.file;
  const dest = file === '' || file.toUpperCase() === 'STDERR' ? 2 : file.toUpperCase() === 'STDOUT' ? 1 : file;
  return pino(
    { level: pinoLevel(logging.level), base: { service: 'kapacitord' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest, sync: true, mkdir: typeof dest === 'string' }),
  );
}

/** A logger that discards everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
