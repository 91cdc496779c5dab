/** The server version, from package.json (sent as X-Kapacitor-Version and printed by `kapacitord version`). */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION: string = pkg.version;
