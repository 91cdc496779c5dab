/**
 * Config sections of the alert handlers tickstream implements (Kapacitor's services/<name>/config.go, same TOML
 * keys, defaults and KAPACITOR_<SECTION>_<KEY> variables). `global = true` (every alert uses the handler) and
 * client TLS settings are not implemented: they refuse to start rather than being silently ignored.
 */
import type { KeySpec, KeyType, SectionSpec } from './spec.ts';
import { keyError, type KeyOrigin } from './errors.ts';

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
    for (const [p, t] of [['sslCa', 'ssl-ca'], ['sslCert', 'ssl-cert'], ['sslKey', 'ssl-key']] as const) {
      if (typeof s[p] === 'string' && s[p] !== '') fail(path(p), label(t), 'client TLS settings are not supported by tickstream');
    }
    if (s['insecureSkipVerify'] === true) fail(path('insecureSkipVerify'), label('insecure-skip-verify'), 'not supported by tickstream; TLS certificates are always verified');
    const u = s[urlProp];
    if (s['enabled'] === true && typeof u === 'string') {
      if (u === '') fail(path(urlProp), label(urlKey), 'must specify url');
      try { new URL(u); } catch { fail(path(urlProp), label(urlKey), `invalid url ${JSON.stringify(u)}`); }
    }
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
}
