#!/usr/bin/env node
// kapacitor: the CLI, compatible with Kapacitor 1.8's.
import { register } from 'tsx/esm/api';
register();
await import('../cli/main.ts');
