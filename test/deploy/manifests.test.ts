/**
 * Static checks of the Kubernetes manifests in deploy/ (brief item 4; ECOSYSTEM.md §3.1; SPEC §1.4):
 * today's API versions, the exact RBAC rule set for the scale subresources, selectors that match their
 * templates, probes, and only environment variables the server and the app actually read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { serverEnvMatcher } from './env-names.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const deployDir = join(root, 'deploy');

type Obj = Record<string, any>;

function load(rel: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(join(deployDir, rel), 'utf8'));
  return docs.map((d, i) => {
    assert.deepEqual(d.errors.map((e) => e.message), [], `${rel} document ${i + 1} does not parse`);
    return d.toJS() as Obj;
  }).filter((o) => o !== null);
}

function allFiles(dir: string): string[] {
  return readdirSync(join(deployDir, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []);
}

// the tutorial's manifests (deploy/app, deploy/tickstream); the clustered variant (deploy/cluster) is checked on its own below
const files = [...allFiles('app'), ...allFiles('tickstream')];
const byFile = new Map(files.map((f) => [f, load(f)]));
const all = [...byFile.values()].flat();
const one = (rel: string, kind: string): Obj => {
  const found = byFile.get(rel)?.filter((o) => o.kind === kind) ?? [];
  assert.equal(found.length, 1, `${rel} should hold exactly one ${kind}`);
  return found[0]!;
};

// The app reports to tickstream's /write through the Service named kapacitor (SPEC §1.4, brief item 4).
const APP_WRITE_URL = 'http://kapacitor:9092/write?db=autoscale&rp=autogen&precision=s';

test('every manifest parses and uses an API version served today', () => {
  assert.deepEqual(files.sort(), [
    'app/deployment.yaml', 'app/replicaset.yaml', 'app/service.yaml',
    'tickstream/deployment.yaml', 'tickstream/pvc.yaml', 'tickstream/rbac.yaml', 'tickstream/service.yaml',
  ]);
  const allowed: Record<string, string> = {
    Deployment: 'apps/v1', ReplicaSet: 'apps/v1', Service: 'v1', ServiceAccount: 'v1', PersistentVolumeClaim: 'v1',
    Role: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1',
  };
  for (const o of all) {
    assert.ok(o.kind in allowed, `unexpected kind ${o.kind}`);
    assert.equal(o.apiVersion, allowed[o.kind], `${o.kind} ${o.metadata?.name}`);
    assert.doesNotMatch(String(o.apiVersion), /extensions\/v1beta1/);
    assert.match(o.metadata?.name ?? '', /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  }
});

test('workload selectors match their pod templates; env values are strings', () => {
  for (const o of all.filter((x) => x.kind === 'Deployment' || x.kind === 'ReplicaSet')) {
    const match = o.spec.selector?.matchLabels;
    assert.ok(match && Object.keys(match).length > 0, `${o.kind} ${o.metadata.name} needs spec.selector.matchLabels (apps/v1)`);
    for (const [k, v] of Object.entries(match)) assert.equal(o.spec.template.metadata.labels[k], v, `${o.metadata.name} selector ${k}`);
    for (const c of o.spec.template.spec.containers) {
      for (const e of c.env ?? []) {
        if ('value' in e) assert.equal(typeof e.value, 'string', `${o.metadata.name} env ${e.name} must be a quoted string`);
        else assert.ok(e.valueFrom, `${o.metadata.name} env ${e.name} has no value`);
      }
    }
  }
});

test('services: app and kapacitor, NodePort, selecting the right pods on the right ports', () => {
  const workloads = all.filter((x) => x.kind === 'Deployment' || x.kind === 'ReplicaSet');
  const expect: Record<string, number> = { app: 8000, kapacitor: 9092 };
  const services = all.filter((x) => x.kind === 'Service');
  assert.deepEqual(services.map((s) => s.metadata.name).sort(), ['app', 'kapacitor']);
  for (const s of services) {
    assert.equal(s.spec.type, 'NodePort'); // `minikube service <name> --url` (seed tutorial)
    const port = expect[s.metadata.name]!;
    assert.deepEqual(s.spec.ports.map((p: Obj) => [p.port, p.targetPort]), [[port, port]]);
    const targets = workloads.filter((w) => Object.entries(s.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
    assert.ok(targets.length > 0, `service ${s.metadata.name} selects no pods`);
    for (const w of targets) {
      const ports = w.spec.template.spec.containers.flatMap((c: Obj) => c.ports.map((p: Obj) => p.containerPort));
      assert.ok(ports.includes(port), `${w.metadata.name} does not listen on ${port}`);
    }
  }
});

test('the app workloads report to tickstream under their own name', () => {
  const rs = one('app/replicaset.yaml', 'ReplicaSet');
  const dep = one('app/deployment.yaml', 'Deployment');
  for (const w of [rs, dep]) {
    assert.equal(w.metadata.name, 'app');
    const [c] = w.spec.template.spec.containers;
    const env = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value]));
    assert.equal(env.APP_INFLUXDB_URL, APP_WRITE_URL);
    // resourceNameTag('replicaset') must name the scaled object (SPEC §1.6), so the tag equals the workload name.
    assert.equal(env.APP_REPLICASET, w.metadata.name);
    assert.deepEqual(Object.keys(env).sort(), ['APP_INFLUXDB_URL', 'APP_REPLICASET']);
  }
});

test('the verbatim path: the seed script scales replicasets, which replicaset.yaml provides', (t) => {
  const seed = join(root, '..', 'shared', 'seed', 'autoscale.tick');
  if (!existsSync(seed)) { t.skip('shared/seed is absent'); return; }
  assert.match(readFileSync(seed, 'utf8'), /\.kind\('replicasets'\)/);
  assert.equal(one('app/replicaset.yaml', 'ReplicaSet').metadata.name, 'app');
  // Our own script's default kind matches the Deployment layout.
  assert.match(readFileSync(join(root, 'examples/autoscale/autoscale.tick'), 'utf8'), /^var kind = 'deployments'$/m);
});

test('RBAC: exactly get/update/patch on the apps/v1 scale subresources, bound to the server\'s account', () => {
  const sa = one('tickstream/rbac.yaml', 'ServiceAccount');
  const role = one('tickstream/rbac.yaml', 'Role');
  const binding = one('tickstream/rbac.yaml', 'RoleBinding');
  // ECOSYSTEM.md §3.1: the client GETs, PUTs and PATCHes .../scale.
  assert.deepEqual(role.rules, [{
    apiGroups: ['apps'],
    resources: ['deployments/scale', 'replicasets/scale', 'statefulsets/scale'],
    verbs: ['get', 'update', 'patch'],
  }]);
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: sa.metadata.name }]);
  assert.equal(one('tickstream/deployment.yaml', 'Deployment').spec.template.spec.serviceAccountName, sa.metadata.name);
  assert.equal(all.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding').length, 0);
});

test('tickstream Deployment: one replica, Recreate, data volume, probes, in-cluster Kubernetes', async (t) => {
  const dep = one('tickstream/deployment.yaml', 'Deployment');
  const pvc = one('tickstream/pvc.yaml', 'PersistentVolumeClaim');
  assert.equal(dep.spec.replicas, 1);
  assert.deepEqual(dep.spec.strategy, { type: 'Recreate' });
  const pod = dep.spec.template.spec;
  const [c] = pod.containers;
  assert.equal(pod.containers.length, 1);
  const portByName = Object.fromEntries(c.ports.map((p: Obj) => [p.name, p.containerPort]));
  assert.equal(portByName.http, 9092);
  assert.equal(c.livenessProbe.httpGet.path, '/livez');
  assert.equal(c.readinessProbe.httpGet.path, '/readyz');
  for (const probe of [c.livenessProbe, c.readinessProbe]) assert.ok(probe.httpGet.port === 'http' || probe.httpGet.port === 9092);

  const env = new Map<string, Obj>(c.env.map((e: Obj) => [e.name, e]));
  for (const name of ['KAPACITOR_HTTP_BIND_ADDRESS', 'KAPACITOR_DATA_DIR', 'KAPACITOR_KUBERNETES_ENABLED', 'KAPACITOR_KUBERNETES_IN_CLUSTER', 'KAPACITOR_HOSTNAME']) {
    assert.ok(env.has(name), `missing env ${name}`);
  }
  assert.equal(env.get('KAPACITOR_KUBERNETES_ENABLED')!.value, 'true');
  assert.equal(env.get('KAPACITOR_KUBERNETES_IN_CLUSTER')!.value, 'true');
  assert.equal(env.get('KAPACITOR_HTTP_BIND_ADDRESS')!.value, ':9092');
  assert.deepEqual(env.get('KAPACITOR_HOSTNAME')!.valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
  // The data dir is the mounted claim.
  const dataDir = env.get('KAPACITOR_DATA_DIR')!.value;
  const mount = c.volumeMounts.find((m: Obj) => m.mountPath === dataDir);
  assert.ok(mount, `nothing mounted at KAPACITOR_DATA_DIR ${dataDir}`);
  const vol = pod.volumes.find((v: Obj) => v.name === mount.name);
  assert.equal(vol.persistentVolumeClaim.claimName, pvc.metadata.name);
  assert.deepEqual(pvc.spec.accessModes, ['ReadWriteOnce']);

  const known = await serverEnvMatcher();
  // the schema moving is a failure, not a reason to skip
  assert.ok(known, 'config/schema.ts (the list of variables the server reads) is missing');
  for (const name of env.keys()) assert.ok(known(name), `the server reads no variable named ${name}`);
});

test('deploy/cluster/statefulset.yaml: NATS and tickstream StatefulSets, routes to every NATS pod, known env, the tutorial\'s RBAC', async () => {
  const objs = load('cluster/statefulset.yaml');
  assert.deepEqual(objs.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`),
    ['v1 Service nats', 'apps/v1 StatefulSet nats', 'v1 Service tickstream', 'apps/v1 StatefulSet tickstream']);
  const sts = objs.filter((o) => o.kind === 'StatefulSet');
  for (const o of sts) {
    // a StatefulSet's pods are named <name>-<ordinal> under its governing Service: both must exist and select them
    const svc = objs.find((x) => x.kind === 'Service' && x.metadata.name === o.spec.serviceName);
    assert.ok(svc, `${o.metadata.name}: governing service ${o.spec.serviceName} is missing`);
    for (const [k, v] of Object.entries(o.spec.selector.matchLabels)) {
      assert.equal(o.spec.template.metadata.labels[k], v);
      assert.equal(svc.spec.selector[k], v, `service ${svc.metadata.name} selector ${k}`);
    }
  }
  // NATS: one route per replica, by stable pod DNS name; tickstream reaches the same three
  const nats = sts.find((o) => o.metadata.name === 'nats')!;
  const pods = Array.from({ length: nats.spec.replicas }, (_, i) => `nats-${i}.nats`);
  const args: string[] = nats.spec.template.spec.containers[0].args;
  assert.ok(args.includes('-js'), 'JetStream must be enabled');
  assert.equal(args.find((a) => a.startsWith('--routes=')), `--routes=${pods.map((p) => `nats://${p}:6222`).join(',')}`);
  const ts = sts.find((o) => o.metadata.name === 'tickstream')!;
  const c = ts.spec.template.spec.containers[0];
  const env = new Map<string, Obj>(c.env.map((e: Obj) => [e.name, e]));
  assert.equal(env.get('KAPACITOR_CLUSTER_ENABLED')?.value, 'true');
  assert.equal(env.get('KAPACITOR_CLUSTER_NATS_URLS')?.value, pods.map((p) => `nats://${p}:4222`).join(','));
  // the instance id is the pod name: stable across restarts
  assert.equal(env.get('KAPACITOR_CLUSTER_INSTANCE_ID')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
  for (const e of c.env) if ('value' in e) assert.equal(typeof e.value, 'string', `env ${e.name} must be a quoted string`);
  const known = await serverEnvMatcher();
  assert.ok(known, 'config/schema.ts (the list of variables the server reads) is missing');
  for (const name of env.keys()) assert.ok(known(name), `the server reads no variable named ${name}`);
  // the scale-only RBAC of the tutorial's manifests is what these pods run as
  assert.equal(ts.spec.template.spec.serviceAccountName, 'tickstream');
  assert.ok(all.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'tickstream'), 'deploy/tickstream defines the ServiceAccount');
});
