/**
 * The environment variables the server reads, derived from its config schema (config/schema.ts):
 * KAPACITOR_<KEY> for top-level keys, KAPACITOR_<SECTION>_<KEY> for tables, KAPACITOR_<SECTION>_<N>_<KEY> for
 * arrays, and both forms for [kubernetes] (SPEC 4.5: the implicit index 0). Plus KUBECONFIG, which the
 * kubeconfig lookup in kube/config.ts reads. Returns undefined while the schema module does not exist.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCHEMA = fileURLToPath(new URL('../../config/schema.ts', import.meta.url));

interface SchemaModule {
  TOP_LEVEL_KEYS: readonly { toml: string }[];
  SECTIONS: readonly { toml: string; kind: string; keys: readonly { toml: string }[] }[];
  envName: (toml: string) => string;
}

/** Does `name` override a configuration key the server knows? */
export async function serverEnvMatcher(): Promise<((name: string) => boolean) | undefined> {
  if (!existsSync(SCHEMA)) return undefined;
  const s = await import(SCHEMA) as SchemaModule;
  const exact = new Set<string>(['KUBECONFIG']);
  const indexed: RegExp[] = [];
  for (const key of s.TOP_LEVEL_KEYS) exact.add(`KAPACITOR_${s.envName(key.toml)}`);
  for (const sec of s.SECTIONS) {
    const prefix = `KAPACITOR_${s.envName(sec.toml)}`;
    for (const key of sec.keys) {
      if (sec.kind !== 'array') exact.add(`${prefix}_${s.envName(key.toml)}`);
      if (sec.kind !== 'table') indexed.push(new RegExp(`^${prefix}_\\d+_${s.envName(key.toml)}$`));
    }
  }
  return (name) => exact.has(name) || indexed.some((re) => re.test(name));
}
