/** docs/configuration.md must document every key the schema accepts, with its environment variable. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { SECTIONS, TOP_LEVEL_KEYS, envName } from '../../server/config/schema.ts';

it('docs/configuration.md lists every key and its KAPACITOR_* variable', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  for (const k of TOP_LEVEL_KEYS) {
    assert.ok(doc.includes(`\`${k.toml}\``), k.toml);
    assert.ok(doc.includes(`KAPACITOR_${envName(k.toml)}`), k.toml);
  }
  for (const s of SECTIONS) {
    for (const k of s.keys) {
      const env = s.kind === 'table' ? `KAPACITOR_${envName(s.toml)}_${envName(k.toml)}` : `KAPACITOR_${envName(s.toml)}_<n>_${envName(k.toml)}`;
      assert.ok(doc.includes(`\`${k.toml}\``) || doc.includes(`\`[${s.toml}] ${k.toml}\``), `${s.toml}.${k.toml}`);
      assert.ok(doc.includes(env), env);
    }
  }
});
