/**
 * Handlers written in a script beyond `.log()` and `.post()` (Kapacitor pipeline/alert.go): `.tcp(addr)`,
 * `.exec(prog, args...)`, `.slack()`, `.teams()`, `.discord()`, `.victorOps()`, `.pagerDuty2()`, `.telegram()`,
 * `.email(to...)`, `.mqtt(topic)`, `.kafka()`, `.snmpTrap(oid)`, `.alerta()`, `.bigPanda()`, `.serviceNow()`, `.zenoss()`,
 * each with its properties. They become the same option sets a topic handler spec uses and are built by the
 * server's handler factory (alerting/handlers), so both paths send identical requests.
 */
import type { PipelineNode, TickValue } from '../tickscript/pipeline.ts';
import type { TopicHandler } from '../alerting/topic.ts';

/** script method → handler kind, and property method → option name (value kinds: string, flag, list, link) */
type PropKind = 'string' | 'flag' | 'link' | 'list' | 'entry' | 'int' | 'bool' | 'snmp-data' | 'duration';
const KINDS: Record<string, { kind: string; props: Record<string, [string, PropKind]> }> = {
  tcp: { kind: 'tcp', props: {} },
  exec: { kind: 'exec', props: {} },
  slack: { kind: 'slack', props: { workspace: ['workspace', 'string'], channel: ['channel', 'string'], username: ['username', 'string'], iconEmoji: ['icon-emoji', 'string'] } },
  teams: { kind: 'teams', props: { channelURL: ['channel-url', 'string'] } },
  discord: { kind: 'discord', props: { workspace: ['workspace', 'string'], username: ['username', 'string'], avatarURL: ['avatar-url', 'string'], embedTitle: ['embed-title', 'string'] } },
  victorOps: { kind: 'victorops', props: { routingKey: ['routing-key', 'string'] } },
  pagerDuty2: { kind: 'pagerduty2', props: { routingKey: ['routing-key', 'string'], link: ['links', 'link'] } },
  opsGenie2: { kind: 'opsgenie2', props: { teams: ['teams-list', 'list'], recipients: ['recipients-list', 'list'] } },
  pushover: {
    kind: 'pushover',
    props: { userKey: ['user-key', 'string'], device: ['device', 'string'], title: ['title', 'string'], uRL: ['url', 'string'], uRLTitle: ['url-title', 'string'], sound: ['sound', 'string'] },
  },
  email: { kind: 'smtp', props: { to: ['to', 'list'], toTemplates: ['to-field', 'list'] } },
  mqtt: { kind: 'mqtt', props: { brokerName: ['broker-name', 'string'], qos: ['qos', 'int'], retained: ['retained', 'bool'] } },
  kafka: {
    kind: 'kafka',
    props: {
      cluster: ['cluster', 'string'], kafkaTopic: ['topic', 'string'], template: ['template', 'string'],
      disablePartitionById: ['disablePartitionById', 'flag'], partitionHashAlgorithm: ['partitionAlgorithm', 'string'],
    },
  },
  snmpTrap: { kind: 'snmptrap', props: { data: ['data-list', 'snmp-data'] } },
  sensu: { kind: 'sensu', props: { source: ['source', 'string'], handlers: ['handlers', 'list'], metadata: ['metadata', 'entry'] } },
  alerta: {
    kind: 'alerta',
    props: {
      token: ['token', 'string'], resource: ['resource', 'string'], event: ['event', 'string'], environment: ['environment', 'string'],
      group: ['group', 'string'], value: ['value', 'string'], origin: ['origin', 'string'], services: ['service', 'list'],
      correlated: ['correlate', 'list'], attribute: ['attributes', 'entry'], timeout: ['timeout', 'duration'],
    },
  },
  bigPanda: {
    kind: 'bigpanda',
    props: { appKey: ['app-key', 'string'], host: ['host', 'string'], primaryProperty: ['primary-property', 'string'], secondaryProperty: ['secondary-property', 'string'], attribute: ['attributes', 'entry'] },
  },
  // Kapacitor passes neither username nor password of the script's handler to the service (config's are used)
  serviceNow: {
    kind: 'servicenow',
    props: {
      uRL: ['url', 'string'], source: ['source', 'string'], node: ['node', 'string'], type: ['type', 'string'], resource: ['resource', 'string'],
      metricName: ['MetricName', 'string'], messageKey: ['MessageKey', 'string'], additionalInfo: ['additional_info', 'entry'],
      username: ['username', 'string'], password: ['password', 'string'],
    },
  },
  // summary defaults to {{ .Message }} in the script (pipeline/alert.go), which renders what an empty summary falls back to
  zenoss: {
    kind: 'zenoss',
    props: {
      action: ['action', 'string'], method: ['method', 'string'], type: ['type', 'string'], tid: ['tid', 'int'], collector: ['collector', 'string'],
      summary: ['summary', 'string'], device: ['device', 'string'], component: ['component', 'string'], eventClassKey: ['EventClassKey', 'string'],
      eventClass: ['EventClass', 'string'], message: ['message', 'string'], customField: ['customField', 'entry'],
    },
  },
  telegram: {
    kind: 'telegram',
    props: { chatId: ['chat-id', 'string'], parseMode: ['parse-mode', 'string'], disableWebPagePreview: ['disable-web-page-preview', 'flag'], disableNotification: ['disable-notification', 'flag'] },
  },
};

/** The property methods this file handles (alert.ts accepts them). */
export const SCRIPT_HANDLER_PROPS: ReadonlySet<string> = new Set(Object.entries(KINDS).flatMap(([m, k]) => [m, ...Object.keys(k.props).map((p) => `${m}.${p}`)]));

export type HandlerFactory = (kind: string, options: Record<string, unknown>) => TopicHandler;

/** Builds the script's handlers, in script order; throws a clear error for a bad value or a missing factory. */
export function buildScriptHandlers(d: PipelineNode, factory: HandlerFactory | undefined): TopicHandler[] {
  const specs: { method: string; kind: string; options: Record<string, unknown> }[] = [];
  const str = (m: string, v: TickValue | undefined): string => {
    if (!v || v.type !== 'string') throw new Error(`${d.name}: .${m}() expects a string, got ${v ? v.type : 'nothing'}`);
    return v.value;
  };
  for (const c of d.calls) {
    const top = KINDS[c.method];
    if (top) {
      const options: Record<string, unknown> = {};
      if (c.method === 'tcp') options['address'] = str('tcp', c.args[0]);
      if (c.method === 'exec') {
        options['prog'] = str('exec', c.args[0]);
        options['args'] = c.args.slice(1).map((a) => str('exec', a));
      }
      if (c.method === 'email') options['to'] = c.args.map((a) => str('email', a));
      if (c.method === 'mqtt') options['topic'] = str('mqtt', c.args[0]);
      if (c.method === 'snmpTrap') options['trap-oid'] = str('snmpTrap', c.args[0]);
      specs.push({ method: c.method, kind: top.kind, options });
      continue;
    }
    const dot = c.method.indexOf('.');
    if (dot < 0) continue;
    const owner = KINDS[c.method.slice(0, dot)];
    const prop = owner?.props[c.method.slice(dot + 1)];
    const cur = specs.at(-1);
    if (!prop || !cur) continue;
    const [name, type] = prop;
    const m = c.method.slice(dot + 1);
    if (type === 'flag') cur.options[name] = true;
    else if (type === 'int') {
      const v = c.args[0];
      if (!v || v.type !== 'int') throw new Error(`${d.name}: .${m}() expects an integer, got ${v ? v.type : 'nothing'}`);
      cur.options[name] = Number(v.value);
    } else if (type === 'bool') {
      // a bool field (Kapacitor sets it by reflection): .retained(TRUE)
      const v = c.args[0];
      if (!v || v.type !== 'bool') throw new Error(`${d.name}: .${m}() expects TRUE or FALSE, got ${v ? v.type : 'nothing'}`);
      cur.options[name] = v.value;
    } else if (type === 'snmp-data') {
      ((cur.options[name] ??= []) as unknown[]).push({ oid: str(m, c.args[0]), type: str(m, c.args[1]), value: str(m, c.args[2]) });
    }
    else if (type === 'duration') {
      const v = c.args[0];
      if (!v || v.type !== 'duration') throw new Error(`${d.name}: .${m}() expects a duration, got ${v ? v.type : 'nothing'}`);
      // options carry durations as ns, as JSON handler specs do
      cur.options[name] = (v.value as bigint).toString() + 'ns';
    }
    else if (type === 'list') ((cur.options[name] ??= []) as string[]).push(...c.args.map((a) => str(c.method.slice(dot + 1), a)));
    else if (type === 'entry') {
      // .metadata(key, value): string, int, float or bool values
      const v = c.args[1];
      const val = v === undefined ? undefined : v.type === 'int' ? Number(v.value) : 'value' in v ? v.value : undefined;
      ((cur.options[name] ??= {}) as Record<string, unknown>)[str(c.method.slice(dot + 1), c.args[0])] = val;
    }
    else if (type === 'string') cur.options[name] = str(c.method.slice(dot + 1), c.args[0]);
    else {
      const link: Record<string, string> = { href: str('link', c.args[0]) };
      if (c.args[1] !== undefined) link['text'] = str('link', c.args[1]);
      ((cur.options[name] ??= []) as unknown[]).push(link);
    }
  }
  if (specs.length === 0) return [];
  if (!factory) throw new Error(`${d.name}: .${specs[0]!.method}() needs the server's handler configuration`);
  const out: TopicHandler[] = [];
  try {
    for (const s of specs) {
      try {
        out.push(factory(s.kind, s.options));
      } catch (err) {
        throw new Error(`${d.name}: .${s.method}(): ${(err as Error).message}`);
      }
    }
  } catch (err) {
    for (const h of out) h.close();
    throw err;
  }
  return out;
}
