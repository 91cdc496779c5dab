/** Parsing of the CLI's inputs: `-dbrp` values (SPEC 6.2), `-vars` JSON files and `-file` task files. */
import { readFileSync } from 'node:fs';
import { parseYaml } from './yaml.ts';
import { CliError } from './client.ts';
import type { DBRPJson, VarJson } from './format.ts';

/** Reads a Go-style quoted string at the start of `s` (`"a\"b"`); returns the value and the index after it. */
function parseQuoted(s: string): [string, number] {
  let out = '';
  let i = 1;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) { out += s[++i]; continue; }
    if (c === '"') return [out, i + 1];
    out += c;
  }
  return [out, i];
}

/** `db.rp` or `"db"."rp"` (quotes optional, `\"` escapes), with the real CLI's error texts. */
export function parseDBRP(value: string): DBRPJson {
  if (value.length === 0) throw new CliError('dbrp cannot be empty', 2);
  let db: string;
  let n: number;
  if (value[0] === '"') {
    [db, n] = parseQuoted(value);
  } else {
    n = value.indexOf('.');
    if (n === -1) throw new CliError(`does not contain a '.', it must be in the form "dbname"."rpname" where the quotes are optional.`, 2);
    db = value.slice(0, n);
  }
  if (value[n] !== '.') throw new CliError(`dbrp must specify retention policy, do you have a missing or extra '.'?`, 2);
  const rest = value.slice(n + 1);
  if (rest === '') throw new CliError(`dbrp must specify retention policy, do you have a missing or extra '.'?`, 2);
  const rp = rest[0] === '"' ? parseQuoted(rest)[0] : rest;
  return { db, rp };
}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    throw new CliError(`failed to read ${what}: open ${path}: ${reason}`);
  }
}

/** `-vars file.json`: `{"name": {"type": "...", "value": ...}, ...}`. */
export function readVarsFile(path: string): Record<string, VarJson> {
  const text = readText(path, 'vars file');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CliError(`failed to unmarshal vars file ${path}: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CliError(`failed to unmarshal vars file ${path}: want an object of name → {"type", "value"}`);
  return v as Record<string, VarJson>;
}

export interface TaskFile {
  templateId?: string;
  dbrps?: DBRPJson[];
  vars?: Record<string, VarJson>;
}

/** `-file task.yaml|task.json`: `template-id`, `dbrps` (as `db.rp` strings), `vars`. */
export function readTaskFile(path: string): TaskFile {
  const text = readText(path, 'task file');
  let v: unknown;
  try {
    v = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new CliError(`failed to unmarshal task file ${path}: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CliError(`failed to unmarshal task file ${path}: want a mapping`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['id', 'template-id', 'dbrps', 'vars'].includes(k)) throw new CliError(`task file ${path}: unknown field ${JSON.stringify(k)}`);
  }
  const out: TaskFile = {};
  const tpl = o['template-id'];
  if (tpl !== undefined && tpl !== null) {
    if (typeof tpl !== 'string') throw new CliError(`task file ${path}: template-id must be a string, got ${JSON.stringify(tpl)}`);
    out.templateId = tpl;
  }
  const dbrps = o['dbrps'];
  if (dbrps !== undefined && dbrps !== null) {
    if (!Array.isArray(dbrps)) throw new CliError(`task file ${path}: dbrps must be a list of "db.rp" strings, got ${JSON.stringify(dbrps)}`);
    out.dbrps = dbrps.map((d: unknown, i) => {
      if (typeof d !== 'string') throw new CliError(`task file ${path}: dbrps[${i}] must be a "db.rp" string, got ${JSON.stringify(d)}`);
      try {
        return parseDBRP(d);
      } catch (e) {
        throw new CliError(`task file ${path}: dbrps[${i}]: ${(e as Error).message}`);
      }
    });
  }
  const vars = o['vars'];
  if (vars !== undefined && vars !== null) {
    if (typeof vars !== 'object' || Array.isArray(vars)) throw new CliError(`task file ${path}: vars must be a mapping of name → {type, value}`);
    out.vars = vars as Record<string, VarJson>;
  }
  return out;
}
