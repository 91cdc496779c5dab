/**
 * `kapacitor whatif` (tickstream): replay recorded points through a task (and, with -compare, other tasks) against
 * a simulated cluster and print what each autoscale policy would have done and cost; -html writes the report with
 * charts as one self-contained page. The server does the replay (POST /kapacitor/v1/whatif, docs/whatif.md).
 */
import { writeFileSync } from 'node:fs';
import { CliError } from './client.ts';
import { collect, parseFlags, UsageError } from './flags.ts';
import { readText } from './inputs.ts';
import type { Ctx } from './context.ts';
import { formatWhatIf } from '../whatif/report-text.ts';
import { whatIfHTML } from '../whatif/report-html.ts';
import type { WhatIfJSON } from '../whatif/report-json.ts';

interface WhatIfFlags {
  task?: string;
  compare: string[];
  file?: string;
  recording?: string;
  db?: string;
  rp?: string;
  precision?: string;
  initialReplicas?: string;
  podCapacity?: string;
  startup?: string;
  loadField?: string;
  html?: string;
}

function numberFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`invalid value ${JSON.stringify(v)} for flag -${name}: parse error`, 'whatif');
  return n;
}

export async function whatif(args: string[], ctx: Ctx): Promise<void> {
  const { opts } = parseFlags<WhatIfFlags>('whatif', args, (c) => c
    .option('--task <id>').option('--compare <id>', '', collect, []).option('--file <path>').option('--recording <id>').option('--db <db>').option('--rp <rp>')
    .option('--precision <p>').option('--initial-replicas <n>').option('--pod-capacity <n>').option('--startup <d>')
    .option('--load-field <name>').option('--html <path>'));
  if (!opts.task) throw new UsageError('Must provide a task ID with -task.', 'whatif');
  if ((opts.file === undefined) === (opts.recording === undefined)) {
    throw new UsageError('Must provide the points to replay: -recording <recording ID> or -file <line protocol file>.', 'whatif');
  }
  const body: Record<string, unknown> = { task: opts.task };
  if (opts.recording !== undefined) body['recording'] = opts.recording;
  else body['points'] = { data: readText(opts.file!, 'points'), precision: opts.precision ?? 'ns', ...(opts.db ? { db: opts.db } : {}), ...(opts.rp ? { rp: opts.rp } : {}) };
  if (opts.compare.length > 0) body['compare'] = opts.compare;
  const ir = numberFlag('initial-replicas', opts.initialReplicas);
  if (ir !== undefined) body['initial-replicas'] = ir;
  const pc = numberFlag('pod-capacity', opts.podCapacity);
  if (pc !== undefined) body['pod-capacity'] = pc;
  if (opts.startup !== undefined) body['startup'] = opts.startup;
  if (opts.loadField !== undefined) body['load-field'] = opts.loadField;
  const report = await ctx.client().json<WhatIfJSON>('POST', '/kapacitor/v1/whatif', { body });
  ctx.io.out(formatWhatIf(report));
  if (opts.html) {
    try {
      writeFileSync(opts.html, whatIfHTML(report));
    } catch (err) {
      throw new CliError(`cannot write ${opts.html}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    ctx.io.out(`Report written to ${opts.html}\n`);
  }
}
