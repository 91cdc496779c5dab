/**
 * bigpanda (Kapacitor services/bigpanda/service.go): POST <url option, else [bigpanda] url> with
 * `Authorization: Bearer <[bigpanda] token>` and one flat JSON object (json.Encoder then Compact: keys sorted, no
 * newline): description (the message, when not empty), details (the event details HTML-unescaped, unless they
 * start with `{` — the default `{{ json . }}` details are left out), check (the event id), task
 * (`<task>:<measurement>`), timestamp (Unix seconds), status (ok for OK and INFO, warning, critical),
 * primary_property?, secondary_property?, app_key (option, else config), then — when `[bigpanda] auto-attributes`
 * contains "tags" / "fields" — every tag, and every field (strings as they are, other values JSON-encoded), then
 * `host` (the rendered host template, "" when unset) and the attributes (strings are templates, other values
 * JSON-encoded), later keys overriding earlier ones. Success = 201 only.
 */
import { fieldValueJson } from '../../gocompat/json.ts';
import { goJson, templateData, TEMPLATE_FIELDS, unixSeconds } from '../gojson.ts';
import { send } from '../http.ts';
import { CRITICAL, WARNING } from '../levels.ts';
import { goMap, OptionTemplate, requireEnabled } from './support.ts';
import type { HandlerKind } from './types.ts';

/** html.UnescapeString for the entities Go's html/template escaping produces (and the common named ones). */
export function htmlUnescape(s: string): string {
  if (!s.includes('&')) return s;
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    }
    return named[e] ?? m;
  });
}

export const bigPandaKind: HandlerKind = {
  goType: 'bigpanda.HandlerConfig',
  schema: { 'app-key': 'string', url: 'string', host: 'string', 'primary-property': 'string', 'secondary-property': 'string', attributes: 'map' },
  create(o, deps) {
    const c = deps.config.bigpanda;
    requireEnabled('bigpanda', c.enabled);
    const s = (k: string): string => (o[k] as string | undefined) ?? '';
    const url = s('url') || c.url;
    try { new URL(url); } catch { throw new Error(`bigpanda: invalid url ${JSON.stringify(url)}`); }
    const host = OptionTemplate.compile('host', s('host'), TEMPLATE_FIELDS);
    const attrs = Object.entries((o['attributes'] as Record<string, unknown> | undefined) ?? {}).map(([k, v]) =>
      [k, typeof v === 'string' ? OptionTemplate.compile(`attributes.${k}`, v, TEMPLATE_FIELDS) : goJson(v)] as const);
    const auto = c.autoAttributes.toLowerCase();
    const withTags = auto.includes('tags');
    const withFields = auto.includes('fields');
    const appKey = s('app-key') || c.appKey;
    const headers = { Authorization: 'Bearer ' + c.token, 'Content-Type': 'application/json' };
    return {
      deliver: async (ev) => {
        const td = templateData(ev);
        const st = ev.state;
        const m = new Map<string, unknown>();
        if (st.message !== '') m.set('description', st.message);
        if (st.details !== '') {
          const d = htmlUnescape(st.details);
          if (!d.startsWith('{')) m.set('details', d);
        }
        if (st.id !== '') m.set('check', st.id);
        m.set('task', `${ev.data.taskName}:${ev.data.name}`);
        m.set('timestamp', unixSeconds(st.time));
        m.set('status', st.level === WARNING ? 'warning' : st.level === CRITICAL ? 'critical' : 'ok');
        if (s('primary-property') !== '') m.set('primary_property', s('primary-property'));
        if (s('secondary-property') !== '') m.set('secondary_property', s('secondary-property'));
        m.set('app_key', appKey);
        if (withTags) for (const [k, v] of Object.entries(ev.data.tags)) m.set(k, v);
        if (withFields) for (const [k, v] of Object.entries(ev.data.fields)) m.set(k, typeof v === 'string' ? v : fieldValueJson(v));
        m.set('host', host.render(td));
        for (const [k, v] of attrs) m.set(k, v instanceof OptionTemplate ? v.render(td) : v);
        await send({ url, body: goMap(m).json, headers, okStatuses: [201] });
      },
    };
  },
};
