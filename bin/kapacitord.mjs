#!/usr/bin/env node
// kapacitord: the tickstream server. Runs the TypeScript sources through tsx (no build step).
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';
// V8's allocation-site pretenuring sometimes decides (depending on what else is on the heap, e.g. tsx's esbuild)
// that the points of a /write survive, and then allocates every parsed and derived point in the old generation:
// end-to-end ingest drops by ~30 % and full GCs run every few hundred ms. Points live for one write, so the
// young generation is the right place for them; set before any of our code runs (docs/hot-path.md).
setFlagsFromString('--no-allocation-site-pretenuring');
register();
await import('../server/main.ts');
