/**
 * alert() and its handlers (SPEC 3.15; pipeline/alert.go). A handler property (e.g. `.post(url)`) switches the
 * receiver to the handler, whose own properties (`.header(k, v)`) are recorded as `<handler>.<prop>` calls on the
 * alert node, in script order; every alert property stays callable on a handler (Kapacitor handlers embed the node).
 */
import { allCalls, lastCall, type PipelineNode } from '../pipeline.ts';
import { field, flag, method, sig, varMethod, type HandlerSpec, type NodeSpec, type PropSpec } from './types.ts';

// both keep their parameter and property types literal: settings.ts derives each handler's settings type from them
const h = <const P extends Record<string, PropSpec>>(goType: string, props: P): HandlerSpec<P> => ({ goType: `*pipeline.${goType}`, props });
/** a property that switches to a handler: `args` are the handler call's own parameters (e.g. `.post(url)`) */
const handler = <const A extends PropSpec, const H extends HandlerSpec>(args: A, spec: H): A & { readonly handler: H } => ({ ...args, handler: spec });

// `satisfies` keeps the handler names as keys of the alert's props (its settings type lists them)
const HANDLERS = {
  log: handler(method('string'), h('LogHandler', { mode: field('int') })),
  post: handler(varMethod('string'), h('AlertHTTPPostHandler', {
    header: method('string', 'string'), captureResponse: flag, timeout: field('duration'), endpoint: field('string'),
    skipSSLVerification: flag,
  })),
  tcp: handler(method('string'), h('TcpHandler', {})),
  email: handler(varMethod('string'), h('EmailHandler', { to: varMethod('string'), toTemplates: varMethod('string') })),
  exec: handler(varMethod('string'), h('ExecHandler', {})),
  slack: handler(flag, h('SlackHandler', { workspace: field('string'), channel: field('string'), username: field('string'), iconEmoji: field('string') })),
  telegram: handler(flag, h('TelegramHandler', {
    chatId: field('string'), parseMode: field('string'), disableWebPagePreview: flag, disableNotification: flag,
  })),
  hipChat: handler(flag, h('HipChatHandler', { room: field('string'), token: field('string') })),
  alerta: handler(flag, h('AlertaHandler', {
    token: field('string'), resource: field('string'), event: field('string'), environment: field('string'),
    group: field('string'), value: field('string'), origin: field('string'), services: varMethod('string'),
    correlated: varMethod('string'), attribute: method('string', ['string', 'int', 'float', 'bool']), timeout: field('duration'),
  })),
  opsGenie: handler(flag, h('OpsGenieHandler', { teams: varMethod('string'), recipients: varMethod('string') })),
  opsGenie2: handler(flag, h('OpsGenie2Handler', { teams: varMethod('string'), recipients: varMethod('string') })),
  pagerDuty: handler(flag, h('PagerDutyHandler', { serviceKey: field('string') })),
  pagerDuty2: handler(flag, h('PagerDuty2Handler', { routingKey: field('string'), link: varMethod('string', 'string') })),
  pushover: handler(flag, h('PushoverHandler', {
    userKey: field('string'), device: field('string'), title: field('string'), uRL: field('string'),
    uRLTitle: field('string'), sound: field('string'),
  })),
  sensu: handler(flag, h('SensuHandler', { source: field('string'), handlers: varMethod('string'), metadata: method('string', ['string', 'int', 'float', 'bool']) })),
  snmpTrap: handler(method('string'), h('SNMPTrapHandler', { data: method('string', 'string', 'string') })),
  talk: handler(flag, h('TalkHandler', {})),
  victorOps: handler(flag, h('VictorOpsHandler', { routingKey: field('string') })),
  mqtt: handler(method('string'), h('MQTTHandler', { brokerName: field('string'), qos: field('int'), retained: field('bool') })),
  kafka: handler(flag, h('KafkaHandler', {
    cluster: field('string'), kafkaTopic: field('string'), template: field('string'), disablePartitionById: flag,
    partitionHashAlgorithm: field('string'),
  })),
  serviceNow: handler(flag, h('ServiceNowHandler', {
    source: field('string'), node: field('string'), type: field('string'), resource: field('string'),
    metricName: field('string'), messageKey: field('string'), additionalInfo: method('string', ['string', 'int', 'float', 'bool']),
    uRL: field('string'), username: field('string'), password: field('string'),
  })),
  bigPanda: handler(flag, h('BigPandaHandler', { appKey: field('string'), primaryProperty: field('string'), secondaryProperty: field('string'),
    host: field('string'), attribute: method('string', ['string', 'int', 'float', 'bool']) })),
  teams: handler(flag, h('TeamsHandler', { channelURL: field('string') })),
  discord: handler(flag, h('DiscordHandler', { workspace: field('string'), username: field('string'), avatarURL: field('string'), embedTitle: field('string') })),
  zenoss: handler(flag, h('ZenossHandler', {
    action: field('string'), method: field('string'), type: field('string'), tid: field('int'), collector: field('string'),
    summary: field('string'), device: field('string'), component: field('string'), eventClassKey: field('string'),
    eventClass: field('string'), message: field('string'), customField: method('string', ['string', 'int', 'float', 'bool']),
  })),
} satisfies Record<string, PropSpec>;

/** the alert's handler properties, typed as keys of its settings (a node walks its handlers through them) */
export const ALERT_HANDLERS = Object.keys(HANDLERS) as readonly (keyof typeof HANDLERS)[];

export const alert = {
  kind: 'alert', desc: 'alert', goType: '*pipeline.AlertNode', wants: 'parent', provides: 'parent', args: sig(),
  props: {
    id: field('string'), message: field('string'), details: field('string'), topic: field('string'),
    info: method('lambda'), warn: method('lambda'), crit: method('lambda'),
    infoReset: method('lambda'), warnReset: method('lambda'), critReset: method('lambda'),
    history: field('int'), levelTag: field('string'), levelField: field('string'), messageField: field('string'),
    durationField: field('string'), idTag: field('string'), idField: field('string'), all: flag, noRecoveries: flag,
    inhibit: varMethod('string', 'string'), stateChangesOnly: varMethod('duration'), flapping: method('float', 'float'),
    category: field('string'), quiet: flag,
    ...HANDLERS,
  },
  chains: 'all',
  validate: (n: PipelineNode) => {
    const hist = lastCall(n, 'history');
    if (hist && hist[0]?.type === 'int' && hist[0].value < 2n) return `alert history count must be >= 2, got ${hist[0].value}`;
    const flap = lastCall(n, 'flapping');
    if (flap) {
      const [low, high] = flap.map((v) => (v.type === 'float' ? v.value : NaN));
      if (!(low! >= 0 && low! <= 1)) return `alert flap low threshold must be between 0 and 1, got ${low}`;
      if (!(high! >= 0 && high! <= 1)) return `alert flap high threshold must be between 0 and 1, got ${high}`;
      if (low! > high!) return `alert flap low threshold must be less than high threshold, got low ${low} high ${high}`;
    }
    if ((allCalls(n, 'stateChangesOnly').at(-1)?.length ?? 0) > 1) return 'stateChangesOnly expects 0 or 1 arguments';
    for (const [path] of allCalls(n, 'log')) {
      if (path?.type === 'string' && !path.value.startsWith('/')) return `alert log path must be absolute: ${path.value} is not absolute`;
    }
    return undefined;
  },
  defaults: { id: '{{ .Name }}:{{ .Group }}', message: '{{ .ID }} is {{ .Level }}', details: '{{ json . }}', history: 21n },
} satisfies NodeSpec;
