#!/usr/bin/env node
// kapacitor: the CLI, compatible with Kapacitor 1.8's. Runs dist/ when current, else the sources (bin/launch.mjs).
import { launch } from './launch.mjs';
await launch('kapacitor', 'cli/main');
