/** docs/configuration.md must document every key the schema accepts, with its environment variable. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { SECTIONS, TOP_LEVEL_KEYS, envName } from '../../config/schema.ts';
import { TABLE_TYPES } from '../../config/spec.ts';
import { ACCEPTED_UNUSED_SECTIONS } from '../../config/accepted.ts';

it('docs/configuration.md lists every key and its KAPACITOR_* variable', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  for (const k of TOP_LEVEL_KEYS) {
    assert.ok(doc.includes(`\`${k.toml}\``), k.toml);
    assert.ok(doc.includes(`KAPACITOR_${envName(k.toml)}`), k.toml);
  }
  for (const s of SECTIONS) {
    for (const k of s.keys) {
      // table-valued keys are set entry by entry: the page shows the variable with a `_<name>` suffix
      const suffix = TABLE_TYPES.has(k.type) ? '_' : '';
      const env = (s.kind === 'table' ? `KAPACITOR_${envName(s.toml)}_${envName(k.toml)}` : `KAPACITOR_${envName(s.toml)}_<n>_${envName(k.toml)}`) + suffix;
      assert.ok(doc.includes(`\`${k.toml}\``) || doc.includes(`\`[${s.toml}] ${k.toml}\``), `${s.toml}.${k.toml}`);
      // dbrp tables (`[influxdb.subscriptions]`) cannot be set through the environment at all
      if (k.type === 'dbrp-map') assert.match(doc, new RegExp(`\\| \`${k.toml}\` \\|[^\\n]*file only`), `${s.toml}.${k.toml}`);
      else assert.ok(doc.includes(env), env);
    }
  }
});

it('docs/configuration.md lists every section that is accepted but not used', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  for (const name of ACCEPTED_UNUSED_SECTIONS) assert.ok(doc.includes(`\`${name}\``), name);
});
