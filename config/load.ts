/**
 * loadConfig: defaults ← optional TOML file ← KAPACITOR_* environment ← command-line flags, then derived
 * defaults (paths under data_dir) and validation. Every error names the key (and env var) it is about.
 */
import { applyInfluxdbDefaults } from './influxdb.ts';
import { readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import { parseDaemonArgs } from './cli-args.ts';
import { ACCEPTED_UNUSED_SECTIONS, PARSED_UNUSED_SECTIONS, acceptedUnusedMessage } from './accepted.ts';
import { ConfigError, didYouMean } from './errors.ts';
import { applyEnvOverrides } from './env.ts';
import type { Draft } from './draft.ts';
import { SECTIONS, TOP_LEVEL_KEYS, cloneDefault, defaultElement, type Config } from './schema.ts';
import { type KeySpec, type SectionSpec } from './spec.ts';
import { validateConfig } from './validate.ts';
import { defaultUdfConfig, parseUdfSection } from './udf.ts';
import { fromEnv, fromToml, tomlTypeName } from './values.ts';

export interface LoadConfigOptions {
  /** kapacitord arguments (after the program name): `-config`, `-hostname`, `-log-file`, `-log-level`, `-blacklist-cidrs`, `-disable-handlers` */
  argv?: readonly string[];
  /** environment (default process.env) */
  env?: Record<string, string | undefined>;
  /** configuration file; overrides `-config` and KAPACITOR_CONFIG_PATH */
  path?: string;
  /** receives non-fatal findings, e.g. a KAPACITOR_HTTP_* variable naming no known key */
  warn?: (message: string) => void;
  /** receives informational findings: each Kapacitor section in the file that tickstream accepts but does not use */
  notice?: (message: string) => void;
}

function newDraft(): Draft {
  const values: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_KEYS) values[key.prop] = cloneDefault(key.def);
  for (const s of SECTIONS) values[s.prop] = s.kind === 'table' ? defaultElement(s) : [];
  values.udf = defaultUdfConfig();
  return { values, explicit: new Set(), origins: new Map() };
}

function setKey(target: Record<string, unknown>, key: KeySpec, v: unknown, where: string, draft: Draft, explicitPath: string): void {
  const c = fromToml(v, key.type);
  if (!c.ok) throw new ConfigError(`key ${JSON.stringify(where)}: ${c.error}`);
  target[key.prop] = c.value;
  draft.explicit.add(explicitPath);
  draft.origins.delete(explicitPath);
}

function applyTable(section: SectionSpec, table: Record<string, unknown>, target: Record<string, unknown>, label: string, draft: Draft, explicitPrefix: string): void {
  for (const [name, v] of Object.entries(table)) {
    const key = section.keys.find((x) => x.toml === name);
    if (!key) {
      throw new ConfigError(`unknown key ${JSON.stringify(label + '.' + name)}${didYouMean(name, section.keys.map((x) => x.toml))}`);
    }
    setKey(target, key, v, label + '.' + name, draft, explicitPrefix + key.prop);
  }
}

function isTable(v: unknown): v is Record<string, unknown> {
  return tomlTypeName(v) === 'table';
}

/** Applies the parsed file; returns the accepted-but-unused sections it contains, in file order. */
function applyFile(draft: Draft, doc: Record<string, unknown>): string[] {
  const names = [...TOP_LEVEL_KEYS.map((x) => x.toml), ...SECTIONS.map((x) => x.toml), 'udf', ...ACCEPTED_UNUSED_SECTIONS];
  const unused: string[] = [];
  for (const [name, v] of Object.entries(doc)) {
    const top = TOP_LEVEL_KEYS.find((x) => x.toml === name);
    if (top) {
      setKey(draft.values, top, v, name, draft, top.prop);
      continue;
    }
    if (name === 'udf') {
      draft.values.udf = parseUdfSection(v);
      continue;
    }
    const section = SECTIONS.find((x) => x.toml === name);
    if (!section && ACCEPTED_UNUSED_SECTIONS.has(name)) {
      // keys unchecked, but `slack = 1` is still not a section: [x] or [[x]] only
      const ok = isTable(v) || (Array.isArray(v) && v.every(isTable));
      if (!ok) throw new ConfigError(`key ${JSON.stringify(name)}: expected table or array of tables, got ${tomlTypeName(v)}`);
      unused.push(name);
      continue;
    }
    if (!section) throw new ConfigError(`unknown key ${JSON.stringify(name)}${didYouMean(name, names)}`);
    if (PARSED_UNUSED_SECTIONS.has(name)) unused.push(name);
    if (section.kind === 'table') {
      if (!isTable(v)) throw new ConfigError(`key ${JSON.stringify(name)}: expected table, got ${tomlTypeName(v)}`);
      applyTable(section, v, draft.values[section.prop] as Record<string, unknown>, name, draft, section.prop + '.');
      continue;
    }
    // [x] and [[x]] are both accepted for list sections (Kapacitor 1.5+ does so for [kubernetes]).
    const tables = isTable(v) ? [v] : Array.isArray(v) ? v : undefined;
    if (!tables) throw new ConfigError(`key ${JSON.stringify(name)}: expected table or array of tables, got ${tomlTypeName(v)}`);
    const list = draft.values[section.prop] as Record<string, unknown>[];
    tables.forEach((t, i) => {
      if (!isTable(t)) throw new ConfigError(`key ${JSON.stringify(`${name}[${i}]`)}: expected table, got ${tomlTypeName(t)}`);
      const el = defaultElement(section);
      applyTable(section, t, el, `${name}[${i}]`, draft, `${section.prop}.${i}.`);
      list.push(el);
    });
  }
  return unused;
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.message;
    throw new ConfigError(`open ${path}: ${why}`);
  }
  try {
    return parseToml(text, { integersAsBigInt: true, unsafeKeyBehaviour: 'throw' }) as Record<string, unknown>;
  } catch (err) {
    const msg = err instanceof TomlError ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`${path}: ${msg}`);
  }
}

function applyFlag(draft: Draft, key: KeySpec, section: string | undefined, text: string, flag: string): void {
  const c = fromEnv(text, key.type);
  if (!c.ok) throw new ConfigError(`flag -${flag}: ${c.error}`);
  const target = section ? (draft.values[section] as Record<string, unknown>) : draft.values;
  target[key.prop] = c.value;
  const path = section ? `${section}.${key.prop}` : key.prop;
  draft.explicit.add(path);
  draft.origins.set(path, `flag -${flag}`);
}

/** Fills keys nobody set whose default depends on other keys (hostname, data_dir, paths under data_dir). */
function applyDerived(draft: Draft): void {
  for (const key of TOP_LEVEL_KEYS) {
    if (key.derive && !draft.explicit.has(key.prop)) draft.values[key.prop] = key.derive('');
  }
  const dataDir = draft.values.dataDir as string;
  for (const s of SECTIONS) {
    const elements = s.kind === 'table'
      ? [[s.prop + '.', draft.values[s.prop]] as const]
      : (draft.values[s.prop] as unknown[]).map((el, i) => [`${s.prop}.${i}.`, el] as const);
    for (const [prefix, el] of elements) {
      for (const key of s.keys) {
        if (key.derive && !draft.explicit.has(prefix + key.prop)) (el as Record<string, unknown>)[key.prop] = key.derive(dataDir);
      }
    }
  }
}

/** Where the configuration file comes from: explicit path > `-config` > KAPACITOR_CONFIG_PATH; none is fine. */
export function resolveConfigPath(opts: LoadConfigOptions): string | undefined {
  if (opts.path) return opts.path;
  const args = opts.argv ? parseDaemonArgs(opts.argv) : undefined;
  if (args?.configPath) return args.configPath;
  const env = opts.env ?? process.env;
  return env.KAPACITOR_CONFIG_PATH || undefined;
}

export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const args = opts.argv ? parseDaemonArgs(opts.argv) : undefined;
  const draft = newDraft();
  const path = resolveConfigPath(opts);
  const unused = path ? applyFile(draft, readFile(path)) : [];
  for (const name of applyEnvOverrides(draft, env, opts.warn ?? (() => {}))) if (!unused.includes(name)) unused.push(name);
  if (args?.hostname !== undefined) applyFlag(draft, TOP_LEVEL_KEYS[0]!, undefined, args.hostname, 'hostname');
  const logging = SECTIONS.find((s) => s.toml === 'logging')!;
  if (args?.logFile !== undefined) applyFlag(draft, logging.keys.find((x) => x.toml === 'file')!, 'logging', args.logFile, 'log-file');
  if (args?.logLevel !== undefined) applyFlag(draft, logging.keys.find((x) => x.toml === 'level')!, 'logging', args.logLevel, 'log-level');
  const top = (toml: string): KeySpec => TOP_LEVEL_KEYS.find((x) => x.toml === toml)!;
  if (args?.blacklistCidrs !== undefined) applyFlag(draft, top('blacklist-cidrs'), undefined, args.blacklistCidrs, 'blacklist-cidrs');
  if (args?.disableHandlers !== undefined) applyFlag(draft, top('disable-handlers'), undefined, args.disableHandlers, 'disable-handlers');
  applyDerived(draft);
  const config = draft.values as unknown as Config;
  applyInfluxdbDefaults(config.influxdb);
  validateConfig(config, (path) => draft.origins.get(path));
  for (const name of unused) opts.notice?.(acceptedUnusedMessage(name));
  if (config.load.enabled) {
    // the packaged kapacitor.conf enables it, so this cannot be an error; but nothing in the directory will run
    opts.warn?.(`key "load.enabled": loading tasks, templates and handlers from ${JSON.stringify(config.load.dir)} is not supported by tickstream; `
      + 'define them with the kapacitor CLI or the HTTP API');
  }
  return config;
}
