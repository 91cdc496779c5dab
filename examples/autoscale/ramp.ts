/**
 * Load ramp for the autoscale tutorial, the TypeScript counterpart of the seed's ramp.sh (SPEC §1.3), with no
 * need for `hey`: QPS rises by --step every --interval up to --max, then falls back to 0.
 *
 *   node --import tsx examples/autoscale/ramp.ts [--max 5000] [--step 10] [--interval 5s] [--connections 256] <URL> [max]
 *
 * Prints `<date> QPS <qps>` as each level starts, like ramp.sh, and a summary line at the end.
 * Ctrl-C stops it early (still printing the summary).
 */
import { parseArgs } from 'node:util';
import { formatDate, parseInterval, rampLevels } from './ramp/schedule.ts';
import { runRamp } from './ramp/load.ts';

const USAGE = 'Usage: ramp.ts [--max QPS] [--step QPS] [--interval DURATION] [--connections N] <URL> [max_qps]';

function fail(msg: string): never {
  console.error(`ramp: ${msg}\n${USAGE}`);
  process.exit(2);
}

function positiveInt(name: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0) fail(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      max: { type: 'string' },
      step: { type: 'string', default: '10' },
      interval: { type: 'string', default: '5s' },
      connections: { type: 'string', default: '256' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (err) {
  fail((err as Error).message);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [urlText, maxPositional, ...extra] = parsed.positionals;
if (!urlText) fail('missing URL');
if (extra.length) fail(`unexpected arguments: ${extra.join(' ')}`);
if (maxPositional !== undefined && parsed.values.max !== undefined) fail('give the maximum either as --max or as the second argument, not both');
let url: URL;
try {
  url = new URL(urlText);
} catch {
  fail(`invalid URL ${JSON.stringify(urlText)}`);
}
if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`URL must be http or https, got ${JSON.stringify(urlText)}`);
const max = positiveInt('max', maxPositional ?? parsed.values.max ?? '5000');
const step = positiveInt('step', parsed.values.step!);
const connections = positiveInt('connections', parsed.values.connections!);
let intervalMs: number;
try {
  intervalMs = parseInterval(parsed.values.interval!);
} catch (err) {
  fail(`--interval: ${(err as Error).message}`);
}

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
process.once('SIGTERM', () => abort.abort());

const totals = await runRamp({
  url,
  levels: rampLevels(max, step),
  intervalMs,
  connections,
  signal: abort.signal,
  onLevel: (qps) => console.log(`${formatDate(new Date())} QPS ${qps}`),
});
const errs = [...totals.errors].map(([k, n]) => `${k} ×${n}`).join(', ');
console.log(`sent ${totals.sent}, ok ${totals.ok}, failed ${totals.failed}, skipped ${totals.skipped}${errs ? ` (${errs})` : ''}`);
process.exit(totals.failed > 0 && totals.ok === 0 ? 1 : 0);
