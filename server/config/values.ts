/** Converting TOML values and environment strings to the schema's key types, with Kapacitor-style errors. */
import { TomlDate } from 'smol-toml';
import { parseDuration } from './duration.ts';
import type { KeyType } from './schema.ts';

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
};

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
  }
}
