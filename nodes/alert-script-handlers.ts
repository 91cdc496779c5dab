/**
 * Handlers written in a script beyond `.log()` and `.post()` (Kapacitor pipeline/alert.go): `.tcp(addr)`,
 * `.exec(prog, args...)`, `.slack()`, `.teams()`, `.discord()`, `.victorOps()`, `.pagerDuty2()`, `.telegram()`,
 * `.email(to...)`, `.mqtt(topic)`, `.kafka()`, `.snmpTrap(oid)`, `.alerta()`, `.bigPanda()`, `.serviceNow()`, `.zenoss()`,
 * each with its properties. They become the same option sets a topic handler spec uses and are built by the
 * server's handler factory (alerting/handlers), so both paths send identical requests.
 */
import type { TopicHandler } from '../alerting/topic.ts';
import type { Settings } from '../tickscript/catalog/index.ts';
import type { HandlerCall, HandlerKind, HandlerSupport } from './alert-handlers.ts';

// ---- conversions of a handler property's typed setting to its option value (undefined: the option is not set) ----

const str = (v: string | undefined): string | undefined => v;
const int = (v: bigint | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const bool = (v: boolean | undefined): boolean | undefined => v;
/** a flag sets its option only when called */
const flag = (v: boolean): true | undefined => (v ? true : undefined);
/** options carry durations as ns, as JSON handler specs do */
const duration = (v: bigint | undefined): string | undefined => (v === undefined ? undefined : `${v}ns`);
/** `.services('a', 'b').services('c')`: every call's values, in order */
const list = (calls: readonly (readonly string[])[]): string[] | undefined => (calls.length === 0 ? undefined : calls.flat());
/** `.metadata(key, value)`: string, int, float or bool values, the last call per key winning */
const entries = (calls: readonly (readonly [string, string | bigint | number | boolean])[]): Record<string, unknown> | undefined =>
  (calls.length === 0 ? undefined : Object.fromEntries(calls.map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
/** pagerDuty2 `.link(href[, text])` */
const links = (calls: readonly (readonly [string, ...string[]])[]): { href: string; text?: string }[] | undefined =>
  (calls.length === 0 ? undefined : calls.map(([href, text]) => (text === undefined ? { href } : { href, text })));
/** snmpTrap `.data(oid, type, value)` */
const snmpData = (calls: readonly (readonly [string, string, string])[]): { oid: string; type: string; value: string }[] | undefined =>
  (calls.length === 0 ? undefined : calls.map(([oid, type, value]) => ({ oid, type, value })));

type PropsOf<H extends HandlerKind> = HandlerCall<H> extends { readonly props: infer P } ? P : never;
type ArgsOf<H extends HandlerKind> = HandlerCall<H> extends { readonly args: infer A } ? A : never;

/**
 * How a script handler becomes a topic handler spec: the handler factory's kind, the options its own arguments
 * give, and per property of the handler's catalog entry its option name and conversion (typed by the property's
 * setting; every property must have one, so a property added to the catalog is a compile error here until it is
 * handled).
 */
interface ScriptHandler<H extends HandlerKind> {
  readonly kind: string;
  readonly args?: (args: ArgsOf<H>, node: string) => Record<string, unknown>;
  readonly props: { readonly [P in keyof PropsOf<H>]-?: readonly [option: string, convert: (v: PropsOf<H>[P]) => unknown] };
}

type ScriptKind = 'tcp' | 'exec' | 'slack' | 'teams' | 'discord' | 'victorOps' | 'pagerDuty2' | 'opsGenie2' | 'pushover' | 'email'
  | 'mqtt' | 'kafka' | 'snmpTrap' | 'sensu' | 'alerta' | 'bigPanda' | 'serviceNow' | 'zenoss' | 'telegram';

const KINDS: { readonly [H in ScriptKind]: ScriptHandler<H> } = {
  tcp: { kind: 'tcp', args: ([address]) => ({ address }), props: {} },
  exec: {
    kind: 'exec',
    args: ([prog, ...args], node) => {
      if (prog === undefined) throw new Error(`${node}: .exec() expects a string, got nothing`);
      return { prog, args };
    },
    props: {},
  },
  slack: { kind: 'slack', props: { workspace: ['workspace', str], channel: ['channel', str], username: ['username', str], iconEmoji: ['icon-emoji', str] } },
  teams: { kind: 'teams', props: { channelURL: ['channel-url', str] } },
  discord: { kind: 'discord', props: { workspace: ['workspace', str], username: ['username', str], avatarURL: ['avatar-url', str], embedTitle: ['embed-title', str] } },
  victorOps: { kind: 'victorops', props: { routingKey: ['routing-key', str] } },
  pagerDuty2: { kind: 'pagerduty2', props: { routingKey: ['routing-key', str], link: ['links', links] } },
  opsGenie2: { kind: 'opsgenie2', props: { teams: ['teams-list', list], recipients: ['recipients-list', list] } },
  pushover: {
    kind: 'pushover',
    props: { userKey: ['user-key', str], device: ['device', str], title: ['title', str], uRL: ['url', str], uRLTitle: ['url-title', str], sound: ['sound', str] },
  },
  email: { kind: 'smtp', args: (to) => ({ to: [...to] }), props: { to: ['to', list], toTemplates: ['to-field', list] } },
  mqtt: { kind: 'mqtt', args: ([topic]) => ({ topic }), props: { brokerName: ['broker-name', str], qos: ['qos', int], retained: ['retained', bool] } },
  kafka: {
    kind: 'kafka',
    props: {
      cluster: ['cluster', str], kafkaTopic: ['topic', str], template: ['template', str],
      disablePartitionById: ['disablePartitionById', flag], partitionHashAlgorithm: ['partitionAlgorithm', str],
    },
  },
  snmpTrap: { kind: 'snmptrap', args: ([oid]) => ({ 'trap-oid': oid }), props: { data: ['data-list', snmpData] } },
  sensu: { kind: 'sensu', props: { source: ['source', str], handlers: ['handlers', list], metadata: ['metadata', entries] } },
  alerta: {
    kind: 'alerta',
    props: {
      token: ['token', str], resource: ['resource', str], event: ['event', str], environment: ['environment', str],
      group: ['group', str], value: ['value', str], origin: ['origin', str], services: ['service', list],
      correlated: ['correlate', list], attribute: ['attributes', entries], timeout: ['timeout', duration],
    },
  },
  bigPanda: {
    kind: 'bigpanda',
    props: { appKey: ['app-key', str], host: ['host', str], primaryProperty: ['primary-property', str], secondaryProperty: ['secondary-property', str], attribute: ['attributes', entries] },
  },
  // Kapacitor passes neither username nor password of the script's handler to the service (config's are used)
  serviceNow: {
    kind: 'servicenow',
    props: {
      uRL: ['url', str], source: ['source', str], node: ['node', str], type: ['type', str], resource: ['resource', str],
      metricName: ['MetricName', str], messageKey: ['MessageKey', str], additionalInfo: ['additional_info', entries],
      username: ['username', str], password: ['password', str],
    },
  },
  // summary defaults to {{ .Message }} in the script (pipeline/alert.go), which renders what an empty summary falls back to
  zenoss: {
    kind: 'zenoss',
    props: {
      action: ['action', str], method: ['method', str], type: ['type', str], tid: ['tid', int], collector: ['collector', str],
      summary: ['summary', str], device: ['device', str], component: ['component', str], eventClassKey: ['EventClassKey', str],
      eventClass: ['EventClass', str], message: ['message', str], customField: ['customField', entries],
    },
  },
  telegram: {
    kind: 'telegram',
    props: { chatId: ['chat-id', str], parseMode: ['parse-mode', str], disableWebPagePreview: ['disable-web-page-preview', flag], disableNotification: ['disable-notification', flag] },
  },
};

const SCRIPT_KINDS = Object.keys(KINDS) as ScriptKind[];

/** the conversions of each kind, by property: the table above is typed per property; this walks a call's settings */
const CONVERSIONS: ReadonlyMap<ScriptKind, ReadonlyMap<string, readonly [option: string, convert: (v: unknown) => unknown]>> = new Map(
  SCRIPT_KINDS.map((k) => [k, new Map(Object.entries(KINDS[k].props) as [string, readonly [string, (v: unknown) => unknown]][])]));

/** The handlers this file builds, with their properties (alert.ts rejects the handlers not listed at task start). */
export const SCRIPT_HANDLER_SUPPORT: HandlerSupport = Object.fromEntries(SCRIPT_KINDS.map((k) => [k, Object.keys(KINDS[k].props)]));

export type HandlerFactory = (kind: string, options: Record<string, unknown>) => TopicHandler;

interface Spec {
  readonly method: ScriptKind;
  readonly kind: string;
  readonly order: number;
  readonly options: Record<string, unknown>;
}

/**
 * handler call `h` of kind `method` as a factory spec: its arguments' options, then its properties'. A list property
 * extends the list its handler's arguments started (`.email('a@x').to('b@x')` mails both).
 */
function specOf<H extends ScriptKind>(method: H, h: HandlerCall<H>, node: string): Spec {
  const k: ScriptHandler<H> = KINDS[method];
  const call = h as unknown as { readonly args: ArgsOf<H>; readonly props: object; readonly order: number };
  const options: Record<string, unknown> = k.args !== undefined ? k.args(call.args, node) : {};
  const conversions = CONVERSIONS.get(method)!;
  for (const [prop, setting] of Object.entries(call.props)) {
    const c = conversions.get(prop)!; // every property of the kind has one (ScriptHandler.props)
    const v = c[1](setting);
    if (v === undefined) continue;
    const cur = options[c[0]];
    options[c[0]] = Array.isArray(cur) && Array.isArray(v) ? [...cur, ...v] : v;
  }
  return { method, kind: k.kind, order: call.order, options };
}

/** Builds the script's handlers, in script order; throws a clear error for a bad value or a missing factory. */
export function buildScriptHandlers(s: Settings<'alert'>, name: string, factory: HandlerFactory | undefined): TopicHandler[] {
  const specs: Spec[] = [];
  for (const method of SCRIPT_KINDS) {
    for (const h of s[method] as readonly HandlerCall<typeof method>[]) specs.push(specOf(method, h, name));
  }
  if (specs.length === 0) return [];
  specs.sort((a, b) => a.order - b.order);
  if (!factory) throw new Error(`${name}: .${specs[0]!.method}() needs the server's handler configuration`);
  const out: TopicHandler[] = [];
  try {
    for (const sp of specs) {
      try {
        out.push(factory(sp.kind, sp.options));
      } catch (err) {
        throw new Error(`${name}: .${sp.method}(): ${(err as Error).message}`);
      }
    }
  } catch (err) {
    for (const h of out) h.close();
    throw err;
  }
  return out;
}
