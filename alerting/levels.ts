/**
 * Alert levels (Kapacitor `alert/types.go`): OK(0) < INFO(1) < WARNING(2) < CRITICAL(3), and the parser the
 * alert API uses for `min-level`.
 */
export const OK = 0;
export const INFO = 1;
export const WARNING = 2;
export const CRITICAL = 3;
export type Level = 0 | 1 | 2 | 3;

export const LEVEL_NAMES = ['OK', 'INFO', 'WARNING', 'CRITICAL'] as const;

const LEVEL_STRINGS = 'OKINFOWARNINGCRITICAL';
const LEVEL_OFFSETS = [0, 2, 6, 13];

/**
 * Kapacitor's ParseLevel: the upper-cased text is looked up with bytes.Index in "OKINFOWARNINGCRITICAL" and
 * accepted when it starts at a level's offset — so "" is OK, and prefixes such as "warn" or "crit" are accepted.
 * Throws Kapacitor's `unknown alert level 'X'` otherwise.
 */
export function parseLevel(s: string): Level {
  const up = s.toUpperCase();
  const idx = LEVEL_STRINGS.indexOf(up);
  const l = LEVEL_OFFSETS.indexOf(idx);
  if (idx < 0 || l < 0) throw new Error(`unknown alert level '${up}'`);
  return l as Level;
}

export function levelName(l: number): string {
  return LEVEL_NAMES[l] ?? 'unknown';
}
