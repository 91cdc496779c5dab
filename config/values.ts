/** Converting TOML values and environment strings to the schema's key types, with Kapacitor-style errors. */
import { TomlDate } from 'smol-toml';
import { parseDuration } from '../gocompat/duration.ts';
import type { KeyType } from './spec.ts';

/** The TOML type name of a parsed value, as used in error messages. */
export function tomlTypeName(v: unknown): string {
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  if (v instanceof TomlDate) return 'datetime';
  return 'table';
}

const EXPECTED: Record<KeyType, string> = {
  string: 'string',
  bool: 'boolean',
  int: 'integer',
  float: 'float',
  duration: 'duration string',
  strings: 'array of strings',
  'string-map': 'table of strings',
  'dbrp-map': 'table of string arrays',
  'basic-auth': 'table with username and password',
};

function isPlainTable(v: unknown): v is Record<string, unknown> {
  return tomlTypeName(v) === 'table';
}

/** `{ name = "value", … }` with string values only. */
function stringMap(v: unknown, type: KeyType): Converted {
  if (!isPlainTable(v)) return { ok: false, error: `expected ${EXPECTED[type]}, got ${tomlTypeName(v)}` };
  const out: Record<string, string> = {};
  for (const [name, e] of Object.entries(v)) {
    if (typeof e !== 'string') return { ok: false, error: `${JSON.stringify(name)}: expected string, got ${tomlTypeName(e)}` };
    out[name] = e;
  }
  return { ok: true, value: out };
}

/** `{ db = ["rp", …], … }`: Kapacitor's subscriptions map (database → retention policies). */
function dbrpMap(v: unknown): Converted {
  if (!isPlainTable(v)) return { ok: false, error: `expected ${EXPECTED['dbrp-map']}, got ${tomlTypeName(v)}` };
  const out: Record<string, string[]> = {};
  for (const [db, rps] of Object.entries(v)) {
    if (!Array.isArray(rps) || rps.some((rp) => typeof rp !== 'string')) {
      return { ok: false, error: `${JSON.stringify(db)}: expected array of retention policy names (strings), got ${tomlTypeName(rps)}` };
    }
    out[db] = [...(rps as string[])];
  }
  return { ok: true, value: out };
}

function basicAuth(v: unknown): Converted {
  const m = stringMap(v, 'basic-auth');
  if (!m.ok) return m;
  const t = m.value as Record<string, string>;
  for (const name of Object.keys(t)) {
    if (name !== 'username' && name !== 'password') {
      return { ok: false, error: `unknown key ${JSON.stringify(name)} (basic-auth has username and password)` };
    }
  }
  return { ok: true, value: { username: t.username ?? '', password: t.password ?? '' } };
}

export type Converted = { ok: true; value: unknown } | { ok: false; error: string };

function bigintToNumber(v: bigint): Converted {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    return { ok: false, error: `integer ${v} is out of range` };
  }
  return { ok: true, value: Number(v) };
}

/** A value from the TOML file (parsed with integersAsBigInt) → the key's type. */
export function fromToml(v: unknown, type: KeyType): Converted {
  const wrong = (): Converted => ({ ok: false, error: `expected ${EXPECTED[type]}, got ${tomlTypeName(v)}` });
  switch (type) {
    case 'string':
      return typeof v === 'string' ? { ok: true, value: v } : wrong();
    case 'bool':
      return typeof v === 'boolean' ? { ok: true, value: v } : wrong();
    case 'int':
      return typeof v === 'bigint' ? bigintToNumber(v) : wrong();
    case 'float':
      if (typeof v === 'bigint') return { ok: true, value: Number(v) };
      return typeof v === 'number' ? { ok: true, value: v } : wrong();
    case 'duration': {
      // Kapacitor reads TOML integers through their text, and Go's time.ParseDuration accepts a bare "0" only:
      // the packaged kapacitor.conf has `timeout = 0` in [[influxdb]].
      if (v === 0n) return { ok: true, value: 0n };
      if (typeof v !== 'string') return wrong();
      const d = parseDuration(v);
      return d.ok ? { ok: true, value: d.value } : { ok: false, error: d.error };
    }
    case 'strings':
      if (!Array.isArray(v)) return wrong();
      for (const e of v) {
        if (typeof e !== 'string') return { ok: false, error: `expected array of strings, got an element of type ${tomlTypeName(e)}` };
      }
      return { ok: true, value: [...(v as string[])] };
    case 'string-map':
      return stringMap(v, type);
    case 'dbrp-map':
      return dbrpMap(v);
    case 'basic-auth':
      return basicAuth(v);
  }
}

/** Go's strconv.ParseBool spellings, which Kapacitor's env overrides use. */
const BOOLS: Record<string, boolean> = {
  '1': true, t: true, T: true, true: true, TRUE: true, True: true,
  '0': false, f: false, F: false, false: false, FALSE: false, False: false,
};

/** An environment variable's text → the key's type (lists are comma-separated). */
export function fromEnv(text: string, type: KeyType): Converted {
  const wrong = (): Converted => ({ ok: false, error: `expected ${EXPECTED[type]}, got ${JSON.stringify(text)}` });
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'bool': {
      const b = BOOLS[text];
      return b === undefined ? wrong() : { ok: true, value: b };
    }
    case 'int':
      return /^[+-]?\d+$/.test(text) ? bigintToNumber(BigInt(text)) : wrong();
    case 'float': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : wrong();
    }
    case 'duration': {
      const d = parseDuration(text);
      return d.ok ? { ok: true, value: d.value } : { ok: false, error: d.error };
    }
    case 'strings':
      return { ok: true, value: text.split(',').map((s) => s.trim()).filter((s) => s !== '') };
    case 'string-map':
    case 'dbrp-map':
    case 'basic-auth':
      return { ok: false, error: `a ${EXPECTED[type]} cannot be set through the environment; set it in the configuration file` };
  }
}
