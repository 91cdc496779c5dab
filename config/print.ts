/** `kapacitord config`: the effective configuration as TOML, with Kapacitor's key names. */
import { stringify } from 'smol-toml';
import { formatGoDuration } from '../gocompat/duration.ts';
import { SECTIONS, TOP_LEVEL_KEYS, type Config } from './schema.ts';
import { type KeySpec } from './spec.ts';
import { udfToToml } from './udf.ts';

function tomlValue(key: KeySpec, v: unknown): unknown {
  // Durations print as Go's Duration.String (`10s`, `1m0s`), as Kapacitor's own `config` command does.
  return key.type === 'duration' ? formatGoDuration(v as bigint) : v;
}

function toTable(keys: readonly KeySpec[], obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key.toml] = tomlValue(key, obj[key.prop]);
  return out;
}

export function configToToml(config: Config): string {
  const c = config as unknown as Record<string, unknown>;
  const doc = toTable(TOP_LEVEL_KEYS, c);
  for (const s of SECTIONS) {
    const v = c[s.prop];
    doc[s.toml] = s.kind === 'table'
      ? toTable(s.keys, v as Record<string, unknown>)
      : (v as Record<string, unknown>[]).map((el) => toTable(s.keys, el));
  }
  if (Object.keys(config.udf.functions).length > 0) doc.udf = udfToToml(config.udf);
  // An integral float (timing-sample-rate = 1) prints as `1`; float keys accept integers, so it loads back.
  return stringify(doc) + '\n';
}
