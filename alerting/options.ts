/**
 * Decoding a handler spec's `options` into a typed config, the way Kapacitor's decodeOptions (mapstructure with
 * ErrorUnused) does: keys match the config's option names case-insensitively, unknown keys and values of the
 * wrong type are errors that name the option. Durations accept Go duration strings ("10s") as well as ns.
 */
import { parseDuration } from '../gocompat/duration.ts';

export type OptionType = 'string' | 'int' | 'float' | 'bool' | 'strings' | 'duration' | 'string-map' | 'map' | 'links' | 'objects';

export type OptionSchema = Readonly<Record<string, OptionType>>;

export class OptionsError extends Error {
  override name = 'OptionsError';
}

/** Returns option name → decoded value for the keys present; throws OptionsError naming the bad key. */
export function decodeOptions(goType: string, options: Readonly<Record<string, unknown>>, schema: OptionSchema): Record<string, unknown> {
  const fail = (msg: string): never => { throw new OptionsError(`failed to decode options into ${goType}: ${msg}`); };
  const byLower = new Map(Object.keys(schema).map((k) => [k.toLowerCase(), k]));
  const unknown: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(options)) {
    const name = byLower.get(key.toLowerCase());
    if (name === undefined) { unknown.push(key); continue; }
    if (v === null || v === undefined) continue;
    const want = schema[name]!;
    const bad = (): never => fail(`'${name}' expected type '${want}', got ${JSON.stringify(v)}`);
    switch (want) {
      case 'string': if (typeof v !== 'string') bad(); out[name] = v; break;
      case 'bool': if (typeof v !== 'boolean') bad(); out[name] = v; break;
      case 'int': if (typeof v !== 'number' || !Number.isInteger(v)) bad(); out[name] = v; break;
      case 'float': if (typeof v !== 'number') bad(); out[name] = v; break;
      case 'strings':
        if (typeof v === 'string') out[name] = [v];
        else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[name] = v;
        else bad();
        break;
      case 'duration':
        if (typeof v === 'number' && Number.isInteger(v)) out[name] = BigInt(v);
        else if (typeof v === 'string') {
          const d = parseDuration(v);
          if (!d.ok) bad();
          else out[name] = d.value;
        } else bad();
        break;
      case 'string-map':
        if (typeof v !== 'object' || Array.isArray(v) || Object.values(v as object).some((x) => typeof x !== 'string')) bad();
        out[name] = v;
        break;
      case 'map':
        if (typeof v !== 'object' || Array.isArray(v)) bad();
        out[name] = v;
        break;
      case 'objects': // a list of tables whose keys the kind checks (snmptrap data-list)
        if (!Array.isArray(v) || !v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) bad();
        out[name] = v;
        break;
      case 'links': // pagerduty2 [{href, text}]
        if (!Array.isArray(v) || !v.every((l) => l !== null && typeof l === 'object' && typeof (l as { href?: unknown }).href === 'string' &&
          ['undefined', 'string'].includes(typeof (l as { text?: unknown }).text))) bad();
        out[name] = v;
        break;
    }
  }
  if (unknown.length > 0) fail(`'' has invalid keys: ${unknown.sort().join(', ')}`);
  return out;
}
