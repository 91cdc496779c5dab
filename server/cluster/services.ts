/**
 * server/services.ts for an instance with `[cluster] enabled = true` (docs/cluster.md): the same task store,
 * task API and metrics, but `/write` publishes to JetStream (server/cluster/publisher.ts), tasks run once per owned
 * partition (server/cluster/runner.ts, server/cluster/partition-runner.ts), partitions are leased (server/cluster/leases.ts) and
 * tasks/templates replicate (server/cluster/replication.ts). `GET /kapacitor/v1/cluster` shows this instance's view.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AddressInfo } from 'node:net';
import { httpPostEndpoints } from '../../config/index.ts';
import { ingressRows } from '../ingest/counters.ts';
import { TickstreamMetrics } from '../metrics/tickstream.ts';
import { metricsRoutes } from '../routes/metrics.ts';
import { TaskStore } from '../store/store.ts';
import { TaskService, TemplateService, taskApi } from '../api/index.ts';
import { createTickscriptPort } from '../api/script-adapter.ts';
import type { Services, ServicesOptions } from '../services-contract.ts';
import { VERSION } from '../version.ts';
import { KubernetesClients } from '../../kube/index.ts';
import { SwarmClients } from '../../swarm/clients.ts';
import { Ec2Clients } from '../../ec2/clients.ts';
import { openInfluxDB } from '../ingest/influxdb-subscriptions.ts';
import { nowNs } from '../../model/time.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import type { RuntimeServices } from '../../runtime/services.ts';
import { compileLambda } from '../../tickscript/index.ts';
import { LeaseManager } from './leases.ts';
import { openClusterNats } from './nats.ts';
import { PartitionRunner } from './partition-runner.ts';
import { ClusterPublisher } from './publisher.ts';
import { TaskReplicator } from './replication.ts';
import { ClusterRunner } from './runner.ts';
import { CheckpointStore } from './checkpoint.ts';
import { derivePartitionTag } from './partition-tag.ts';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const TASK_PATHS = /^\/kapacitor\/v1(preview)?\/(tasks|templates)(\/|\?|$)/;

export async function createClusterServices(opts: ServicesOptions): Promise<Services> {
  const { config, logger, lifecycle } = opts;
  const { ingress: ingressStats, writes: writeStats, limits: limitStats } = opts.counters;
  const cc = config.cluster;
  setLambdaCompiler(compileLambda);
  const store = new TaskStore(config.dataDir);
  let closed = false;
  const closeStore = (): void => { if (!closed) { closed = true; store.close(); } };
  let nats: Awaited<ReturnType<typeof openClusterNats>> | undefined;
  try {
    const kubernetes = new KubernetesClients(config.kubernetes);
    const clusterId = store.identity('cluster_id');
    const serverId = store.identity('server_id');
    const instance = cc.instanceId || serverId;
    const log = logger.child({ component: 'cluster', instance });
    nats = await openClusterNats(cc, `tickstream ${instance}`);
    const n = nats;
    // [[influxdb]] subscriptions: HTTP ones arrive at /write; UDP datagrams go through the publisher below
    const subscriptions = openInfluxDB({ config, logger, lifecycle, clusterId, serverId, ingress: ingressStats });
    const influxdb = subscriptions.service;
    const base: RuntimeServices = {
      kubernetes,
      swarm: new SwarmClients(config.swarm),
      ec2: new Ec2Clients(config.ec2),
      influxdb: influxdb?.clusters,
      httpPost: httpPostEndpoints(config.httppost),
      serverInfo: { hostname: config.hostname, clusterId, serverId },
      joinLimits: { maxGroups: config.join.maxGroups, maxPending: config.join.maxPending },
      groupLimits: { maxGroups: config.limits.maxGroupsPerNode, idleNs: config.limits.groupIdleTimeout },
    };
    const runner = new ClusterRunner(log, base);
    const checkpoints = new CheckpointStore(n.checkpoints);
    const checkpointIntervalMs = Number(cc.checkpointInterval / 1_000_000n);
    const timing = { sampleRate: config.stats.timingSampleRate, movAvgSize: config.stats.timingMovavgSize };
    // [limits]: script size and depth for every task and template, the number of tasks
    const script = createTickscriptPort({ maxBytes: config.limits.maxTickscriptSize, maxDepth: config.limits.maxTickscriptDepth });
    const tasks = new TaskService({
      store, runner, script, logger: logger.child({ component: 'task_store' }),
      limits: { maxTasks: config.limits.maxTasks, stats: limitStats },
    });
    const templates = new TemplateService(tasks, nowNs);
    const replicator = new TaskReplicator(n.tasks, tasks, log);
    await replicator.start();
    const { started, failed } = tasks.startEnabled();
    log.info({ tasks: store.countTasks().total, started, failed, partitions: cc.partitions, stream: cc.stream }, 'cluster: connected, tasks loaded');

    let leases: LeaseManager | undefined;
    const lm = new LeaseManager({
      kv: n.owners, instance, partitions: cc.partitions, ttlMs: Number(cc.leaseTtl / 1_000_000n), logger: log,
      host: {
        acquired: async (p) => {
          const pr = new PartitionRunner({
            partition: p, instance, nats: n, services: base, tasks: runner.defs, logger: log, timing,
            duplicateWindowNs: cc.duplicateWindow, checkpoints, checkpointIntervalMs,
            leaseValid: () => leases?.valid(p) ?? false,
          });
          runner.partitions.set(p, pr);
          try {
            await pr.start();
          } catch (err) {
            pr.stop('start failed');
            if (runner.partitions.get(p) === pr) runner.partitions.delete(p);
            throw err;
          }
        },
        lost: (p, reason) => {
          const pr = runner.partitions.get(p);
          if (!pr) return;
          runner.partitions.delete(p);
          pr.stop(reason);
        },
      },
    });
    leases = lm;
    const derived = (): string => derivePartitionTag([...runner.defs.values()].map((d) => d.pipeline));
    const publisher = new ClusterPublisher({ nats: n, partitions: cc.partitions, partitionTag: cc.partitionTag || derived(), dedup: cc.duplicateWindow > 0n });
    if (cc.partitionTag === '') {
      runner.onTasksChanged = () => {
        const tag = derived();
        if (tag === publisher.partitionTag) return;
        log.info({ from: publisher.partitionTag, to: tag }, 'cluster: partition tag derived from the enabled tasks changed');
        publisher.partitionTag = tag;
      };
    }

    // UDP subscription datagrams: published like a /write body; the same datagram sent to several instances has
    // the same record ids, so it is processed once (duplicate-window)
    const udpLog = logger.child({ component: 'udp' });
    subscriptions.deliverUdpTo((db, rp, points) => {
      publisher.writePoints(db, rp, points).catch((err: unknown) => {
        udpLog.error({ db, rp, points: points.length, err: (err as Error).message }, 'UDP subscription datagram not published: its points are lost (UDP has no retry)');
      });
    });
    lifecycle.onClose(closeStore, 'task store');
    lifecycle.onClose(() => n.close(), 'nats');
    lifecycle.onClose(() => replicator.stop(), 'task replication');
    lifecycle.onClose(() => lm.stop(), 'partition leases');

    const status = (): Record<string, unknown> => ({
      instance, stream: cc.stream, partitions: cc.partitions, partitionTag: publisher.partitionTag, partitionTagDerived: cc.partitionTag === '',
      members: lm.liveMembers(), owned: lm.owned(),
      replaying: [...runner.partitions.values()].filter((p) => p.replaying).map((p) => p.partition).sort((a, b) => a - b),
      heartbeatError: lm.lastTickError ?? lm.lastRenewError ?? null,
      published: { points: publisher.published, messages: publisher.messages, records: publisher.records },
      partitionsDetail: [...runner.partitions.values()].sort((a, b) => a.partition - b.partition).map((p) => ({
        partition: p.partition, acquiredAt: p.acquiredAt, replayedAt: p.replayedAt ?? null, replayTo: p.replayTo, lastSeq: p.lastSeq,
        messages: p.messages, points: p.points, duplicates: p.duplicates, failedMessages: p.failedMessages, writes: p.gate.writes, refused: p.gate.refused,
        restoredFrom: p.restoredFrom ?? null, replayedPoints: p.replayedPoints, fullReplayReason: p.fullReplayReason ?? null,
        checkpoints: p.checkpointsWritten, checkpointSeq: p.checkpointSeq, checkpointBytes: p.checkpointBytes,
        checkpointsSkipped: p.checkpointsSkipped, checkpointError: p.checkpointError ?? null,
      })),
      replication: { published: replicator.published, applied: replicator.applied },
    });

    const api: FastifyPluginAsync = async (app: FastifyInstance) => {
      // a change through this instance's task API is in the bucket before the client gets the answer
      app.addHook('onSend', async (req, _reply, payload) => {
        if (MUTATING.has(req.method) && TASK_PATHS.test(req.url)) await replicator.publishChanges();
        return payload;
      });
      await app.register(taskApi, {
        tasks, templates, clusterId, serverId, host: config.hostname, version: VERSION, logger,
        ingress: () => ingressRows(ingressStats),
        extraVars: () => ({ cluster_instance: instance, cluster_partitions: lm.owned(), cluster_members: lm.liveMembers() }),
      });
      app.get('/kapacitor/v1/cluster', async () => status());
    };
    const metrics = new TickstreamMetrics({
      ingress: ingressStats, writes: writeStats, limits: limitStats, version: VERSION,
      tasks: { listTasks: () => store.listTasks(), getTask: (id) => runner.getTask(id) as never },
    });
    const metricsPlugin: FastifyPluginAsync = async (app: FastifyInstance) => {
      await app.register(metricsRoutes, { metrics });
    };
    return {
      sink: publisher,
      plugins: [api, metricsPlugin],
      ready: async (address?: AddressInfo) => {
        await lm.start();
        if (influxdb && address) influxdb.start(address.port);
      },
      close: async () => {
        await lm.stop();
        for (const pr of runner.partitions.values()) pr.stop('instance stopping');
        runner.partitions.clear();
        replicator.stop();
        await n.close();
        closeStore();
      },
    };
  } catch (err) {
    if (nats) await nats.close().catch(() => {});
    closeStore();
    throw err;
  }
}
