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
import { httpPostEndpoints, type Config } from './config/index.ts';
import { ingressStats, type PointSink } from './ingest/router.ts';
import { writeStats } from './ingest/write-route.ts';
import { TickstreamMetrics } from './metrics/tickstream.ts';
import { metricsRoutes } from './routes/metrics.ts';
import type { Lifecycle } from './lifecycle.ts';
import { TaskStore } from './store/store.ts';
import { TaskService, TemplateService, taskApi } from './api/index.ts';
import { tickscriptPort } from './api/script-adapter.ts';
import { TaskMaster } from '../runtime/task-master.ts';
import { KubernetesClients } from '../kube/index.ts';
import { SwarmClients } from '../swarm/clients.ts';
import { nowNs } from '../runtime/time.ts';
import { setLambdaCompiler } from '../runtime/lambda.ts';
import { compileLambda } from '../tickscript/index.ts';
import { VERSION } from './version.ts';

export interface ServicesOptions {
  config: Config;
  logger: Logger;
  lifecycle: Lifecycle;
}

export interface Services {
  sink: PointSink;
  plugins: FastifyPluginAsync[];
  /** resolves when the services can take traffic (readyz turns 200 after it) */
  ready(): Promise<void>;
  /** called at shutdown after the HTTP server stopped accepting and finished in-flight requests */
  close(): Promise<void>;
}

export async function createServices(opts: ServicesOptions): Promise<Services> {
  const { config, logger, lifecycle } = opts;
  // [cluster] enabled: /write publishes to NATS JetStream, tasks run per owned partition (docs/cluster.md)
  // (imported on demand: a single instance does not load the NATS client)
  if (config.cluster.enabled) return (await import('../cluster/services.ts')).createClusterServices(opts);
  setLambdaCompiler(compileLambda); // nodes compile their lambdas with tickscript's compiler
  const store = new TaskStore(config.dataDir);
  let closed = false;
  const closeStore = (): void => { if (!closed) { closed = true; store.close(); } };
  try {
    // validates every [[kubernetes]] section now (clear startup error); clients are created on first use
    const kubernetes = new KubernetesClients(config.kubernetes);
    const clusterId = store.identity('cluster_id');
    const serverId = store.identity('server_id');
    const taskMaster = new TaskMaster({
      // `component`, not `service`: the root logger already binds service=kapacitord (one key per JSON line)
      logger: logger.child({ component: 'task_master' }),
      services: {
        kubernetes,
        swarm: new SwarmClients(config.swarm),
        httpPost: httpPostEndpoints(config.httppost),
        // alert templates' .ServerInfo (Kapacitor: config hostname, cluster and server ids)
        serverInfo: { hostname: config.hostname, clusterId, serverId },
        // decided replicas, cooldown clocks and decision records survive restarts (docs/autoscale.md)
        autoscaleState: store.autoscale,
      },
      timingSampleRate: config.stats.timingSampleRate,
      timingMovAvgSize: config.stats.timingMovavgSize,
    });
    const tasks = new TaskService({ store, runner: taskMaster, script: tickscriptPort, logger: logger.child({ component: 'task_store' }) });
    const templates = new TemplateService(tasks, nowNs);
    // hooks run newest first: stop the tasks, then close the store
    lifecycle.onClose(closeStore, 'task store');
    lifecycle.onClose(() => taskMaster.stopAll(), 'task master');

    const { started, failed } = tasks.startEnabled();
    logger.info({ file: store.file, tasks: store.countTasks().total, started, failed }, 'task store opened, enabled tasks started');

    const api: FastifyPluginAsync = async (app: FastifyInstance) => {
      await app.register(taskApi, {
        tasks, templates, clusterId, serverId, host: config.hostname, version: VERSION, logger,
        ingress: () => ingressStats.snapshot().map((s) => ({
          database: s.tags.database, retentionPolicy: s.tags.retention_policy, measurement: s.tags.measurement,
          pointsReceived: s.values.points_received,
        })),
      });
    };
    // GET /metrics reads the same counters at scrape time (docs/metrics.md)
    const metrics = new TickstreamMetrics({
      ingress: ingressStats, writes: writeStats, version: VERSION,
      tasks: { listTasks: () => store.listTasks(), getTask: (id) => taskMaster.getTask(id) },
    });
    const metricsPlugin: FastifyPluginAsync = async (app: FastifyInstance) => {
      await app.register(metricsRoutes, { metrics });
    };
    return {
      sink: taskMaster,
      plugins: [api, metricsPlugin],
      ready: async () => {},
      close: async () => {
        taskMaster.stopAll();
        closeStore();
      },
    };
  } catch (err) {
    closeStore();
    throw err;
  }
}
