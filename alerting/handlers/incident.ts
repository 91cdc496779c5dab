/**
 * opsgenie2 and pushover (Kapacitor services/opsgenie2/service.go, services/pushover/service.go).
 *
 * - opsgenie2: POST <url> with `Authorization: GenieKey <api-key>`; a non-OK event creates an alert
 *   `{"alias","description","details","entity","message","note":"","priority","responders"?}` (alias = URL-safe
 *   base64 of the event id, priority P5/P3/P1 for INFO/WARNING/CRITICAL, details = Monitoring Tool, Level, the row's
 *   tags and Kapacitor Task Name, description = the result JSON, or the event details with `details = true`); an OK
 *   event POSTs `{"note": message}` to <url>/<alias>/<recovery action>?identifierType=alias. Success = 202.
 * - pushover: POST form `device? message priority sound? title? token url? url_title? user` (Go's url.Values
 *   encoding, keys sorted); priority -2/-1/0/1 for OK/INFO/WARNING/CRITICAL. Success = 200.
 */
import { goJson, resultJson } from '../gojson.ts';
import { send } from '../http.ts';
import { CRITICAL, INFO, LEVEL_NAMES, OK, WARNING } from '../levels.ts';
import type { HandlerKind } from './types.ts';

function enabled(service: string, on: boolean): void {
  if (!on) throw new Error(`${service}: service is not enabled (set [${service}] enabled = true)`);
}

export const opsGenie2Kind: HandlerKind = {
  goType: 'opsgenie2.HandlerConfig',
  schema: { 'teams-list': 'strings', 'recipients-list': 'strings', recovery_action: 'string' },
  create(o, deps) {
    const c = deps.config.opsgenie2;
    enabled('opsgenie2', c.enabled);
    const teams = (o['teams-list'] as string[] | undefined)?.length ? (o['teams-list'] as string[]) : c.teams;
    const recipients = (o['recipients-list'] as string[] | undefined)?.length ? (o['recipients-list'] as string[]) : c.recipients;
    const valid = (a: string | undefined): a is string => a === 'close' || a === 'notes';
    const opt = o['recovery_action'] as string | undefined;
    const action = valid(opt) ? opt : valid(c.recoveryAction) ? c.recoveryAction : 'notes';
    const headers = { 'Content-Type': 'application/json', Authorization: 'GenieKey ' + c.apiKey };
    return {
      deliver: async (ev) => {
        const alias = Buffer.from(ev.state.id, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
        if (ev.state.level === OK) {
          const u = new URL(c.url);
          u.pathname = [u.pathname, alias, action].join('/').replace(/\/+/g, '/');
          u.search = 'identifierType=alias';
          await send({ url: u.href, body: goJson({ note: ev.state.message }) + '\n', headers, okStatuses: [202] });
          return;
        }
        const l = ev.state.level;
        const priority = l === INFO ? 'P5' : l === WARNING ? 'P3' : l === CRITICAL ? 'P1' : '';
        const det: Record<string, string> = { 'Monitoring Tool': 'Kapacitor', Level: LEVEL_NAMES[l] };
        for (const [k, v] of Object.entries(ev.data.tags)) det[k] = v;
        det['Kapacitor Task Name'] = ev.data.name;
        const details: Record<string, string> = {};
        for (const k of Object.keys(det).sort()) details[k] = det[k]!;
        const responders = [...teams.map((t) => ({ name: t, type: 'team' })), ...recipients.map((u) => ({ type: 'user', username: u }))];
        const data: Record<string, unknown> = {
          alias, description: c.details && ev.state.details !== '' ? ev.state.details : resultJson(ev).json, details,
          entity: ev.state.id, message: ev.state.message, note: '', priority,
        };
        if (responders.length > 0) data['responders'] = responders;
        await send({ url: c.url, body: goJson(data) + '\n', headers, okStatuses: [202] });
      },
    };
  },
};

/** Go's url.QueryEscape: everything but letters, digits and -_.~ is %XX; space is '+'. */
export function goQueryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export const pushoverKind: HandlerKind = {
  goType: 'pushover.HandlerConfig',
  schema: { device: 'string', title: 'string', url: 'string', 'url-title': 'string', sound: 'string', 'user-key': 'string' },
  create(o, deps) {
    const c = deps.config.pushover;
    enabled('pushover', c.enabled);
    const s = (k: string): string => (o[k] as string | undefined) ?? '';
    const user = s('user-key') || c.userKey;
    return {
      deliver: async (ev) => {
        const l = ev.state.level;
        const v: Record<string, string> = { token: c.token, user, message: ev.state.message, priority: String(l === OK ? -2 : l === INFO ? -1 : l === WARNING ? 0 : 1) };
        if (s('device')) v['device'] = s('device');
        if (s('title')) v['title'] = s('title');
        if (s('url')) v['url'] = s('url');
        if (s('url-title')) v['url_title'] = s('url-title');
        if (s('sound')) v['sound'] = s('sound');
        const body = Object.keys(v).sort().map((k) => `${goQueryEscape(k)}=${goQueryEscape(v[k]!)}`).join('&');
        await send({ url: c.url, body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, okStatuses: [200] });
      },
    };
  },
};
