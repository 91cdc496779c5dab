/** Configuration errors: one message naming the key (and the env var when it came from one). */

export class ConfigError extends Error {
  constructor(message: string) {
    super('config: ' + message);
    this.name = 'ConfigError';
  }
}

/**
 * Where a key's value came from when not from the file: `KAPACITOR_HTTP_BIND_ADDRESS` or `flag -log-level`
 * (undefined: the file or the default). `path` is the key's property path: `http.bindAddress`, `httppost.0.url`.
 */
export type KeyOrigin = (path: string) => string | undefined;

/**
 * Builds the error for one key, in the same form as the conversion errors of env.ts/load.ts:
 * `KAPACITOR_HTTP_BIND_ADDRESS: key "http.bind-address": …` when the value came from a variable (or flag),
 * `key "http.bind-address": …` otherwise.
 */
export function keyError(origin: KeyOrigin, path: string, label: string, message: string): ConfigError {
  const from = origin(path);
  return new ConfigError(`${from === undefined ? '' : `${from}: `}key ${JSON.stringify(label)}: ${message}`);
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** ` (did you mean "x"?)` for the closest candidate within a small edit distance, else ''. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  let best = '';
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return bestD <= limit ? ` (did you mean ${JSON.stringify(best)}?)` : '';
}
