#!/usr/bin/env node
// tickfmt: formats TICKscripts canonically, like Kapacitor's tickfmt.
import { register } from 'tsx/esm/api';
register();
await import('../cli/tickfmt.ts');
