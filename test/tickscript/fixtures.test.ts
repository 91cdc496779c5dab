// fixtures/scripts: valid scripts evaluate and are already canonical; invalid ones fail with the message in their
// first line (`// error: <message>`), expected values taken from SPEC 2.7 / 3.5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateScript, formatScript, TickscriptError } from '../../tickscript/index.ts';

const dir = fileURLToPath(new URL('../../fixtures/scripts/', import.meta.url));

for (const f of readdirSync(dir + 'valid').sort()) {
  test(`fixture valid/${f}: evaluates, canonical`, () => {
    const src = readFileSync(dir + 'valid/' + f, 'utf8');
    assert.ok(evaluateScript(src, { allowMissingVars: true }).nodes.length > 1);
    assert.equal(formatScript(src), src);
  });
}

for (const f of readdirSync(dir + 'invalid').sort()) {
  test(`fixture invalid/${f}: fails with the documented message`, () => {
    const src = readFileSync(dir + 'invalid/' + f, 'utf8');
    const want = /^\/\/ error: (.*)$/m.exec(src)![1];
    assert.throws(() => evaluateScript(src), (e: unknown) => e instanceof TickscriptError && e.kapacitorMessage === want);
  });
}
