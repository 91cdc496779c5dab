/** Semantic checks after types are known: values that parse but cannot work. kube/ validates [kubernetes]. */
import { parseBindAddress } from './bind-address.ts';
import { apiServerError, resourceError } from './kubernetes.ts';
import { keyError, type KeyOrigin } from './errors.ts';
import { validateHttpPost } from './httppost.ts';
import { validateInfluxdb } from './influxdb.ts';
import { validateAlertHandlers } from './alert-sections.ts';
import { validateAuth } from './auth.ts';
import { OutboundGuard } from '../outbound/guard.ts';
import { validateTls } from './tls.ts';
import type { Config } from './schema.ts';
import { clusterConfigError } from './cluster.ts';
import { validateUdf } from './udf.ts';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'OFF'] as const;

export function validateConfig(c: Config, origin: KeyOrigin = () => undefined): void {
  const fail = (path: string, label: string, message: string): never => { throw keyError(origin, path, label, message); };
  const addr = parseBindAddress(c.http.bindAddress);
  if ('error' in addr) fail('http.bindAddress', 'http.bind-address', `invalid address ${JSON.stringify(c.http.bindAddress)}: ${addr.error}`);
  if (!(LOG_LEVELS as readonly string[]).includes(c.logging.level.toUpperCase())) {
    fail('logging.level', 'logging.level', `unknown level ${JSON.stringify(c.logging.level)} (use ${LOG_LEVELS.join(', ')})`);
  }
  if (c.http.maxBodySize < 0) fail('http.maxBodySize', 'http.max-body-size', `must be >= 0 (0 means no limit), got ${c.http.maxBodySize}`);
  const atLeast = (path: string, label: string, v: number, min: number, zero: string): void => {
    if (!Number.isInteger(v) || v < min) fail(path, label, `must be an integer >= ${min}${zero}, got ${v}`);
  };
  atLeast('http.maxHeaderSize', 'http.max-header-size', c.http.maxHeaderSize, 1024, '');
  atLeast('http.maxLineSize', 'http.max-line-size', c.http.maxLineSize, 0, ' (0 means no limit)');
  atLeast('http.maxConcurrentRequests', 'http.max-concurrent-requests', c.http.maxConcurrentRequests, 0, ' (0 means no limit)');
  if (c.http.readTimeout <= 0n) fail('http.readTimeout', 'http.read-timeout', 'must be > 0');
  atLeast('limits.maxTasks', 'limits.max-tasks', c.limits.maxTasks, 0, ' (0 means no limit)');
  atLeast('limits.maxTickscriptSize', 'limits.max-tickscript-size', c.limits.maxTickscriptSize, 0, ' (0 means no limit)');
  atLeast('limits.maxTickscriptDepth', 'limits.max-tickscript-depth', c.limits.maxTickscriptDepth, 0, ' (0 means no limit)');
  atLeast('limits.maxGroupsPerNode', 'limits.max-groups-per-node', c.limits.maxGroupsPerNode, 0, ' (0 means no limit)');
  if (c.limits.groupIdleTimeout < 0n) fail('limits.groupIdleTimeout', 'limits.group-idle-timeout', 'must be >= 0 (0 means never)');
  if (c.http.shutdownTimeout <= 0n) fail('http.shutdownTimeout', 'http.shutdown-timeout', 'must be > 0');
  if (c.stats.statsInterval <= 0n) fail('stats.statsInterval', 'stats.stats-interval', 'must be > 0');
  if (!(c.stats.timingSampleRate >= 0 && c.stats.timingSampleRate <= 1)) {
    fail('stats.timingSampleRate', 'stats.timing-sample-rate', `must be between 0 and 1, got ${c.stats.timingSampleRate}`);
  }
  if (c.stats.timingMovavgSize < 1) fail('stats.timingMovavgSize', 'stats.timing-movavg-size', `must be >= 1, got ${c.stats.timingMovavgSize}`);
  if (c.dataDir === '') fail('dataDir', 'data_dir', 'must not be empty');
  try {
    new OutboundGuard(c.blacklistCidrs);
  } catch (err) {
    fail('blacklistCidrs', 'blacklist-cidrs', (err as Error).message);
  }
  validateAuth(c, origin);
  validateTls(c, origin);
  validateHttpPost(c.httppost, origin);
  const cluster = clusterConfigError(c.cluster);
  if (cluster) fail(`cluster.${cluster.prop}`, `cluster.${cluster.key}`, cluster.message);
  c.swarm.forEach((s, i) => {
    if (s.enabled && s.servers.length === 0) {
      throw keyError(origin, `swarm.${i}.servers`, `swarm[${i}].servers`, 'no api-servers specified, must provide at least one server URL');
    }
  });
  if (c.join.maxGroups < 1) fail('join.maxGroups', 'join.max-groups', `must be >= 1, got ${c.join.maxGroups}`);
  if (c.join.maxPending < 1) fail('join.maxPending', 'join.max-pending', `must be >= 1, got ${c.join.maxPending}`);
  c.ec2.forEach((e, i) => {
    // Kapacitor's ec2 Config.Validate, for every section (enabled or not)
    if (e.id === '') fail(`ec2.${i}.id`, `ec2[${i}].id`, 'ec2 discovery must be given a ID');
    if (e.region === '') fail(`ec2.${i}.region`, `ec2[${i}].region`, `ec2 discovery, ${e.id}, requires a region`);
    if (e.endpoint !== '' && !/^https?:\/\/[^/]/.test(e.endpoint)) fail(`ec2.${i}.endpoint`, `ec2[${i}].endpoint`, `must be an http:// or https:// URL, got ${JSON.stringify(e.endpoint)}`);
  });
  validateInfluxdb(c.influxdb, origin);
  validateAlertHandlers(c, origin);
  validateUdf(c.udf, origin);
  // The per-value [kubernetes] checks run here too, where the variable a value came from is still known
  // (KAPACITOR_KUBERNETES_API_SERVERS=localhost:8001); kube/ checks the section as a whole when the clients start.
  c.kubernetes.forEach((k, i) => {
    if (!k.enabled) return;
    const label = c.kubernetes.length > 1 ? `kubernetes[${i}]` : 'kubernetes';
    k.apiServers.forEach((server, j) => {
      const bad = apiServerError(server, j);
      if (bad) fail(`kubernetes.${i}.apiServers`, `${label}.api-servers`, bad);
    });
    if (k.resource.length > 1) fail(`kubernetes.${i}.resource`, `${label}.resource`, `takes one value (node, pod, service or endpoint), got ${JSON.stringify(k.resource)}`);
    const bad = resourceError(k.resource[0] ?? '');
    if (bad) fail(`kubernetes.${i}.resource`, `${label}.resource`, bad);
  });
}
