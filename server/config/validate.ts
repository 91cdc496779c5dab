/** Semantic checks after types are known: values that parse but cannot work. kube/ validates [kubernetes]. */
import { parseBindAddress } from './bind-address.ts';
import { ConfigError } from './errors.ts';
import type { Config } from './schema.ts';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'OFF'] as const;

export function validateConfig(c: Config): void {
  const addr = parseBindAddress(c.http.bindAddress);
  if ('error' in addr) {
    throw new ConfigError(`key "http.bind-address": invalid address ${JSON.stringify(c.http.bindAddress)}: ${addr.error}`);
  }
  if (!(LOG_LEVELS as readonly string[]).includes(c.logging.level.toUpperCase())) {
    throw new ConfigError(`key "logging.level": unknown level ${JSON.stringify(c.logging.level)} (use ${LOG_LEVELS.join(', ')})`);
  }
  if (c.http.maxBodySize < 0) throw new ConfigError(`key "http.max-body-size": must be >= 0 (0 means no limit), got ${c.http.maxBodySize}`);
  if (c.http.shutdownTimeout <= 0n) throw new ConfigError('key "http.shutdown-timeout": must be > 0');
  if (c.stats.statsInterval <= 0n) throw new ConfigError('key "stats.stats-interval": must be > 0');
  if (!(c.stats.timingSampleRate >= 0 && c.stats.timingSampleRate <= 1)) {
    throw new ConfigError(`key "stats.timing-sample-rate": must be between 0 and 1, got ${c.stats.timingSampleRate}`);
  }
  if (c.stats.timingMovavgSize < 1) throw new ConfigError(`key "stats.timing-movavg-size": must be >= 1, got ${c.stats.timingMovavgSize}`);
  if (c.dataDir === '') throw new ConfigError('key "data_dir": must not be empty');
}
