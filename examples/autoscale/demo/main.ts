/**
 * `npm run demo`: the autoscale tutorial on a laptop, in one command, with no cluster and no Docker.
 * Starts a local cluster (Kubernetes API test server + app processes), tickstream, defines and enables the
 * autoscale task with the kapacitor CLI, ramps load, and shows offered QPS, per-replica rate and replica count
 * live; at the end writes demo.svg, decisions.json and timeline.json. `npm run demo -- --help` for options;
 * `npm run demo -- --short` for a ~3 minute run. Ctrl-C stops early and still writes the results.
 */
import { parseDemoArgs, USAGE, UsageError } from './options.ts';
import { runDemo } from './run.ts';

let opts;
try {
  opts = parseDemoArgs(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`demo: ${err.message}\n${USAGE}`);
    process.exit(2);
  }
  throw err;
}
if (opts === 'help') {
  console.log(USAGE);
  process.exit(0);
}

const abort = new AbortController();
const onSignal = (): void => {
  if (abort.signal.aborted) return;
  process.stdout.write('\nstopping…\n');
  abort.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  const r = await runDemo(opts, (s) => process.stdout.write(s), abort.signal);
  const peak = Math.max(1, ...r.samples.map((s) => s.desired));
  console.log(`${r.decisions.length} scaling decisions, peak ${peak} replicas`);
  process.exit(0);
} catch (err) {
  console.error(`demo: ${(err as Error).message}`);
  process.exit(1);
}
