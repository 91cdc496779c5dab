/**
 * Builds topic handlers from handler specs (Kapacitor `services/alert/service.go` createHandlerFromSpec): the
 * options are decoded against the kind's option names (alerting/options.ts), the kind creates its delivery, and
 * external deliveries are wrapped in a DeliveryQueue (bounded, retried, counted; alerting/delivery.ts).
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/index.ts';
import { httpPostEndpoints } from '../../config/index.ts';
import type { AlertEvent } from '../event.ts';
import { DEFAULT_DELIVERY, DeliveryQueue, type DeliveryOptions, type DeliverySpool, type DeliveryStats } from '../delivery.ts';
import { MatchExpression } from '../match.ts';
import type { HandlerSpec } from '../handler-spec.ts';
import { decodeOptions } from '../options.ts';
import type { TopicHandler } from '../topic.ts';
import { execKind, logKind, postKind, tcpKind } from './basic.ts';
import { opsGenie2Kind, pushoverKind } from './incident.ts';
import { sensuKind } from './sensu.ts';
import { smtpKind } from './smtp.ts';
import { mqttKind } from './mqtt.ts';
import { kafkaKind } from './kafka.ts';
import { snmpTrapKind } from './snmptrap.ts';
import { alertaKind } from './alerta.ts';
import { bigPandaKind } from './bigpanda.ts';
import { serviceNowKind } from './servicenow.ts';
import { zenossKind } from './zenoss.ts';
import { discordKind, pagerDuty2Kind, slackKind, teamsKind, telegramKind, victorOpsKind } from './chat.ts';
import type { HandlerDeps, HandlerImpl, HandlerKind } from './types.ts';

export const HANDLER_KINDS: Readonly<Record<string, HandlerKind>> = {
  log: logKind,
  tcp: tcpKind,
  exec: execKind,
  post: postKind,
  slack: slackKind,
  teams: teamsKind,
  discord: discordKind,
  victorops: victorOpsKind,
  pagerduty2: pagerDuty2Kind,
  telegram: telegramKind,
  opsgenie2: opsGenie2Kind,
  pushover: pushoverKind,
  sensu: sensuKind,
  smtp: smtpKind,
  mqtt: mqttKind,
  kafka: kafkaKind,
  snmptrap: snmpTrapKind,
  alerta: alertaKind,
  bigpanda: bigPandaKind,
  servicenow: serviceNowKind,
  zenoss: zenossKind,
};

/** A synchronous local handler (log): failures are counted and logged like queued ones. */
class SyncHandler implements TopicHandler {
  readonly stats: DeliveryStats = { sent: 0, errors: 0, failed: 0, dropped: 0, queued: 0 };
  private closed = false;
  constructor(readonly kind: string, private readonly fn: (ev: AlertEvent) => void, private readonly log: Logger) {}
  handle(ev: AlertEvent): void {
    if (this.closed) return;
    try {
      this.fn(ev);
      this.stats.sent++;
    } catch (err) {
      this.stats.errors++;
      this.stats.failed++;
      this.log.error({ err, handler: this.kind, event: ev.state.id }, 'alert handler failed');
    }
  }
  close(): void { this.closed = true; }
  whenIdle(): Promise<void> { return Promise.resolve(); }
}

export interface FactoryOptions {
  config: Config;
  logger: Logger;
  /** retry/backoff/queue settings (tests shorten the backoff); bufferLength defaults to [alert] topic-buffer-length */
  delivery?: Partial<DeliveryOptions>;
  /** the durable delivery queue of a topic handler (server/store/alert-store.ts); absent = memory only */
  spool?: (topic: string, handlerId: string) => DeliverySpool;
}

/**
 * A topic handler with a `match` expression: events it does not match are not handed on; an event it cannot be
 * evaluated for is counted (`match_errors`) and logged, not handled (Kapacitor: "failed to evaluate match expression").
 */
class MatchHandler implements TopicHandler {
  matchErrors = 0;
  constructor(private readonly m: MatchExpression, private readonly inner: TopicHandler & { stats: DeliveryStats }, private readonly log: Logger) {}
  get stats(): DeliveryStats & { match_errors: number } { return { ...this.inner.stats, match_errors: this.matchErrors }; }
  handle(ev: AlertEvent): void {
    let ok: boolean;
    try {
      ok = this.m.matches(ev);
    } catch (err) {
      this.matchErrors++;
      this.log.error({ err, event: ev.state.id, match: this.m.source }, 'failed to evaluate match expression');
      return;
    }
    if (ok) this.inner.handle(ev);
  }
  close(): void { this.inner.close(); }
  whenIdle(): Promise<void> { return this.inner.whenIdle?.() ?? Promise.resolve(); }
}

/** Creates a handler of `kind` from raw options; throws Error naming a bad option. */
export function createHandler(
  kind: string, options: Readonly<Record<string, unknown>>, deps: HandlerDeps, log: Logger, delivery: DeliveryOptions, spool?: () => DeliverySpool,
): TopicHandler & { stats: DeliveryStats } {
  const k = HANDLER_KINDS[kind];
  if (!k) throw new Error(`unsupported action kind ${JSON.stringify(kind)}`);
  const impl: HandlerImpl = k.create(decodeOptions(k.goType, options, k.schema), deps);
  if ('sync' in impl) return new SyncHandler(kind, impl.sync, log);
  const queue = new DeliveryQueue(kind, impl.deliver, log, delivery, spool?.());
  impl.attach?.(queue.stats, log);
  const release = impl.close;
  if (release) {
    // the queue stops first, then the connection it used is released
    const stop = queue.close.bind(queue);
    queue.close = (): void => { stop(); release(); };
  }
  return queue;
}

export function handlerDeps(config: Config): HandlerDeps {
  // Kapacitor's httpd URL(): the listener address ("[::]" for an empty host) + /kapacitor/v1
  const bind = config.http.bindAddress;
  const host = bind.startsWith(':') ? '[::]' + bind : bind;
  return { config, httpPost: httpPostEndpoints(config.httppost), clientUrl: `http://${host}/kapacitor/v1` };
}

function deliveryOptions(opts: FactoryOptions): DeliveryOptions {
  const buf = opts.config.alert.topicBufferLength;
  const durable = opts.config.alert.deliveryQueueLength;
  return {
    ...DEFAULT_DELIVERY, bufferLength: buf >= 1000 ? buf : DEFAULT_DELIVERY.bufferLength,
    durableLength: durable > 0 ? durable : DEFAULT_DELIVERY.durableLength, ...opts.delivery,
  };
}

/** Handlers written in scripts (`.slack()` …): the same kinds and options as topic handler specs. */
export function scriptHandlerFactory(opts: FactoryOptions): (kind: string, options: Record<string, unknown>) => TopicHandler {
  const deps = handlerDeps(opts.config);
  const delivery = deliveryOptions(opts);
  return (kind, options) => createHandler(kind, options, deps, opts.logger.child({ handler: kind }), delivery);
}

export function topicHandlerFactory(opts: FactoryOptions): (spec: HandlerSpec) => TopicHandler {
  const deps = handlerDeps(opts.config);
  const delivery = deliveryOptions(opts);
  return (spec) => {
    // the expression is compiled before the handler exists: a bad one changes nothing (400 naming `match`)
    let match: MatchExpression | undefined;
    try {
      match = spec.match === '' ? undefined : MatchExpression.compile(spec.match);
    } catch (e) {
      throw new Error(`match: ${(e as Error).message}`);
    }
    const log = opts.logger.child({ topic: spec.topic, handler: spec.id });
    const spool = opts.spool;
    const h = createHandler(spec.kind, spec.options, deps, log, delivery, spool && (() => spool(spec.topic, spec.id)));
    return match ? new MatchHandler(match, h, log) : h;
  };
}
