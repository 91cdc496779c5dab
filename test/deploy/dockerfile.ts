/** A small Dockerfile reader for static tests: instructions with line continuations joined, comments dropped. */
export interface Instruction {
  op: string;
  args: string;
  /** index of the build stage (FROM) the instruction belongs to */
  stage: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let buf = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (buf === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) { buf += line.slice(0, -1) + ' '; continue; }
    const full = (buf + line).trim();
    buf = '';
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(full);
    if (!m) throw new Error(`Dockerfile: cannot read instruction ${JSON.stringify(full)}`);
    const op = m[1]!.toUpperCase();
    if (op === 'FROM') stage += 1;
    out.push({ op, args: m[2]!.replace(/\s+/g, ' '), stage });
  }
  if (buf !== '') throw new Error('Dockerfile: ends inside a line continuation');
  return out;
}

/** ENV instructions of one stage as a map (the `K=V K2=V2` form). */
export function envOf(ins: Instruction[], stage: number): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of ins) {
    if (i.op !== 'ENV' || i.stage !== stage) continue;
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env.set(m[1]!, m[2]!.replace(/^"|"$/g, ''));
  }
  return env;
}
