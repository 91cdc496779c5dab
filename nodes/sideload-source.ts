/**
 * Sideload sources (Kapacitor services/sideload). A file source is a directory tree of `.yml`/`.yaml`/`.json`
 * files, each a map of key → value, cached by path relative to the directory (`hosts/a.yml`); an http(s) source
 * (nodes/sideload-http-source.ts) is one JSON document of path → map. Sources are shared by every sideload node
 * naming the same directory or URL (reference counted, dropped with the last one) and re-read only on
 * `POST /kapacitor/v1/sideload/reload`, as in Kapacitor.
 *
 * Difference (documented in docs/nodes.md): a reload that fails (file unreadable or malformed) keeps the previous
 * cache of that source and reports the error; Kapacitor empties the cache first and keeps whatever it read before
 * the failing file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** A value as Kapacitor's JSON/YAML decoding gives it: numbers are float64. */
export type SideloadValue = number | string | boolean | null | SideloadValue[] | { [k: string]: SideloadValue };

/** order path → that file's (or that JSON member's) values */
export type SideloadCache = Map<string, Record<string, SideloadValue>>;

/** What a sideload node reads from; one per directory or URL, shared. */
export interface SideloadSource {
  /** the directory or URL (the registry key, and the name in errors) */
  readonly dir: string;
  refs: number;
  /** the first load: undefined when it is done (file sources load in their constructor) */
  readonly loading: Promise<void> | undefined;
  /** why the first load failed (http sources; the cache is then empty until a reload succeeds) */
  readonly loadError: Error | undefined;
  lookup(order: readonly string[], key: string): SideloadValue | undefined;
  /** Re-read; on failure the previous cache stays and the error is thrown. */
  reload(): void | Promise<void>;
}

/** services/sideload fileSource.Lookup: the first order path whose values have the key. */
export function lookupIn(cache: SideloadCache, order: readonly string[], key: string): SideloadValue | undefined {
  const k = cleanPath(key);
  for (const o of order) {
    const values = cache.get(o);
    if (values === undefined || !Object.hasOwn(values, k)) continue;
    return values[k];
  }
  return undefined;
}

export class FileSource implements SideloadSource {
  private cache: SideloadCache;
  refs = 0;
  readonly loading = undefined;
  readonly loadError = undefined;
  constructor(readonly dir: string) {
    this.cache = loadDir(dir);
  }

  lookup(order: readonly string[], key: string): SideloadValue | undefined {
    return lookupIn(this.cache, order, key);
  }

  reload(): void {
    this.cache = loadDir(this.dir);
  }
}

const sources = new Map<string, SideloadSource>();

/** The shared source under `key`, created by `create` on first use (which throws Kapacitor's errors). */
export function acquireSource(key: string, create: () => SideloadSource): SideloadSource {
  let src = sources.get(key);
  if (src === undefined) {
    src = create();
    sources.set(key, src);
  }
  src.refs++;
  return src;
}

/** The shared source for an absolute directory (created and loaded on first use). */
export function acquireFileSource(path: string): SideloadSource {
  if (!isAbsolute(path)) throw new Error(`sideload source path must be absolute ${JSON.stringify(path)}`);
  const dir = cleanPath(path);
  return acquireSource(dir, () => new FileSource(dir));
}

export function releaseSource(src: SideloadSource): void {
  src.refs--;
  if (src.refs <= 0 && sources.get(src.dir) === src) sources.delete(src.dir);
}

/**
 * POST /sideload/reload: re-read every source (http ones concurrently); the first failure in name order is
 * reported, the others still reload.
 */
export async function reloadSideloadSources(): Promise<void> {
  const all = [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const results = await Promise.allSettled(all.map(async ([, src]) => src.reload()));
  for (let i = 0; i < all.length; i++) {
    const r = results[i]!;
    if (r.status === 'rejected') throw new Error(`failed to update source ${JSON.stringify(all[i]![0])}: ${(r.reason as Error).message}`);
  }
}

/** Go filepath.Clean for the keys and directories used here. */
function cleanPath(p: string): string {
  if (p === '') return '.';
  let c = normalize(p);
  if (c.length > 1 && c.endsWith(sep)) c = c.slice(0, -1);
  return c;
}

function loadDir(dir: string): SideloadCache {
  const cache: SideloadCache = new Map();
  const fail = (msg: string): never => { throw new Error(`failed to update sideload cache for source file ${JSON.stringify(dir)}: ${msg}`); };
  let st;
  try { st = statSync(dir); } catch (err) { fail(errText(err)); }
  const walk = (path: string): void => {
    const s = statSync(path);
    if (s.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
      return;
    }
    const rel = relative(dir, path);
    if (rel.length === 0 || rel[0] === '.') fail('invalid relative path');
    cache.set(rel, readValues(path));
  };
  try {
    if (st!.isDirectory()) walk(dir);
    else fail('invalid relative path'); // a single file: its path relative to itself is "." (Kapacitor's walk fails the same way)
  } catch (err) {
    if ((err as Error).message.startsWith('failed to update sideload cache')) throw err;
    fail(errText(err));
  }
  return cache;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** services/sideload readValues: YAML (1.1, as go-yaml) or JSON by extension; other files give no values. */
function readValues(path: string): Record<string, SideloadValue> {
  let data: string;
  try { data = readFileSync(path, 'utf8'); } catch (err) { throw new Error(`failed to read values file ${JSON.stringify(path)}: ${errText(err)}`); }
  const ext = extname(path);
  let v: unknown;
  if (ext === '.yaml' || ext === '.yml') {
    try { v = parseYaml(data, { version: '1.1' }); } catch (err) { throw new Error(`failed to unmarshal yaml values ${JSON.stringify(path)}: ${errText(err)}`); }
    if (v === null || v === undefined) v = {};
  } else if (ext === '.json') {
    try { v = JSON.parse(data); } catch (err) { throw new Error(`failed to unmarshal json values ${JSON.stringify(path)}: ${errText(err)}`); }
  } else {
    return {};
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new Error(`failed to unmarshal ${ext === '.json' ? 'json' : 'yaml'} values ${JSON.stringify(path)}: the file must hold a map of keys to values`);
  }
  return toValues(v) as Record<string, SideloadValue>;
}

/** JSON-decoded shapes: every number a float64 (YAML ints included, as ghodss/yaml goes through JSON). */
export function toValues(v: unknown): SideloadValue {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toValues);
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: SideloadValue } = {};
    for (const [k, x] of Object.entries(v)) out[k] = toValues(x);
    return out;
  }
  return v as SideloadValue;
}
