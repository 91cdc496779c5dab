/**
 * The demo's options. Defaults are the tutorial's (SPEC §1.3 ramp: max 5000, +10 QPS every 5 s; §1.6 task:
 * target 100, moving average 60, cooldowns 1m up / 2m down); `--short` shrinks them to a run of ~3 minutes.
 */
import { parseArgs } from 'node:util';
import { parseInterval } from '../ramp/schedule.ts';

export interface DemoOptions {
  max: number;
  step: number;
  intervalMs: number;
  target: number;
  movingAvg: number;
  increaseCooldownMs: number;
  decreaseCooldownMs: number;
  /** workload kind for the local cluster (and the script's `kind` var when it has one) */
  kind: 'deployments' | 'replicasets';
  script: string;
  outDir: string | undefined;
  live: boolean;
  /** longest wait for the scale-down after the ramp ends, ms */
  tailMs: number | undefined;
}

export const USAGE = `Usage: npm run demo -- [options]
  --short                    a ~3 minute run: --max 300 --step 50 --moving-avg 10 --increase-cooldown 10s --decrease-cooldown 20s
  --max QPS                  highest offered load (default 5000)
  --step QPS                 load added per step (default 10)
  --interval DURATION        time per step (default 5s)
  --target RPS               requests per second per replica, the task's target var (default 100)
  --moving-avg N             points in the moving average, the task's moving_avg_count var (default 60)
  --increase-cooldown DUR    the task's increase_cooldown var (default 1m)
  --decrease-cooldown DUR    the task's decrease_cooldown var (default 2m)
  --kind deployments|replicasets   what the local cluster runs the app as (default deployments)
  --script FILE              TICKscript to define (default examples/autoscale/autoscale.tick)
  --out DIR                  where to write demo.svg, decisions.json, timeline.json and logs (default .tmp/demo-<time>)
  --tail DURATION            longest wait for replicas to come back down after the ramp (default: computed)
  --no-live                  print one status line every 5 s instead of redrawing charts`;

export class UsageError extends Error {}

const SHORT = { max: '300', step: '50', 'moving-avg': '10', 'increase-cooldown': '10s', 'decrease-cooldown': '20s' } as const;
const DEFAULTS = {
  max: '5000', step: '10', interval: '5s', target: '100', 'moving-avg': '60', 'increase-cooldown': '1m', 'decrease-cooldown': '2m',
} as const;

function positive(name: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`);
  }
  return n;
}

function duration(name: string, text: string): number {
  try {
    return parseInterval(text);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

export function parseDemoArgs(argv: string[]): DemoOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        short: { type: 'boolean' },
        max: { type: 'string' }, step: { type: 'string' }, interval: { type: 'string' }, target: { type: 'string' },
        'moving-avg': { type: 'string' }, 'increase-cooldown': { type: 'string' }, 'decrease-cooldown': { type: 'string' },
        kind: { type: 'string', default: 'deployments' },
        script: { type: 'string', default: 'examples/autoscale/autoscale.tick' },
        out: { type: 'string' }, tail: { type: 'string' },
        'no-live': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const preset: Record<string, string> = { ...DEFAULTS, ...(values.short ? SHORT : {}) };
  const pick = (k: keyof typeof DEFAULTS): string => (values[k] as string | undefined) ?? preset[k]!;
  const kind = values.kind!;
  if (kind !== 'deployments' && kind !== 'replicasets') throw new UsageError(`--kind must be deployments or replicasets, got ${JSON.stringify(kind)}`);
  return {
    max: positive('max', pick('max'), true),
    step: positive('step', pick('step'), true),
    intervalMs: duration('interval', pick('interval')),
    target: positive('target', pick('target'), false),
    movingAvg: positive('moving-avg', pick('moving-avg'), true),
    increaseCooldownMs: duration('increase-cooldown', pick('increase-cooldown')),
    decreaseCooldownMs: duration('decrease-cooldown', pick('decrease-cooldown')),
    kind,
    script: values.script!,
    outDir: values.out,
    live: !values['no-live'],
    tailMs: values.tail === undefined ? undefined : duration('tail', values.tail),
  };
}
