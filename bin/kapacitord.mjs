#!/usr/bin/env node
// kapacitord: the tickstream server. Runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';
register();
await import('../server/main.ts');
