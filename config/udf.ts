/**
 * `[udf]` (Kapacitor's services/udf/config.go): `[udf.functions.NAME]` tables with `prog`, `args`, `env`,
 * `timeout` for an agent run as a child process, or `socket` for one served on a unix socket. Parsed here because
 * its shape (a table of named tables) is not one of schema.ts's section kinds; checked with Kapacitor's messages.
 * Not settable from the environment: Kapacitor's reflection fills a throw-away struct for map values, so its
 * KAPACITOR_UDF_FUNCTIONS_* variables never take effect either; loadConfig warns about such variables instead.
 */
import { formatGoDuration } from '../gocompat/duration.ts';
import { ConfigError, didYouMean, keyError, type KeyOrigin } from './errors.ts';
import type { KeyType } from './spec.ts';
import { fromToml, tomlTypeName } from './values.ts';

export interface UdfFunctionConfig {
  prog: string;
  args: string[];
  env: Record<string, string>;
  /** ns: keepalive timeout; Kapacitor requires more than 1ms */
  timeout: bigint;
  socket: string;
}

export interface UdfConfig {
  functions: Record<string, UdfFunctionConfig>;
}

const FUNCTION_KEYS: readonly { toml: string; prop: keyof UdfFunctionConfig; type: KeyType }[] = [
  { toml: 'prog', prop: 'prog', type: 'string' },
  { toml: 'args', prop: 'args', type: 'strings' },
  { toml: 'env', prop: 'env', type: 'string-map' },
  { toml: 'timeout', prop: 'timeout', type: 'duration' },
  { toml: 'socket', prop: 'socket', type: 'string' },
];

export function defaultUdfConfig(): UdfConfig {
  return { functions: {} };
}

function isTable(v: unknown): v is Record<string, unknown> {
  return tomlTypeName(v) === 'table';
}

/** `[udf]` as parsed TOML → typed functions; errors name the key (`udf.functions.avg.timeout`). */
export function parseUdfSection(v: unknown): UdfConfig {
  if (!isTable(v)) throw new ConfigError(`key "udf": expected table, got ${tomlTypeName(v)}`);
  const out = defaultUdfConfig();
  for (const [name, fv] of Object.entries(v)) {
    if (name !== 'functions') throw new ConfigError(`unknown key ${JSON.stringify('udf.' + name)}${didYouMean(name, ['functions'])}`);
    if (!isTable(fv)) throw new ConfigError(`key "udf.functions": expected table, got ${tomlTypeName(fv)}`);
    for (const [fname, table] of Object.entries(fv)) {
      const label = `udf.functions.${fname}`;
      if (!isTable(table)) throw new ConfigError(`key ${JSON.stringify(label)}: expected table, got ${tomlTypeName(table)}`);
      const fc: UdfFunctionConfig = { prog: '', args: [], env: {}, timeout: 0n, socket: '' };
      for (const [k, kv] of Object.entries(table)) {
        const key = FUNCTION_KEYS.find((x) => x.toml === k);
        if (!key) throw new ConfigError(`unknown key ${JSON.stringify(`${label}.${k}`)}${didYouMean(k, FUNCTION_KEYS.map((x) => x.toml))}`);
        const c = fromToml(kv, key.type);
        if (!c.ok) throw new ConfigError(`key ${JSON.stringify(`${label}.${k}`)}: ${c.error}`);
        (fc as unknown as Record<string, unknown>)[key.prop] = c.value;
      }
      Object.defineProperty(out.functions, fname, { value: fc, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

/** Kapacitor's Config.Validate / FunctionConfig.Validate, with the key named. */
export function validateUdf(c: UdfConfig, origin: KeyOrigin = () => undefined): void {
  for (const [name, fc] of Object.entries(c.functions)) {
    const fail = (key: string, message: string): never => {
      throw keyError(origin, `udf.functions.${name}.${key}`, `udf.functions.${name}.${key}`, `UDF ${name}: ${message}`);
    };
    if (fc.timeout <= 1_000_000n) fail('timeout', `timeout is too small: ${formatGoDuration(fc.timeout)}`);
    if (fc.socket !== '') {
      if (fc.prog !== '' || fc.args.length !== 0 || Object.keys(fc.env).length !== 0) fail('socket', 'both socket and process config provided');
    } else if (fc.prog === '') {
      fail('prog', 'must set either prog or socket');
    }
  }
}

/** `kapacitord config` output of the section (only the keys that matter for the function's kind). */
export function udfToToml(c: UdfConfig): Record<string, unknown> {
  const functions: Record<string, unknown> = {};
  for (const [name, fc] of Object.entries(c.functions)) {
    const t: Record<string, unknown> = { timeout: formatGoDuration(fc.timeout) };
    if (fc.socket !== '') t.socket = fc.socket;
    else { t.prog = fc.prog; t.args = fc.args; t.env = fc.env; }
    functions[name] = t;
  }
  return { functions };
}
