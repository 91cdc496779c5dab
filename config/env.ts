/**
 * KAPACITOR_<SECTION>_<KEY> environment overrides (Kapacitor's server/config.go applyEnvOverrides):
 * the TOML name upper-cased with `-` → `_`; list values comma-separated or one element by index
 * (`KAPACITOR_INFLUXDB_0_URLS_0`); list sections by index (`KAPACITOR_KUBERNETES_0_ENABLED`); table keys one entry
 * at a time (`KAPACITOR_HTTPPOST_0_HEADERS_Example`).
 * For [kubernetes], which may be a single table, the un-indexed form means index 0 and — unlike Kapacitor —
 * creates the section when the file has none, so `KAPACITOR_KUBERNETES_ENABLED=true` works without a file.
 * Variables naming no known key are ignored (the CLI's KAPACITOR_URL shares the prefix); those that start like a
 * known section are reported through `warn` because they are almost certainly typos; those addressing a section
 * tickstream accepts but does not use (KAPACITOR_SLACK_ENABLED) are returned for a one-time notice.
 */
import { ACCEPTED_UNUSED_SECTIONS, PARSED_UNUSED_SECTIONS } from './accepted.ts';
import { ConfigError, didYouMean } from './errors.ts';
import type { Draft } from './draft.ts';
import { SECTIONS, TOP_LEVEL_KEYS, defaultElement, envName } from './schema.ts';
import { type KeySpec, type SectionSpec } from './spec.ts';
import { fromEnv } from './values.ts';

const PREFIX = 'KAPACITOR_';
/** Guards against KAPACITOR_INFLUXDB_99999_ENABLED allocating a huge list. */
const MAX_INDEX = 63;

function setFromEnv(target: Record<string, unknown>, key: KeySpec, elementIndex: number | undefined, text: string, varName: string, keyLabel: string, entry?: string): void {
  if (entry !== undefined) {
    // one entry of a table key: KAPACITOR_HTTPPOST_0_HEADERS_Example, KAPACITOR_HTTPPOST_0_BASIC_AUTH_USERNAME
    const table = target[key.prop] as Record<string, string>;
    if (key.type === 'basic-auth') table[entry.toLowerCase()] = text;
    else table[entry] = text;
    return;
  }
  if (elementIndex === undefined) {
    const c = fromEnv(text, key.type);
    if (!c.ok) throw new ConfigError(`${varName}: key ${JSON.stringify(keyLabel)}: ${c.error}`);
    target[key.prop] = c.value;
    return;
  }
  const list = target[key.prop] as string[];
  if (elementIndex > list.length) {
    throw new ConfigError(`${varName}: key ${JSON.stringify(keyLabel)}: index ${elementIndex} is beyond the end of the list (length ${list.length})`);
  }
  list[elementIndex] = text;
}

/**
 * Matches `KEY`, for list keys `KEY_<n>`, for string tables `KEY_<entry>` (the entry name as written, as in
 * Kapacitor's packaged example `KAPACITOR_HTTPPOST_0_HEADERS_Example`), for basic-auth `KEY_USERNAME|PASSWORD`.
 */
function matchKey(keys: readonly KeySpec[], rest: string): { key: KeySpec; element?: number; entry?: string } | undefined {
  for (const key of keys) {
    const name = envName(key.toml);
    if (rest === name) return { key };
    if (key.type === 'string-map' && rest.startsWith(name + '_') && rest.length > name.length + 1) {
      return { key, entry: rest.slice(name.length + 1) };
    }
    if (key.type === 'basic-auth' && (rest === name + '_USERNAME' || rest === name + '_PASSWORD')) {
      return { key, entry: rest.slice(name.length + 1) };
    }
    if (key.type === 'strings' && rest.startsWith(name + '_')) {
      const idx = rest.slice(name.length + 1);
      if (/^\d+$/.test(idx)) return { key, element: Number(idx) };
    }
  }
  return undefined;
}

function elementAt(draft: Draft, section: SectionSpec, index: number, varName: string): Record<string, unknown> {
  if (index > MAX_INDEX) throw new ConfigError(`${varName}: section index ${index} is too large (max ${MAX_INDEX})`);
  const list = draft.values[section.prop] as Record<string, unknown>[];
  while (list.length <= index) list.push(defaultElement(section));
  return list[index]!;
}

/** Applies one variable; returns the accepted-but-unused section it addresses, if that is all it does. */
function applyOne(draft: Draft, varName: string, text: string, warn: (m: string) => void): string | undefined {
  const rest = varName.slice(PREFIX.length);
  for (const key of TOP_LEVEL_KEYS) {
    if (rest === envName(key.toml)) {
      setFromEnv(draft.values, key, undefined, text, varName, key.toml);
      draft.explicit.add(key.prop);
      draft.origins.set(key.prop, varName);
      return;
    }
  }
  for (const section of SECTIONS) {
    const sname = envName(section.toml) + '_';
    if (!rest.startsWith(sname)) continue;
    let tail = rest.slice(sname.length);
    let target: Record<string, unknown>;
    let label = section.toml;
    let explicitPrefix = section.prop + '.';
    if (section.kind === 'table') {
      target = draft.values[section.prop] as Record<string, unknown>;
    } else {
      const m = /^(\d+)_(.*)$/.exec(tail);
      let index = 0;
      if (m) {
        index = Number(m[1]);
        tail = m[2]!;
      } else if (section.kind !== 'table-or-array') {
        warn(`${varName}: ignored; [[${section.toml}]] keys need an index, e.g. ${PREFIX}${sname}0_${tail}`);
        return;
      }
      if (!matchKey(section.keys, tail)) {
        warn(`${varName}: ignored; no key ${JSON.stringify(tail)} in [${section.toml}]${didYouMean(tail, section.keys.map((x) => envName(x.toml)))}`);
        return;
      }
      target = elementAt(draft, section, index, varName);
      label = `${section.toml}[${index}]`;
      explicitPrefix = `${section.prop}.${index}.`;
    }
    const hit = matchKey(section.keys, tail);
    if (!hit) {
      warn(`${varName}: ignored; no key ${JSON.stringify(tail)} in [${section.toml}]${didYouMean(tail, section.keys.map((x) => envName(x.toml)))}`);
      return;
    }
    setFromEnv(target, hit.key, hit.element, text, varName, `${label}.${hit.key.toml}`, hit.entry);
    draft.explicit.add(explicitPrefix + hit.key.prop);
    draft.origins.set(explicitPrefix + hit.key.prop, varName);
    return;
  }
  if (rest.startsWith('UDF_')) {
    warn(`${varName}: ignored; [udf.functions.NAME] can only be set in the configuration file (UDF names are case-sensitive; Kapacitor ignores these variables too)`);
    return;
  }
  return unusedSectionOf(rest);
}

/** The accepted-but-unused section a variable addresses (`SLACK_0_ENABLED` → slack), longest name first. */
function unusedSectionOf(rest: string, among: ReadonlySet<string> = ACCEPTED_UNUSED_SECTIONS): string | undefined {
  let best: string | undefined;
  for (const name of among) {
    if (rest.startsWith(envName(name) + '_') && (best === undefined || name.length > best.length)) best = name;
  }
  return best;
}

/**
 * Applies every KAPACITOR_* variable; returns the accepted-but-unused sections they address
 * (`KAPACITOR_SLACK_ENABLED` → slack), so the caller reports them like the file's.
 */
export function applyEnvOverrides(draft: Draft, env: Record<string, string | undefined>, warn: (m: string) => void): string[] {
  // Sorted so a whole-list variable (…_URLS) applies before its element overrides (…_URLS_0).
  const names = Object.keys(env).filter((n) => n.startsWith(PREFIX)).sort();
  const unused: string[] = [];
  for (const name of names) {
    const text = env[name];
    // Empty values are treated as unset, as Kapacitor does.
    if (text === undefined || text === '') continue;
    // a variable of [[influxdb]] / [config-override] is applied (and checked) first, then reported as unused
    const section = applyOne(draft, name, text, warn) ?? unusedSectionOf(name.slice(PREFIX.length), PARSED_UNUSED_SECTIONS);
    if (section !== undefined && !unused.includes(section)) unused.push(section);
  }
  return unused;
}
