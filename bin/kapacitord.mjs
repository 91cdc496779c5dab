#!/usr/bin/env node
// kapacitord: the tickstream server. Runs dist/ when current, else the TypeScript sources through tsx (bin/launch.mjs).
import { setFlagsFromString } from 'node:v8';
import { launch } from './launch.mjs';
// V8's allocation-site pretenuring sometimes decides (depending on what else is on the heap, e.g. tsx's esbuild
// when running the sources) that the points of a /write survive, and then allocates every parsed and derived point in the old generation:
// end-to-end ingest drops by ~30 % and full GCs run every few hundred ms. Points live for one write, so the
// young generation is the right place for them; set before any of our code runs (docs/hot-path.md).
setFlagsFromString('--no-allocation-site-pretenuring');
await launch('kapacitord', 'server/main');
