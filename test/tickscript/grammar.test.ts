// The checked-in parser must be what `npm run build:grammar` generates from the grammar (docs/tickscript.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import peggy from 'peggy';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('tickscript/grammar/parser.generated.js is up to date with tickscript.peggy', () => {
  const grammarPath = 'tickscript/grammar/tickscript.peggy';
  const grammar = readFileSync(root + grammarPath, 'utf8');
  // same options as the peggy CLI in package.json (build:grammar): ES module, grammarSource = the path given
  const fresh = peggy.generate(grammar, { output: 'source', format: 'es', grammarSource: grammarPath });
  const checkedIn = readFileSync(root + 'tickscript/grammar/parser.generated.js', 'utf8');
  assert.ok(fresh === checkedIn, 'parser.generated.js is stale: run `npm run build:grammar` and commit the result');
});
