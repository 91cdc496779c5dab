/**
 * The autoscale tutorial's example app: counts requests and reports the count once per second.
 * Run: APP_REPLICASET=app APP_INFLUXDB_URL='http://127.0.0.1:9092/write?db=autoscale&rp=autogen&precision=s' \
 *      node --import tsx examples/autoscale/app/main.ts
 * Prints `listening on <address>:<port>` once it accepts requests (PORT=0 picks a free port).
 * SIGTERM/SIGINT stop reporting, close the listener and exit 0.
 */
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config.ts';
import { createCounterServer } from './counter-server.ts';
import { startReporter } from './reporter.ts';

function log(msg: string): void {
  console.log(`${new Date().toISOString()} ${msg}`);
}

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`app: ${err.message}`);
    process.exit(2);
  }
  throw err;
}

log(`host: ${config.host}`);
log(`replicaset: ${config.replicaset}`);
log(`url: ${config.influxdbUrl.href}`);

const counter = createCounterServer();
const reporter = startReporter({
  url: config.influxdbUrl,
  host: config.host,
  replicaset: config.replicaset,
  count: counter.count,
  log,
});

counter.server.on('error', (err) => {
  console.error(`app: cannot listen on port ${config.port}: ${err.message}`);
  reporter.stop();
  process.exit(1);
});
counter.server.listen(config.port, config.bindAddress, () => {
  const addr = counter.server.address() as AddressInfo;
  log(`listening on ${addr.address}:${addr.port}`);
});

function shutdown(signal: string): void {
  log(`${signal} received, shutting down after ${counter.count()} requests`);
  reporter.stop();
  counter.server.close(() => process.exit(0));
  counter.server.closeIdleConnections();
  // Busy keep-alive connections get a moment to finish their current request, then are cut.
  setTimeout(() => { counter.server.closeAllConnections(); }, 2000).unref();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
