#!/usr/bin/env node
// tickfmt: formats TICKscripts canonically, like Kapacitor's tickfmt. Runs dist/ when current, else the sources (bin/launch.mjs).
import { launch } from './launch.mjs';
await launch('tickfmt', 'cli/tickfmt');
