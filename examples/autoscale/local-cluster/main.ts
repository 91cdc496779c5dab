/**
 * Runs the local cluster by hand:
 *   node --import tsx examples/autoscale/local-cluster/main.ts \
 *     [--kind deployments|replicasets] [--name app] [--replicas 1] [--kube-port 8001] [--service-port 8000] \
 *     [--influxdb-url 'http://127.0.0.1:9092/write?db=autoscale&rp=autogen&precision=s'] [--log-dir DIR]
 * then e.g. `kubectl --server http://127.0.0.1:8001 get pods -w` (each replica is a Pod), point tickstream at it with
 * KAPACITOR_KUBERNETES_API_SERVERS=http://127.0.0.1:8001, and send load to the service port.
 * Ctrl-C stops every pod.
 */
import { parseArgs } from 'node:util';
import { startLocalCluster } from './cluster.ts';

const USAGE = 'Usage: local-cluster [--kind deployments|replicasets] [--name app] [--replicas N] [--kube-port N] [--service-port N] [--influxdb-url URL] [--log-dir DIR]';
const HELP = `${USAGE}

Runs a local Kubernetes API (apps/v1 scale subresources) whose replicas are app processes on this machine.
  --kind KIND          deployments (default) or replicasets
  --name NAME          workload name (default app)
  --replicas N         initial replicas (default 1)
  --kube-port N        Kubernetes API port (default 8001)
  --service-port N     port the service balances over the pods (default 8000)
  --influxdb-url URL   where the pods write their metrics (default tickstream's /write on 127.0.0.1:9092)
  --log-dir DIR        keep each pod's output in DIR
  -h, --help           show this help`;

function fail(msg: string): never {
  console.error(`local-cluster: ${msg}\n${USAGE}`);
  process.exit(2);
}

function port(name: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) fail(`--${name} must be a port number, got ${JSON.stringify(text)}`);
  return Number(text);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      kind: { type: 'string', default: 'deployments' },
      name: { type: 'string', default: 'app' },
      replicas: { type: 'string', default: '1' },
      'kube-port': { type: 'string', default: '8001' },
      'service-port': { type: 'string', default: '8000' },
      'influxdb-url': { type: 'string', default: 'http://127.0.0.1:9092/write?db=autoscale&rp=autogen&precision=s' },
      'log-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}
// asked-for help is the output, not an error: stdout, exit 0
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (!/^\d+$/.test(values.replicas!)) fail(`--replicas must be a non-negative integer, got ${JSON.stringify(values.replicas)}`);

const time = (): string => new Date().toISOString();
const cluster = await startLocalCluster({
  kubePort: port('kube-port', values['kube-port']!),
  logDir: values['log-dir'],
  onEvent: (e) => {
    if (e.type === 'scale') console.log(`${time()} ${e.workload}: spec.replicas ${e.old} -> ${e.new}`);
    else if (e.type === 'pod-exited' && !e.expected) console.log(`${time()} pod ${e.pod} exited unexpectedly (code ${e.code}): ${e.lastLines.slice(-3).join(' | ')}`);
    else if (e.type !== 'pod-exited') console.log(`${time()} ${e.type} ${e.pod}`);
  },
});
let w;
try {
  w = await cluster.addWorkload({
    kind: values.kind!,
    name: values.name!,
    replicas: Number(values.replicas),
    servicePort: port('service-port', values['service-port']!),
    env: { APP_INFLUXDB_URL: values['influxdb-url']! },
  });
} catch (err) {
  await cluster.close();
  fail((err as Error).message);
}
const kinds = w.resource === 'replicasets' ? 'replicasets,pods' : `${w.resource},replicasets,pods`;
console.log(`kubernetes API: ${cluster.kubeUrl}   (kubectl --server ${cluster.kubeUrl} get ${kinds}; get pods -w)`);
console.log(`service ${w.name}: ${w.serviceUrl}`);

let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  console.log(`${time()} stopping`);
  void cluster.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
