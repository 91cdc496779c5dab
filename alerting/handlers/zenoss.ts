/**
 * zenoss (Kapacitor services/zenoss/service.go): POST <[zenoss] url>, basic auth with the config's username and
 * password when both are set, body json.Marshal (no newline) of the router call
 * `{"action","method","data":[{...}],"type","tid"}` whose one data object (a map: keys sorted) holds collector
 * (omitted when empty), component, device, evclass, evclasskey, message (omitted when empty), severity (from
 * `[zenoss.severity-map]`) and summary, plus the custom fields. action/method/type/tid fall back to the config;
 * summary/device/component/event class key/event class/collector/message and string custom fields are templates
 * over Name, TaskName, ID, Message, Details, Time, Duration, Level, Recoverable, Tags; summary defaults to the
 * message (cut to 256 bytes), message is cut to 4096 bytes, collector defaults to `[zenoss] collector`. A custom
 * field string starting with `{` or `[` that parses as JSON is sent as that JSON value. Success = 200 only.
 *
 * Option names are Kapacitor's mapstructure names: action, method, type, tid, customField, and — Go fields without
 * a mapstructure tag — summary, device, component, eventclasskey, eventclass, collector, message.
 */
import { goJson } from '../gojson.ts';
import { send } from '../http.ts';
import { LEVEL_NAMES } from '../levels.ts';
import { GoDuration, GoStruct, GoTime } from '../template.ts';
import { basicAuth, cutBytes, goMap, OptionTemplate, requireEnabled } from './support.ts';
import type { HandlerKind } from './types.ts';

const INFO_FIELDS: ReadonlySet<string> = new Set(['Name', 'TaskName', 'ID', 'Message', 'Details', 'Time', 'Duration', 'Level', 'Recoverable', 'Tags']);
const SEVERITY_KEYS = ['OK', 'Info', 'Warning', 'Critical'] as const;

/** A custom field value after addCustomData: JSON-looking strings become the JSON value they parse to. */
function customValue(v: unknown): unknown {
  if (typeof v === 'string' && (v.startsWith('{') || v.startsWith('['))) {
    try { return sortDeep(JSON.parse(v)); } catch { return v; }
  }
  return v;
}

/** Go re-marshals a decoded interface{}: objects as maps with sorted keys. */
function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v === null || typeof v !== 'object') return v;
  const m = new Map<string, unknown>();
  for (const [k, x] of Object.entries(v)) m.set(k, sortDeep(x));
  return goMap(m);
}

export const zenossKind: HandlerKind = {
  goType: 'zenoss.HandlerConfig',
  schema: {
    action: 'string', method: 'string', type: 'string', tid: 'int', summary: 'string', device: 'string', component: 'string',
    EventClassKey: 'string', EventClass: 'string', collector: 'string', message: 'string', customField: 'map',
  },
  create(o, deps) {
    const c = deps.config.zenoss;
    requireEnabled('zenoss', c.enabled);
    const s = (k: string): string => (o[k] as string | undefined) ?? '';
    const tpl = (k: string): OptionTemplate => OptionTemplate.compile(k, s(k), INFO_FIELDS);
    const t = {
      summary: tpl('summary'), device: tpl('device'), component: tpl('component'), evclasskey: tpl('EventClassKey'),
      evclass: tpl('EventClass'), message: tpl('message'), collector: tpl('collector'),
    };
    const custom = Object.entries((o['customField'] as Record<string, unknown> | undefined) ?? {}).map(([k, v]) =>
      [k, typeof v === 'string' ? OptionTemplate.compile(`customField.${k}`, v, INFO_FIELDS) : v] as const);
    const action = s('action') || c.action;
    const method = s('method') || c.method;
    const type = s('type') || c.type;
    const tid = (o['tid'] as number | undefined) || c.tid;
    // the severity-map table keys are matched case-insensitively, as Go's TOML decoding does; unset ones keep the defaults
    const sevMap = new Map(Object.entries(c.severityMap).map(([k, v]) => [k.toLowerCase(), v]));
    const severities = SEVERITY_KEYS.map((k) => sevMap.get(k.toLowerCase()) ?? DEFAULT_SEVERITY_MAP[k]);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (c.username !== '' && c.password !== '') headers['Authorization'] = basicAuth(c.username, c.password);
    return {
      deliver: async (ev) => {
        const st = ev.state;
        const info = new GoStruct({
          Name: ev.data.name, TaskName: ev.data.taskName, ID: st.id, Message: st.message, Details: st.details, Time: new GoTime(st.time),
          Duration: new GoDuration(st.duration), Level: LEVEL_NAMES[st.level], Recoverable: ev.data.recoverable, Tags: ev.data.tags,
        });
        const data = new Map<string, unknown>();
        const collector = t.collector.render(info) || c.collector;
        if (collector !== '') data.set('collector', collector);
        data.set('component', t.component.render(info));
        data.set('device', t.device.render(info));
        data.set('evclass', t.evclass.render(info));
        data.set('evclasskey', t.evclasskey.render(info));
        const message = cutBytes(t.message.render(info), 4096);
        if (message !== '') data.set('message', message);
        data.set('severity', severities[st.level]);
        data.set('summary', cutBytes(t.summary.render(info) || st.message, 256));
        for (const [k, v] of custom) data.set(k, customValue(v instanceof OptionTemplate ? v.render(info) : v));
        const body = goJson({ action, method, data: [goMap(data)], type, tid });
        await send({ url: c.url, body, headers, okStatuses: [200] });
      },
    };
  },
};

export const DEFAULT_SEVERITY_MAP: Readonly<Record<string, string>> = { OK: 'Clear', Info: 'Info', Warning: 'Warning', Critical: 'Critical' };
