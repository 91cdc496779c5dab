/**
 * The wiring seam between the HTTP server and everything behind it. `server/main.ts` calls createServices once
 * at startup and registers the returned plugins beside the core routes; writes go to `sink`.
 *
 * Here: the SQLite task store in data_dir, the Kubernetes client registry, [[httppost]] endpoints and the server
 * identity for alert templates, the runtime TaskMaster (the point sink), the /kapacitor/v1 task/template/debug API, GET /metrics, and the restart of every enabled task. A task that fails to
 * start keeps status enabled with its error saved; the server starts anyway.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { httpPostEndpoints, type Config } from '../config/index.ts';
import { ingressRows } from './ingest/counters.ts';
import type { PointSink } from '../model/point.ts';
import { TickstreamMetrics } from './metrics/tickstream.ts';
import { metricsRoutes } from './routes/metrics.ts';
import type { Services, ServicesOptions } from './services-contract.ts';
import { TaskStore } from './store/store.ts';
import { SqliteAlertStore } from './store/alert-store.ts';
import { AlertService } from '../alerting/service.ts';
import { scriptHandlerFactory, topicHandlerFactory } from '../alerting/handlers/index.ts';
import { API_BASES, TaskService, TemplateService, taskApi } from './api/index.ts';
import { ReplayService } from './replay/service.ts';
import { replayRoutes } from './replay/routes.ts';
import type { RuntimeServices } from '../runtime/services.ts';
import { createTickscriptPort } from './api/script-adapter.ts';
import { UdfService } from '../udf/service.ts';
import { TaskMaster } from '../runtime/task-master.ts';
import { KubernetesClients } from '../kube/index.ts';
import { SwarmClients } from '../swarm/clients.ts';
import { Ec2Clients } from '../ec2/clients.ts';
import { openInfluxDB } from './ingest/influxdb-subscriptions.ts';
import { subscriptionsRoutes } from './api/subscriptions-route.ts';
import { StatsStream } from './stats-stream.ts';
import { collectStatistics, memstats } from './api/debug-vars.ts';
import type { AddressInfo } from 'node:net';
import { nowNs } from '../model/time.ts';
import { setLambdaCompiler } from '../runtime/lambda.ts';
import { compileLambda } from '../tickscript/index.ts';
import { VERSION } from './version.ts';
import { OutboundGuard } from '../outbound/guard.ts';
import { AuthService, AuthStats, UserStore, usersRoutes } from './auth/index.ts';
import { builtinNodes } from '../nodes/index.ts';

export type { Services, ServicesOptions } from './services-contract.ts';

export async function createServices(opts: ServicesOptions): Promise<Services> {
  const { config, logger, lifecycle } = opts;
  const { ingress: ingressStats, writes: writeStats, limits: limitStats } = opts.counters;
  // [cluster] enabled: /write publishes to NATS JetStream, tasks run per owned partition (docs/cluster.md)
  // (imported on demand: a single instance does not load the NATS client)
  if (config.cluster.enabled) return (await import('./cluster/services.ts')).createClusterServices(opts);
  setLambdaCompiler(compileLambda); // nodes compile their lambdas with tickscript's compiler
  const store = new TaskStore(config.dataDir);
  let closed = false;
  const closeStore = (): void => { if (!closed) { closed = true; store.close(); } };
  try {
    // validates every [[kubernetes]] section now (clear startup error); clients are created on first use
    const kubernetes = new KubernetesClients(config.kubernetes);
    const clusterId = store.identity('cluster_id');
    const serverId = store.identity('server_id');
    // the store closes last at shutdown (lifecycle hooks run newest first)
    lifecycle.onClose(closeStore, 'task store');
    // enabled [[influxdb]] clusters (influxDBOut writes to them, subscriptions feed /write); none → no InfluxDB at all
    const subscriptions = openInfluxDB({ config, logger, lifecycle, clusterId, serverId, ingress: ingressStats });
    const influxdb = subscriptions.service;
    // topics, handler specs and persisted alert state (docs/alerting.md); loaded before tasks start
    const alertLogger = logger.child({ component: 'alert' });
    const alertStore = new SqliteAlertStore(store.database);
    const alerts = new AlertService({
      logger: alertLogger,
      persistence: alertStore,
      persistTopics: config.alert.persistTopics,
      // topic handlers keep failed deliveries in the store and retry them after a restart (docs/alerting.md)
      factory: topicHandlerFactory({ config, logger: alertLogger, spool: (topic, id) => alertStore.deliverySpool(topic, id) }),
    });
    alerts.open();
    lifecycle.onClose(() => alerts.close(), 'alert service');
    // [udf.functions.*]: each agent's Info is loaded now so scripts using it are checked at define time (docs/udf.md)
    const udf = Object.keys(config.udf.functions).length > 0 ? new UdfService(config.udf.functions, logger.child({ component: 'udf' })) : undefined;
    if (udf) {
      await udf.open();
      lifecycle.onClose(() => udf.close(), 'udf agents');
    }
    const runtimeServices: RuntimeServices = {
        kubernetes,
        swarm: new SwarmClients(config.swarm),
        ec2: new Ec2Clients(config.ec2),
        joinLimits: { maxGroups: config.join.maxGroups, maxPending: config.join.maxPending },
        httpPost: httpPostEndpoints(config.httppost),
        // alert templates' .ServerInfo (Kapacitor: config hostname, cluster and server ids)
        serverInfo: { hostname: config.hostname, clusterId, serverId },
        // decided replicas, cooldown clocks and decision records survive restarts (docs/autoscale.md)
        autoscaleState: store.autoscale,
        influxdb: influxdb?.clusters,
        alerts,
        alertHandlers: scriptHandlerFactory({ config, logger: alertLogger }),
        // SSRF guard and disabled alert handlers (kapacitord -blacklist-cidrs / -disable-handlers)
        outboundGuard: new OutboundGuard(config.blacklistCidrs),
        groupLimits: { maxGroups: config.limits.maxGroupsPerNode, idleNs: config.limits.groupIdleTimeout },
        disabledHandlers: new Set(config.disableHandlers),
        udf,
    };
    const taskMaster = new TaskMaster({
      nodes: builtinNodes,
      // `component`, not `service`: the root logger already binds service=kapacitord (one key per JSON line)
      logger: logger.child({ component: 'task_master' }),
      services: runtimeServices,
      timingSampleRate: config.stats.timingSampleRate,
      timingMovAvgSize: config.stats.timingMovavgSize,
    });
    // UDP subscription datagrams: routed like a /write body
    subscriptions.deliverUdpTo((db, rp, points) => taskMaster.writePoints(db, rp, points));
    // [limits]: script size and depth for every task and template, the number of tasks
    const script = createTickscriptPort({ maxBytes: config.limits.maxTickscriptSize, maxDepth: config.limits.maxTickscriptDepth }, udf);
    const tasks = new TaskService({
      store, runner: taskMaster, script, logger: logger.child({ component: 'task_store' }),
      limits: { maxTasks: config.limits.maxTasks, stats: limitStats },
    });
    const templates = new TemplateService(tasks, nowNs);
    // recordings and replays (docs/recordings.md): what a crash cut off is marked failed now
    const replays = new ReplayService({
      store, script, live: taskMaster, services: runtimeServices, dir: config.replay.dir,
      logger: logger.child({ component: 'replay' }), now: nowNs,
      timingSampleRate: config.stats.timingSampleRate, timingMovAvgSize: config.stats.timingMovavgSize,
    });
    const failed0 = replays.open();
    if (failed0.recordings + failed0.replays > 0) logger.warn(failed0, 'recordings/replays cut off by the last shutdown marked failed');
    // hooks run newest first: end recordings and replays, stop the tasks (then alerts, InfluxDB, the store)
    lifecycle.onClose(() => taskMaster.stopAll(), 'task master');
    lifecycle.onClose(() => replays.close(), 'recordings and replays');

    // [stats]: the server's statistics into its own stream (_kapacitor.autogen), as Kapacitor's stats service
    if (config.stats.enabled) {
      const ingress = () => ingressRows(ingressStats);
      const statsStream = new StatsStream({
        interval: config.stats.statsInterval, database: config.stats.database, retentionPolicy: config.stats.retentionPolicy,
        sink: taskMaster, logger: logger.child({ component: 'stats' }), memstats,
        statistics: () => collectStatistics({ tasks, base: '', clusterId, serverId, host: config.hostname, version: VERSION, ingress }),
        global: () => {
          const c = tasks.counts();
          return { num_tasks: c.total, num_enabled_tasks: c.enabled, num_subscriptions: influxdb?.subscriptionCount() ?? 0 };
        },
      });
      statsStream.start();
      lifecycle.onClose(() => statsStream.stop(), 'stats');
    }
    const { started, failed } = tasks.startEnabled();
    logger.info({ file: store.file, tasks: store.countTasks().total, started, failed }, 'task store opened, enabled tasks started');

    const api: FastifyPluginAsync = async (app: FastifyInstance) => {
      await app.register(taskApi, {
        tasks, templates, clusterId, serverId, host: config.hostname, version: VERSION, logger, alerts, replays,
        recordings: { open: (id: string) => replays.recordingPoints(id) },
        subscriptions: influxdb ? () => influxdb.subscriptionCount() : undefined,
        ingress: () => ingressRows(ingressStats),
      });
      for (const base of API_BASES) await app.register(replayRoutes, { replays, base, now: nowNs });
    };
    // GET /metrics reads the same counters at scrape time (docs/metrics.md)
    const authStats = config.auth.enabled ? new AuthStats() : undefined;
    const metrics = new TickstreamMetrics({
      ingress: ingressStats, writes: writeStats, limits: limitStats, version: VERSION, auth: authStats, alertHandlers: alerts,
      tasks: { listTasks: () => store.listTasks(), getTask: (id) => taskMaster.getTask(id) },
    });
    const metricsPlugin: FastifyPluginAsync = async (app: FastifyInstance) => {
      await app.register(metricsRoutes, { metrics });
    };
    const plugins = [api, metricsPlugin];
    if (influxdb) plugins.push(async (app: FastifyInstance) => { await app.register(subscriptionsRoutes, { relink: () => influxdb.relink() }); });
    let auth: Services['auth'];
    if (config.auth.enabled) {
      const service = new AuthService({
        users: new UserStore(store.database), bcryptCost: config.auth.bcryptCost,
        cacheExpirationMs: Number(config.auth.cacheExpiration / 1_000_000n),
      });
      if (config.auth.bootstrapUser !== '' && await service.bootstrap(config.auth.bootstrapUser, config.auth.bootstrapPassword)) {
        logger.info({ user: config.auth.bootstrapUser }, 'bootstrap admin user created');
      }
      auth = { service, stats: authStats! };
      plugins.push(async (app: FastifyInstance) => {
        for (const base of ['/kapacitor/v1', '/kapacitor/v1preview']) await app.register(usersRoutes, { service, base });
      });
      if (!config.http.authEnabled) logger.warn('[auth] is enabled but [http] auth-enabled is false: requests are not authenticated');
    }
    return {
      sink: taskMaster,
      plugins,
      auth,
      // subscriptions start once tickstream listens (their destination is the bound port); never awaited:
      // InfluxDB being down must not keep tickstream from starting
      ready: async (address?: AddressInfo) => { if (influxdb && address) influxdb.start(address.port); },
      close: async () => {
        await replays.close();
        taskMaster.stopAll();
        if (influxdb) {
          // influxDBOut's last buffered points go out before the clients close (bounded by [http] shutdown-timeout)
          const left = await influxdb.clusters.drain(Number(config.http.shutdownTimeout / 1_000_000n));
          if (left > 0) logger.warn({ writers: left }, 'InfluxDB writes still pending at shutdown were abandoned');
        }
        closeStore();
      },
    };
  } catch (err) {
    closeStore();
    throw err;
  }
}
