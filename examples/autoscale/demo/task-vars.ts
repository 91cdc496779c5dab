/**
 * The task vars the demo passes with `kapacitor define … -vars FILE` (SPEC §5: {"<name>": {"type", "value"}}),
 * limited to the vars the script declares, so the seed's script (which has no `kind` var) works too.
 */
import type { DemoOptions } from './options.ts';

export interface ScriptInfo {
  /** names of `var x = …` declarations */
  vars: Set<string>;
  /** the literal in `.kind('…')`, when the script fixes the kind */
  fixedKind: string | undefined;
}

export function inspectScript(text: string): ScriptInfo {
  const vars = new Set<string>();
  for (const m of text.matchAll(/^\s*var\s+([A-Za-z][A-Za-z0-9_]*)\s*=/gm)) vars.add(m[1]!);
  const k = /\.kind\(\s*'([^']*)'\s*\)/.exec(text);
  return { vars, fixedKind: k?.[1] };
}

type VarJson = { type: 'float' | 'int' | 'duration' | 'string'; value: number | string };

const MS_TO_NS = 1_000_000;

export function taskVars(opts: DemoOptions, info: ScriptInfo): Record<string, VarJson> {
  const all: Record<string, VarJson> = {
    target: { type: 'float', value: opts.target },
    moving_avg_count: { type: 'int', value: opts.movingAvg },
    // Durations as integer nanoseconds, Kapacitor's JSON form of a time.Duration.
    increase_cooldown: { type: 'duration', value: opts.increaseCooldownMs * MS_TO_NS },
    decrease_cooldown: { type: 'duration', value: opts.decreaseCooldownMs * MS_TO_NS },
    kind: { type: 'string', value: opts.kind },
  };
  const out: Record<string, VarJson> = {};
  for (const [k, v] of Object.entries(all)) if (info.vars.has(k)) out[k] = v;
  return out;
}

/** The workload kind the script will scale: its `kind` var when it has one, else its literal, else the option. */
export function effectiveKind(opts: DemoOptions, info: ScriptInfo): 'deployments' | 'replicasets' {
  if (info.vars.has('kind') || info.fixedKind === undefined) return opts.kind;
  if (info.fixedKind === 'deployments' || info.fixedKind === 'replicasets') return info.fixedKind;
  throw new Error(`the script scales ${JSON.stringify(info.fixedKind)}; the local cluster runs deployments or replicasets`);
}
