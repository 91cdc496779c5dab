/**
 * The example app's settings, read from the environment like the seed's Go app (SPEC §1.2): APP_REPLICASET,
 * APP_INFLUXDB_URL and the host name; plus PORT (default 8000) and APP_HOSTNAME/APP_BIND_ADDRESS so that
 * several local replicas can run on one machine with distinct names and ports.
 */
import { hostname } from 'node:os';

export interface AppConfig {
  port: number;
  bindAddress: string | undefined;
  host: string;
  replicaset: string;
  influxdbUrl: URL;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const portText = env.PORT ?? '8000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got ${JSON.stringify(portText)}`);
  }
  const urlText = env.APP_INFLUXDB_URL;
  if (!urlText) {
    throw new ConfigError('APP_INFLUXDB_URL is not set (e.g. http://kapacitor:9092/write?db=autoscale&rp=autogen&precision=s)');
  }
  let influxdbUrl: URL;
  try {
    influxdbUrl = new URL(urlText);
  } catch {
    throw new ConfigError(`APP_INFLUXDB_URL is not a valid URL: ${JSON.stringify(urlText)}`);
  }
  if (influxdbUrl.protocol !== 'http:' && influxdbUrl.protocol !== 'https:') {
    throw new ConfigError(`APP_INFLUXDB_URL must be http or https, got ${JSON.stringify(influxdbUrl.protocol)}`);
  }
  const replicaset = env.APP_REPLICASET ?? '';
  if (replicaset === '') {
    // An empty tag value is invalid line protocol (SPEC Appendix C: missing tag value): every POST would fail.
    throw new ConfigError('APP_REPLICASET is not set (the name of the workload to scale, e.g. app)');
  }
  const host = env.APP_HOSTNAME || env.HOSTNAME || hostname();
  return { port, bindAddress: env.APP_BIND_ADDRESS || undefined, host, replicaset, influxdbUrl };
}
