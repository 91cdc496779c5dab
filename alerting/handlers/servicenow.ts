/**
 * servicenow (Kapacitor services/servicenow/service.go): POST <url option, else [servicenow] url>, basic auth with
 * the config's username and password when both are set (the handler's own username/password options are accepted
 * and, as in Kapacitor, not used), body json.Marshal (no newline) of
 * `{"records":[{"source","node"?,"type"?,"resource"?,"metric_name"?,"message_key"?,"severity"?,"description"?,
 * "additional_info"?}]}` (empty strings omitted). node/type/resource/metric name/message key and string
 * additional-info values are templates over ID, Name, TaskName, Fields, Tags; message_key defaults to the event
 * id; source to `[servicenow] source`; severity 5 (OK, INFO), 4 (WARNING), 1 (CRITICAL); additional_info is the
 * JSON of the string map (other values printed with %v). Byte limits: 100 for source/node/type/resource/metric
 * name, 1024 message key, 4000 description. Success = 200 only.
 *
 * Option names are Kapacitor's mapstructure names: node, type and resource, and — the Go fields have no
 * mapstructure tag — `metricname` and `messagekey` (matched case-insensitively, so `metricName` works too).
 */
import { goJson } from '../gojson.ts';
import { send } from '../http.ts';
import { CRITICAL, WARNING } from '../levels.ts';
import { GoStruct } from '../template.ts';
import { basicAuth, cutBytes, goMap, OptionTemplate, requireEnabled, scalarV } from './support.ts';
import type { HandlerKind } from './types.ts';

const DATA_FIELDS: ReadonlySet<string> = new Set(['ID', 'Name', 'TaskName', 'Fields', 'Tags']);
const USUAL_CUTOFF = 100;

export const serviceNowKind: HandlerKind = {
  goType: 'servicenow.HandlerConfig',
  schema: {
    url: 'string', username: 'string', password: 'string', source: 'string', node: 'string', type: 'string', resource: 'string',
    MetricName: 'string', MessageKey: 'string', additional_info: 'map',
  },
  create(o, deps) {
    const c = deps.config.servicenow;
    requireEnabled('servicenow', c.enabled);
    const s = (k: string): string => (o[k] as string | undefined) ?? '';
    const url = s('url') || c.url;
    try { new URL(url); } catch { throw new Error(`servicenow: invalid url ${JSON.stringify(url)}`); }
    const tpl = (k: string, name = k): OptionTemplate => OptionTemplate.compile(name, s(k), DATA_FIELDS);
    const node = tpl('node');
    const type = tpl('type');
    const resource = tpl('resource');
    const metricName = tpl('MetricName', 'metricName');
    const messageKey = tpl('MessageKey', 'messageKey');
    const info = Object.entries((o['additional_info'] as Record<string, unknown> | undefined) ?? {}).map(([k, v]) =>
      [k, typeof v === 'string' ? OptionTemplate.compile(`additional_info.${k}`, v, DATA_FIELDS) : scalarV(v)] as const);
    const source = s('source') || c.source;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (c.username !== '' && c.password !== '') headers['Authorization'] = basicAuth(c.username, c.password);
    return {
      deliver: async (ev) => {
        const st = ev.state;
        const data = new GoStruct({ ID: st.id, Name: ev.data.name, TaskName: ev.data.taskName, Fields: ev.data.fields, Tags: ev.data.tags });
        const rec: Record<string, unknown> = { source: cutBytes(source, USUAL_CUTOFF) };
        const put = (k: string, v: string): void => { if (v !== '') rec[k] = v; };
        put('node', cutBytes(node.render(data), USUAL_CUTOFF));
        put('type', cutBytes(type.render(data), USUAL_CUTOFF));
        put('resource', cutBytes(resource.render(data), USUAL_CUTOFF));
        put('metric_name', cutBytes(metricName.render(data), USUAL_CUTOFF));
        put('message_key', cutBytes(messageKey.render(data) || st.id, 1024));
        put('severity', String(st.level === CRITICAL ? 1 : st.level === WARNING ? 4 : 5));
        put('description', cutBytes(st.message, 4000));
        if (info.length > 0) {
          const m = new Map<string, string>();
          for (const [k, v] of info) m.set(k, v instanceof OptionTemplate ? v.render(data) : v);
          rec['additional_info'] = goMap(m).json;
        }
        await send({ url, body: goJson({ records: [rec] }), headers, okStatuses: [200] });
      },
    };
  },
};
