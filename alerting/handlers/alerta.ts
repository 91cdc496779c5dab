/**
 * alerta (Kapacitor services/alerta/service.go): POST <[alerta] url>/alert with
 * `Authorization: <token-prefix> <token>` (prefix default "Bearer") and the json.Encoder body (keys sorted, newline)
 * `{"attributes"?,"correlate","environment","event","group","origin","rawData","resource","service","severity",
 * "tags","text","timeout","value"}`. resource/event/environment/group/value/service/correlate/attribute strings are
 * templates: event sees only ID, Name, TaskName, Group, Tags (Kapacitor's idInfo); the others see the alert's
 * template data. Defaults: resource `{{ .Name }}`, event `{{ .ID }}`, group `{{ .Group }}`, service and correlate
 * `[Name]`, timeout 24h (sent in seconds); environment and origin fall back to the config. severity:
 * ok/informational/warning/critical. tags = the row's tags as `k=v` (Go iterates a map: random order; sorted here).
 * Success = 201 only.
 */
import { goJson, resultJson, templateData, TEMPLATE_FIELDS } from '../gojson.ts';
import { send } from '../http.ts';
import { GoStruct } from '../template.ts';
import { compareGoStrings } from '../../gocompat/json.ts';
import { PermanentDeliveryError } from '../delivery.ts';
import { goMap, OptionTemplate, requireEnabled } from './support.ts';
import type { HandlerKind } from './types.ts';

const EVENT_FIELDS: ReadonlySet<string> = new Set(['ID', 'Name', 'TaskName', 'Group', 'Tags']);
const SEVERITY = ['ok', 'informational', 'warning', 'critical'] as const;
const DAY_NS = 86_400_000_000_000n;

export const alertaKind: HandlerKind = {
  goType: 'alerta.HandlerConfig',
  schema: {
    token: 'string', 'token-prefix': 'string', resource: 'string', event: 'string', environment: 'string', group: 'string',
    value: 'string', origin: 'string', service: 'strings', correlate: 'strings', attributes: 'map', timeout: 'duration',
  },
  create(o, deps) {
    const c = deps.config.alerta;
    requireEnabled('alerta', c.enabled);
    const s = (k: string, d = ''): string => (o[k] as string | undefined) ?? d;
    const tpl = (k: string, d = ''): OptionTemplate => OptionTemplate.compile(k, s(k, d), TEMPLATE_FIELDS);
    const resource = tpl('resource', '{{ .Name }}');
    const event = OptionTemplate.compile('event', s('event', '{{ .ID }}'), EVENT_FIELDS);
    const environment = tpl('environment');
    const group = tpl('group', '{{ .Group }}');
    const value = tpl('value');
    const services = ((o['service'] as string[] | undefined) ?? []).map((x) => OptionTemplate.compile('service', x, TEMPLATE_FIELDS));
    const correlates = ((o['correlate'] as string[] | undefined) ?? []).map((x) => OptionTemplate.compile('correlate', x, TEMPLATE_FIELDS));
    const attrs = Object.entries((o['attributes'] as Record<string, unknown> | undefined) ?? {}).map(([k, v]) =>
      [k, typeof v === 'string' ? OptionTemplate.compile(`attributes.${k}`, v, TEMPLATE_FIELDS) : v] as const);
    const timeout = (o['timeout'] as bigint | undefined) ?? DAY_NS;
    const token = s('token') || c.token;
    const prefix = s('token-prefix') || c.tokenPrefix || 'Bearer';
    const origin = s('origin') || c.origin;
    const u = new URL(c.url);
    u.pathname = (u.pathname + '/alert').replace(/\/+/g, '/'); // path.Join(u.Path, "alert")
    const url = u.href;
    const headers = { Authorization: `${prefix} ${token}`, 'Content-Type': 'application/json' };
    return {
      deliver: async (ev) => {
        const td = templateData(ev);
        const d = ev.data;
        const r = resource.render(td);
        const e = event.render(new GoStruct({ ID: ev.state.id, Name: d.name, TaskName: d.taskName, Group: d.group, Tags: d.tags }));
        if (r === '' || e === '') throw new PermanentDeliveryError('Resource and Event are required to send an alert');
        const body: Record<string, unknown> = {};
        const attributes = new Map<string, unknown>();
        for (const [k, v] of attrs) attributes.set(k, v instanceof OptionTemplate ? v.render(td) : v);
        if (attributes.size > 0) body['attributes'] = goMap(attributes);
        body['correlate'] = correlates.length === 0 ? [d.name] : correlates.map((t) => t.render(td));
        body['environment'] = environment.render(td) || c.environment;
        body['event'] = e;
        body['group'] = group.render(td);
        body['origin'] = origin;
        body['rawData'] = resultJson(ev);
        body['resource'] = r;
        body['service'] = services.length === 0 ? [d.name] : services.map((t) => t.render(td));
        body['severity'] = SEVERITY[ev.state.level];
        body['tags'] = Object.keys(d.tags).sort(compareGoStrings).map((k) => `${k}=${d.tags[k]}`);
        body['text'] = ev.state.message;
        body['timeout'] = timeout / 1_000_000_000n;
        body['value'] = value.render(td);
        await send({ url, body: goJson(body) + '\n', headers, okStatuses: [201] });
      },
    };
  },
};
