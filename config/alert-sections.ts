/**
 * Config sections of the alert handlers tickstream implements (Kapacitor's services/<name>/config.go, same TOML
 * keys, defaults and KAPACITOR_<SECTION>_<KEY> variables). `global = true` (every alert uses the handler) is not
 * implemented: it refuses to start rather than being silently ignored. Client TLS keys (ssl-ca, ssl-cert, ssl-key,
 * insecure-skip-verify) are read at startup (config/client-tls.ts) and used by the handler's connection.
 */
import type { KeySpec, KeyType, SectionSpec } from './spec.ts';
import { keyError, type KeyOrigin } from './errors.ts';
import { clientTls, isClientTlsError, type ClientTlsKeys } from './client-tls.ts';

const k = (toml: string, prop: string, type: KeyType, def: unknown): KeySpec => ({ toml, prop, type, def });

export interface SlackConfig {
  enabled: boolean; default: boolean; workspace: string; url: string; token: string; channel: string; username: string;
  iconEmoji: string; global: boolean; stateChangesOnly: boolean; sslCa: string; sslCert: string; sslKey: string; insecureSkipVerify: boolean;
}
export interface TeamsConfig { enabled: boolean; channelUrl: string; global: boolean; stateChangesOnly: boolean }
export interface DiscordConfig {
  enabled: boolean; default: boolean; workspace: string; url: string; timestamp: boolean; username: string; avatarUrl: string;
  embedTitle: string; global: boolean; stateChangesOnly: boolean; sslCa: string; sslCert: string; sslKey: string; insecureSkipVerify: boolean;
}
export interface VictorOpsConfig { enabled: boolean; apiKey: string; routingKey: string; url: string; global: boolean; jsonData: boolean }
export interface PagerDuty2Config { enabled: boolean; url: string; routingKey: string; global: boolean }
export interface TelegramConfig {
  enabled: boolean; url: string; token: string; chatId: string; parseMode: string; disableWebPagePreview: boolean;
  disableNotification: boolean; global: boolean; stateChangesOnly: boolean;
}

export interface OpsGenie2Config { enabled: boolean; apiKey: string; teams: string[]; recipients: string[]; url: string; recoveryAction: string; global: boolean; details: boolean }
export interface PushoverConfig { enabled: boolean; token: string; userKey: string; url: string }

export interface SensuConfig { enabled: boolean; addr: string; source: string; handlers: string[] }

/** [smtp] (services/smtp/config.go); idleTimeout in ns */
export interface SmtpConfig {
  enabled: boolean; host: string; port: number; username: string; password: string; noVerify: boolean; global: boolean;
  stateChangesOnly: boolean; from: string; to: string[]; toTemplates: string[]; idleTimeout: bigint;
}
/** [[mqtt]] (services/mqtt/config.go) */
export interface MqttConfig extends ClientTlsKeys {
  enabled: boolean; name: string; default: boolean; url: string; clientId: string; username: string; password: string;
}
/** [[kafka]] (services/kafka/config.go, sasl.go); durations in ns, 0 = Kapacitor's conditional default */
export interface KafkaConfig extends ClientTlsKeys {
  enabled: boolean; id: string; brokers: string[]; timeout: bigint; batchSize: number; batchTimeout: bigint; useSsl: boolean;
  saslUsername: string; saslPassword: string; saslMechanism: string; saslAccessToken: string;
}
/** [snmptrap] (services/snmptrap/config.go) */
export interface SnmpTrapConfig { enabled: boolean; addr: string; community: string; retries: number }
export interface AlertaConfig {
  enabled: boolean; url: string; insecureSkipVerify: boolean; token: string; tokenPrefix: string; environment: string; origin: string; timeout: bigint;
}
export interface BigPandaConfig {
  enabled: boolean; global: boolean; appKey: string; token: string; stateChangesOnly: boolean; insecureSkipVerify: boolean; url: string; autoAttributes: string;
}
export interface ServiceNowConfig { enabled: boolean; url: string; source: string; username: string; password: string; global: boolean; stateChangesOnly: boolean }
export interface ZenossConfig {
  enabled: boolean; url: string; username: string; password: string; action: string; method: string; type: string; tid: number;
  collector: string; severityMap: Record<string, string>; global: boolean; stateChangesOnly: boolean;
}

export interface AlertHandlerConfigs {
  slack: SlackConfig[];
  teams: TeamsConfig;
  discord: DiscordConfig[];
  victorops: VictorOpsConfig;
  pagerduty2: PagerDuty2Config;
  telegram: TelegramConfig;
  opsgenie2: OpsGenie2Config;
  pushover: PushoverConfig;
  sensu: SensuConfig;
  smtp: SmtpConfig;
  mqtt: MqttConfig[];
  kafka: KafkaConfig[];
  snmptrap: SnmpTrapConfig;
  alerta: AlertaConfig;
  bigpanda: BigPandaConfig;
  servicenow: ServiceNowConfig;
  zenoss: ZenossConfig;
}

const tls = [k('ssl-ca', 'sslCa', 'string', ''), k('ssl-cert', 'sslCert', 'string', ''), k('ssl-key', 'sslKey', 'string', ''),
  k('insecure-skip-verify', 'insecureSkipVerify', 'bool', false)];

export const ALERT_HANDLER_SECTIONS: readonly SectionSpec[] = [
  {
    toml: 'slack', prop: 'slack', kind: 'table-or-array', keys: [
      k('enabled', 'enabled', 'bool', false), k('default', 'default', 'bool', false), k('workspace', 'workspace', 'string', ''),
      k('url', 'url', 'string', ''), k('token', 'token', 'string', ''), k('channel', 'channel', 'string', ''),
      k('username', 'username', 'string', 'kapacitor'), k('icon-emoji', 'iconEmoji', 'string', ''), k('global', 'global', 'bool', false),
      k('state-changes-only', 'stateChangesOnly', 'bool', false), ...tls,
    ],
  },
  {
    toml: 'teams', prop: 'teams', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('channel-url', 'channelUrl', 'string', ''), k('global', 'global', 'bool', false),
      k('state-changes-only', 'stateChangesOnly', 'bool', false),
    ],
  },
  {
    toml: 'discord', prop: 'discord', kind: 'table-or-array', keys: [
      k('enabled', 'enabled', 'bool', false), k('default', 'default', 'bool', false), k('workspace', 'workspace', 'string', ''),
      k('url', 'url', 'string', ''), k('timestamp', 'timestamp', 'bool', false), k('username', 'username', 'string', ''),
      k('avatar-url', 'avatarUrl', 'string', ''), k('embed-title', 'embedTitle', 'string', ''), k('global', 'global', 'bool', false),
      k('state-changes-only', 'stateChangesOnly', 'bool', false), ...tls,
    ],
  },
  {
    toml: 'victorops', prop: 'victorops', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('api-key', 'apiKey', 'string', ''), k('routing-key', 'routingKey', 'string', ''),
      k('url', 'url', 'string', 'https://alert.victorops.com/integrations/generic/20131114/alert'), k('global', 'global', 'bool', false),
      k('json-data', 'jsonData', 'bool', false),
    ],
  },
  {
    toml: 'pagerduty2', prop: 'pagerduty2', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('url', 'url', 'string', 'https://events.pagerduty.com/v2/enqueue'),
      k('routing-key', 'routingKey', 'string', ''), k('global', 'global', 'bool', false),
    ],
  },
  {
    toml: 'telegram', prop: 'telegram', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('url', 'url', 'string', 'https://api.telegram.org/bot'), k('token', 'token', 'string', ''),
      k('chat-id', 'chatId', 'string', ''), k('parse-mode', 'parseMode', 'string', ''),
      k('disable-web-page-preview', 'disableWebPagePreview', 'bool', false), k('disable-notification', 'disableNotification', 'bool', false),
      k('global', 'global', 'bool', false), k('state-changes-only', 'stateChangesOnly', 'bool', false),
    ],
  },
  {
    toml: 'opsgenie2', prop: 'opsgenie2', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('api-key', 'apiKey', 'string', ''), k('teams', 'teams', 'strings', []),
      k('recipients', 'recipients', 'strings', []), k('url', 'url', 'string', 'https://api.opsgenie.com/v2/alerts'),
      k('recovery_action', 'recoveryAction', 'string', 'notes'), k('global', 'global', 'bool', false), k('details', 'details', 'bool', false),
    ],
  },
  {
    toml: 'pushover', prop: 'pushover', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('token', 'token', 'string', ''), k('user-key', 'userKey', 'string', ''),
      k('url', 'url', 'string', 'https://api.pushover.net/1/messages.json'),
    ],
  },
  {
    toml: 'sensu', prop: 'sensu', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('addr', 'addr', 'string', ''), k('source', 'source', 'string', 'Kapacitor'),
      k('handlers', 'handlers', 'strings', []),
    ],
  },
  {
    toml: 'smtp', prop: 'smtp', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('host', 'host', 'string', 'localhost'), k('port', 'port', 'int', 25),
      k('username', 'username', 'string', ''), k('password', 'password', 'string', ''), k('no-verify', 'noVerify', 'bool', false),
      k('global', 'global', 'bool', false), k('state-changes-only', 'stateChangesOnly', 'bool', false), k('from', 'from', 'string', ''),
      k('to', 'to', 'strings', []), k('toTemplates', 'toTemplates', 'strings', []), k('idle-timeout', 'idleTimeout', 'duration', 30_000_000_000n),
    ],
  },
  {
    toml: 'mqtt', prop: 'mqtt', kind: 'array', keys: [
      k('enabled', 'enabled', 'bool', false), k('name', 'name', 'string', 'default'), k('default', 'default', 'bool', false),
      k('url', 'url', 'string', ''), ...tls, k('client-id', 'clientId', 'string', ''), k('username', 'username', 'string', ''),
      k('password', 'password', 'string', ''),
    ],
  },
  {
    toml: 'kafka', prop: 'kafka', kind: 'array', keys: [
      k('enabled', 'enabled', 'bool', false), k('id', 'id', 'string', 'default'), k('brokers', 'brokers', 'strings', []),
      k('timeout', 'timeout', 'duration', 0n), k('batch-size', 'batchSize', 'int', 0), k('batch-timeout', 'batchTimeout', 'duration', 0n),
      k('use-ssl', 'useSsl', 'bool', false), ...tls, k('sasl-username', 'saslUsername', 'string', ''),
      k('sasl-password', 'saslPassword', 'string', ''), k('sasl-mechanism', 'saslMechanism', 'string', ''),
      k('sasl-access-token', 'saslAccessToken', 'string', ''),
    ],
  },
  {
    toml: 'snmptrap', prop: 'snmptrap', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('addr', 'addr', 'string', 'localhost:162'), k('community', 'community', 'string', 'kapacitor'),
      k('retries', 'retries', 'int', 1),
    ],
  },
  {
    toml: 'alerta', prop: 'alerta', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('url', 'url', 'string', ''), k('insecure-skip-verify', 'insecureSkipVerify', 'bool', false),
      k('token', 'token', 'string', ''), k('token-prefix', 'tokenPrefix', 'string', ''), k('environment', 'environment', 'string', ''),
      k('origin', 'origin', 'string', ''), k('timeout', 'timeout', 'duration', 0n),
    ],
  },
  {
    toml: 'bigpanda', prop: 'bigpanda', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('global', 'global', 'bool', false), k('app-key', 'appKey', 'string', ''),
      k('token', 'token', 'string', ''), k('state-changes-only', 'stateChangesOnly', 'bool', false),
      k('insecure-skip-verify', 'insecureSkipVerify', 'bool', false), k('url', 'url', 'string', 'https://api.bigpanda.io/data/v2/alerts'),
      k('auto-attributes', 'autoAttributes', 'string', 'tags,fields'),
    ],
  },
  {
    toml: 'servicenow', prop: 'servicenow', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('url', 'url', 'string', 'https://instance.service-now.com/api/global/em/jsonv2'),
      k('source', 'source', 'string', ''), k('username', 'username', 'string', ''), k('password', 'password', 'string', ''),
      k('global', 'global', 'bool', false), k('state-changes-only', 'stateChangesOnly', 'bool', false),
    ],
  },
  {
    toml: 'zenoss', prop: 'zenoss', kind: 'table', keys: [
      k('enabled', 'enabled', 'bool', false), k('url', 'url', 'string', 'https://tenant.zenoss.io:8080/zport/dmd/evconsole_router'),
      k('username', 'username', 'string', ''), k('password', 'password', 'string', ''), k('action', 'action', 'string', 'EventsRouter'),
      k('method', 'method', 'string', 'add_event'), k('type', 'type', 'string', 'rpc'), k('tid', 'tid', 'int', 1),
      k('collector', 'collector', 'string', 'Kapacitor'),
      k('severity-map', 'severityMap', 'string-map', { OK: 'Clear', Info: 'Info', Warning: 'Warning', Critical: 'Critical' }),
      k('global', 'global', 'bool', false), k('state-changes-only', 'stateChangesOnly', 'bool', false),
    ],
  },
];

/** Checks that parse but cannot work; errors name the key (and the variable it came from). */
export function validateAlertHandlers(c: AlertHandlerConfigs, origin: KeyOrigin): void {
  const fail = (path: string, label: string, message: string): never => { throw keyError(origin, path, label, message); };
  const common = (name: string, i: number | undefined, s: Record<string, unknown>, urlKey: string, urlProp: string): void => {
    const path = (p: string): string => (i === undefined ? `${name}.${p}` : `${name}.${i}.${p}`);
    const label = (t: string): string => (i === undefined ? `${name}.${t}` : `${name}[${i}].${t}`);
    if (s['global'] === true) fail(path('global'), label('global'), 'global handlers are not supported by tickstream; add the handler to the alerts or to a topic');
    if ('sslCa' in s) checkTls(s as unknown as ClientTlsKeys, path, label);
    const u = s[urlProp];
    if (s['enabled'] === true && typeof u === 'string') {
      if (u === '') fail(path(urlProp), label(urlKey), 'must specify url');
      try { new URL(u); } catch { fail(path(urlProp), label(urlKey), `invalid url ${JSON.stringify(u)}`); }
    }
  };
  const checkTls = (s: ClientTlsKeys, path: (p: string) => string, label: (t: string) => string): void => {
    const t = clientTls(s);
    if (isClientTlsError(t)) fail(path(t.prop), label(t.key), t.message);
  };
  const multi = (name: string, list: Record<string, unknown>[]): void => {
    list.forEach((s, i) => common(name, list.length > 1 ? i : undefined, s, 'url', 'url'));
    if (list.length > 1) {
      list.forEach((s, i) => { if (s['workspace'] === '') fail(`${name}.${i}.workspace`, `${name}[${i}].workspace`, 'must not be empty when there are several sections'); });
      if (list.filter((s) => s['default'] === true).length !== 1) fail(`${name}.0.default`, `${name}.default`, 'exactly one section must be the default');
    }
  };
  multi('slack', c.slack as unknown as Record<string, unknown>[]);
  multi('discord', c.discord as unknown as Record<string, unknown>[]);
  common('teams', undefined, c.teams as unknown as Record<string, unknown>, 'channel-url', 'channelUrl');
  common('victorops', undefined, c.victorops as unknown as Record<string, unknown>, 'url', 'url');
  common('pagerduty2', undefined, c.pagerduty2 as unknown as Record<string, unknown>, 'url', 'url');
  common('telegram', undefined, c.telegram as unknown as Record<string, unknown>, 'url', 'url');
  common('opsgenie2', undefined, c.opsgenie2 as unknown as Record<string, unknown>, 'url', 'url');
  common('pushover', undefined, c.pushover as unknown as Record<string, unknown>, 'url', 'url');
  common('alerta', undefined, c.alerta as unknown as Record<string, unknown>, 'url', 'url');
  common('bigpanda', undefined, c.bigpanda as unknown as Record<string, unknown>, 'url', 'url');
  common('servicenow', undefined, c.servicenow as unknown as Record<string, unknown>, 'url', 'url');
  common('zenoss', undefined, c.zenoss as unknown as Record<string, unknown>, 'url', 'url');
  // Kapacitor's bigpanda Config.Validate
  if (c.bigpanda.enabled && c.bigpanda.appKey === '') fail('bigpanda.appKey', 'bigpanda.app-key', 'must specify BigPanda app-key');
  if (c.bigpanda.enabled && c.bigpanda.token === '') fail('bigpanda.token', 'bigpanda.token', 'must specify BigPanda token');
  validateProtocolHandlers(c, fail, checkTls);
}

type Fail = (path: string, label: string, message: string) => never;
type CheckTls = (s: ClientTlsKeys, path: (p: string) => string, label: (t: string) => string) => void;

/** Go net/mail.ParseAddress for the forms configs use: `a@b.c` or `Name <a@b.c>`. */
const MAIL_ADDRESS = /^\s*(?:(?:"[^"]*"|[^<>@,;"]*)\s*<[^<>@\s,;]+@[^<>@\s,;]+>|[^<>@\s,;"]+@[^<>@\s,;"]+)\s*$/;

/** [smtp], [[mqtt]], [[kafka]], [snmptrap]: Kapacitor's Validate() of each, messages naming the key. */
function validateProtocolHandlers(c: AlertHandlerConfigs, fail: Fail, checkTls: CheckTls): void {
  const m = c.smtp;
  if (m.global) fail('smtp.global', 'smtp.global', 'global handlers are not supported by tickstream; add the handler to the alerts or to a topic');
  if (m.host === '') fail('smtp.host', 'smtp.host', 'host cannot be empty');
  if (m.port <= 0 || m.port > 65535) fail('smtp.port', 'smtp.port', `invalid port ${m.port}`);
  if (m.idleTimeout < 0n) fail('smtp.idleTimeout', 'smtp.idle-timeout', 'idle timeout must be positive');
  if (m.enabled && m.from === '') fail('smtp.from', 'smtp.from', "must provide a 'from' address");
  if (m.from !== '' && !MAIL_ADDRESS.test(m.from)) fail('smtp.from', 'smtp.from', `invalid from email address: ${JSON.stringify(m.from)}`);
  m.to.forEach((t) => { if (!MAIL_ADDRESS.test(t)) fail('smtp.to', 'smtp.to', `invalid to email address: ${JSON.stringify(t)}`); });

  const names = new Map<string, number>();
  c.mqtt.forEach((b, i) => {
    const path = (p: string): string => `mqtt.${i}.${p}`;
    const label = (t: string): string => (c.mqtt.length > 1 ? `mqtt[${i}].${t}` : `mqtt.${t}`);
    if (b.name === '') fail(path('name'), label('name'), 'must specify a name for the mqtt broker');
    if (names.has(b.name)) fail(path('name'), label('name'), `duplicate name ${JSON.stringify(b.name)} (also mqtt[${names.get(b.name)}])`);
    names.set(b.name, i);
    if (b.enabled) {
      if (b.url === '') fail(path('url'), label('url'), 'must specify a url for mqtt service');
      let u: URL | undefined;
      try { u = new URL(b.url); } catch { /* reported below */ }
      if (!u || !['tcp:', 'ssl:', 'tls:', 'mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(u.protocol)) {
        fail(path('url'), label('url'), `invalid url ${JSON.stringify(b.url)}: want tcp://, ssl://, ws:// or wss://host:port`);
      }
    }
    checkTls(b, path, label);
  });
  const defaults = c.mqtt.filter((b) => b.default).length;
  if (defaults > 1) fail('mqtt.0.default', 'mqtt.default', 'more than one configuration is marked as the default');
  if (defaults === 0 && c.mqtt.length > 1) fail('mqtt.0.default', 'mqtt.default', 'no configuration is marked as the default');

  const ids = new Map<string, number>();
  c.kafka.forEach((k, i) => {
    const path = (p: string): string => `kafka.${i}.${p}`;
    const label = (t: string): string => (c.kafka.length > 1 ? `kafka[${i}].${t}` : `kafka.${t}`);
    if (ids.has(k.id)) fail(path('id'), label('id'), `duplicate id ${JSON.stringify(k.id)} (also kafka[${ids.get(k.id)}])`);
    ids.set(k.id, i);
    if (k.timeout < 0n) fail(path('timeout'), label('timeout'), 'must be >= 0 (0 means 10s)');
    if (k.batchSize < 0) fail(path('batchSize'), label('batch-size'), 'must be >= 0 (0 means 100)');
    if (k.batchTimeout < 0n) fail(path('batchTimeout'), label('batch-timeout'), 'must be >= 0 (0 means 1s)');
    if (!k.enabled) return;
    if (k.id === '') fail(path('id'), label('id'), 'id must not be empty');
    if (k.brokers.length === 0) fail(path('brokers'), label('brokers'), 'no brokers specified, must provide at least one broker URL');
    k.brokers.forEach((b) => { if (!/^.+:\d+$/.test(b)) fail(path('brokers'), label('brokers'), `invalid broker ${JSON.stringify(b)}: want host:port`); });
    if (!['', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER', 'GSSAPI'].includes(k.saslMechanism)) {
      fail(path('saslMechanism'), label('sasl-mechanism'), 'invalid sasl-mechanism');
    }
    if (k.saslMechanism === 'GSSAPI') fail(path('saslMechanism'), label('sasl-mechanism'), 'GSSAPI (Kerberos) is not supported by tickstream; use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER');
    if (k.saslMechanism === 'OAUTHBEARER' && k.saslAccessToken === '') {
      fail(path('saslAccessToken'), label('sasl-access-token'), 'OAUTHBEARER needs sasl-access-token (token services are not supported by tickstream)');
    }
    if (k.useSsl) checkTls(k, path, label);
  });

  if (c.snmptrap.enabled && c.snmptrap.addr === '') fail('snmptrap.addr', 'snmptrap.addr', 'must specify addr');
  if (c.snmptrap.addr !== '' && !/^.*:\d+$/.test(c.snmptrap.addr)) fail('snmptrap.addr', 'snmptrap.addr', `invalid addr ${JSON.stringify(c.snmptrap.addr)}: want host:port`);
  if (c.snmptrap.retries < 0) fail('snmptrap.retries', 'snmptrap.retries', `must be >= 0, got ${c.snmptrap.retries}`);
}
