/**
 * Chat and incident services (Kapacitor services/<name>/service.go): the exact request each sends.
 * Bodies are Go's json.Encoder output (maps with sorted keys, trailing newline) unless noted.
 *
 * - slack: POST <url> `{"attachments":[{fallback,color,text,mrkdwn_in}],"channel","icon_emoji","text":"","username"}`,
 *   `Authorization: Bearer <token>` when a token is set; color good/warning/danger; success = 200.
 * - teams: POST <channel-url> MessageCard `{"@type","@context","title","text","summary","themeColor"}` (json.Marshal,
 *   no newline); title `LEVEL: [id]`, summary = first 70 bytes of `title - message` + "..."; success = 200 or 204.
 * - discord: POST <url> `{"avatar_url","embeds":[{color,title,description,timestamp}],"username"}`; success = 204.
 * - victorops: POST <url>/<api-key>/<routing-key> `{"data","entity_id","message_type","monitoring_tool","state_message","timestamp"}`,
 *   message_type RECOVERY for OK; data = the result as a JSON string (an object with json-data); success = 200.
 * - pagerduty2: POST <url> `{"routing_key","event_action","dedup_key","payload":{summary,source,severity,timestamp,class,
 *   component,group,custom_details:{result}},"images","links","client","client_url"}`; success = 200 or 202.
 * - telegram: POST <url><token>/sendMessage `{"chat_id","disable_notification"?,"disable_web_page_preview"?,"parse_mode"?,"text"}`.
 */
import { AlertTemplate } from '../template.ts';
import type { AlertEvent } from '../event.ts';
import { goJson, resultJson, templateData, TEMPLATE_FIELDS, unixSeconds, utcTime } from '../gojson.ts';
import { send } from '../http.ts';
import { CRITICAL, INFO, LEVEL_NAMES, OK, WARNING } from '../levels.ts';
import type { HandlerKind } from './types.ts';
import { clientTls, hasClientTls, isClientTlsError, type ClientTlsKeys, type ClientTlsOptions } from '../../config/client-tls.ts';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function pick<T extends { workspace: string; default: boolean }>(service: string, list: readonly T[], workspace: string): T {
  if (list.length === 0) enabled(service, false);
  const c = workspace === '' ? (list.length === 1 ? list[0] : list.find((x) => x.default)) : list.find((x) => x.workspace === workspace);
  if (!c) throw new Error(workspace === '' ? `${service}: no default configuration` : `${service}: unknown workspace ${JSON.stringify(workspace)}`);
  return c;
}

/** The section's client TLS for its https requests, or undefined for Node's defaults. */
function sectionTls(service: string, c: ClientTlsKeys): ClientTlsOptions | undefined {
  if (!hasClientTls(c)) return undefined;
  const t = clientTls(c);
  if (isClientTlsError(t)) throw new Error(`${service}: ${t.key}: ${t.message}`);
  return t;
}

function enabled(service: string, on: boolean): void {
  if (!on) throw new Error(`${service}: service is not enabled (set [${service}] enabled = true)`);
}

function compile(name: string, src: string): AlertTemplate {
  try {
    return AlertTemplate.compile(name, src, TEMPLATE_FIELDS, false);
  } catch (e) {
    throw new Error(`invalid ${name} template: ${(e as Error).message}`);
  }
}

export const slackKind: HandlerKind = {
  goType: 'slack.HandlerConfig',
  schema: { workspace: 'string', channel: 'string', username: 'string', 'icon-emoji': 'string' },
  create(o, deps) {
    const c = pick('slack', deps.config.slack, (o['workspace'] as string | undefined) ?? '');
    enabled('slack', c.enabled);
    const channel = (o['channel'] as string | undefined) || c.channel;
    const username = (o['username'] as string | undefined) || c.username;
    const icon = (o['icon-emoji'] as string | undefined) || c.iconEmoji;
    const headers: Record<string, string> = { ...JSON_HEADERS };
    if (c.token !== '') headers['Authorization'] = 'Bearer ' + c.token;
    const tls = sectionTls('slack', c);
    return {
      deliver: async (ev: AlertEvent) => {
        const l = ev.state.level;
        const color = l === WARNING ? 'warning' : l === CRITICAL ? 'danger' : 'good';
        const msg = ev.state.message;
        const body = goJson({
          attachments: [{ fallback: msg, color, text: msg, mrkdwn_in: ['text'] }], channel, icon_emoji: icon, text: '', username,
        }) + '\n';
        await send({ url: c.url, body, headers, okStatuses: [200], tls });
      },
    };
  },
};

export const teamsKind: HandlerKind = {
  goType: 'teams.HandlerConfig',
  schema: { 'channel-url': 'string' },
  create(o, deps) {
    const c = deps.config.teams;
    enabled('teams', c.enabled);
    const url = (o['channel-url'] as string | undefined) || c.channelUrl;
    try { new URL(url); } catch { throw new Error(`teams: invalid channel-url ${JSON.stringify(url)}`); }
    return {
      deliver: async (ev) => {
        const level = LEVEL_NAMES[ev.state.level];
        const title = ev.state.id === '' ? (ev.topic === '' ? level : `${level}: [${ev.topic}]`) : `${level}: [${ev.state.id}]`;
        const full = ev.state.id === '' && ev.topic === '' ? `${title}: ${ev.state.message}` : `${title} - ${ev.state.message}`;
        // Go slices the summary's bytes
        const summary = Buffer.from(full, 'utf8').subarray(0, 70).toString('utf8') + '...';
        const l = ev.state.level;
        const themeColor = l === WARNING ? 'FFA533' : l === CRITICAL ? 'CC4A31' : '34CC25';
        const body = goJson({ '@type': 'MessageCard', '@context': 'http://schema.org/extensions', title, text: ev.state.message, summary, themeColor });
        await send({ url, body, headers: JSON_HEADERS, okStatuses: [200, 204] });
      },
    };
  },
};

export const discordKind: HandlerKind = {
  goType: 'discord.HandlerConfig',
  schema: { workspace: 'string', username: 'string', 'avatar-url': 'string', 'embed-title': 'string' },
  create(o, deps) {
    const c = pick('discord', deps.config.discord, (o['workspace'] as string | undefined) ?? '');
    enabled('discord', c.enabled);
    const username = (o['username'] as string | undefined) || c.username;
    const avatar = (o['avatar-url'] as string | undefined) || c.avatarUrl;
    const titleTpl = compile('embedTitle', (o['embed-title'] as string | undefined) ?? '');
    const tls = sectionTls('discord', c);
    return {
      deliver: async (ev) => {
        const l = ev.state.level;
        const color = l === CRITICAL ? 0xF95F53 : l === WARNING ? 0xF48D38 : 0x7A65F2;
        const title = titleTpl.render(templateData(ev)) || c.embedTitle;
        const body = goJson({
          avatar_url: avatar,
          embeds: [{ color, title, description: ev.state.message, timestamp: c.timestamp ? utcTime(ev.state.time, false) : '' }],
          username,
        }) + '\n';
        await send({ url: c.url, body, headers: JSON_HEADERS, okStatuses: [204], tls });
      },
    };
  },
};

export const victorOpsKind: HandlerKind = {
  goType: 'victorops.HandlerConfig',
  schema: { 'routing-key': 'string' },
  create(o, deps) {
    const c = deps.config.victorops;
    enabled('victorops', c.enabled);
    const routingKey = (o['routing-key'] as string | undefined) || c.routingKey;
    const u = new URL(c.url);
    // path.Join(u.Path, apiKey, routingKey)
    u.pathname = [u.pathname, c.apiKey, routingKey].join('/').replace(/\/+/g, '/').replace(/\/$/, '');
    const url = u.href;
    return {
      deliver: async (ev) => {
        const result = resultJson(ev);
        const body = goJson({
          data: c.jsonData ? result : result.json, entity_id: ev.state.id,
          message_type: ev.state.level === OK ? 'RECOVERY' : LEVEL_NAMES[ev.state.level], monitoring_tool: 'kapacitor',
          state_message: ev.state.message, timestamp: unixSeconds(ev.state.time),
        }) + '\n';
        await send({ url, body, headers: JSON_HEADERS, okStatuses: [200] });
      },
    };
  },
};

export const pagerDuty2Kind: HandlerKind = {
  goType: 'pagerduty2.HandlerConfig',
  schema: { 'routing-key': 'string', links: 'links' },
  create(o, deps) {
    const c = deps.config.pagerduty2;
    enabled('pagerduty2', c.enabled);
    const routingKey = (o['routing-key'] as string | undefined) || c.routingKey;
    const links = ((o['links'] as { href: string; text?: string }[] | undefined) ?? []).map((l) => ({
      href: compile('href', l.href), text: l.text === undefined || l.text === '' ? undefined : compile('text', l.text),
    }));
    return {
      deliver: async (ev) => {
        const l = ev.state.level;
        const severity = l === WARNING ? 'warning' : l === CRITICAL ? 'critical' : 'info';
        const td = templateData(ev);
        const rendered = links.map((x) => { const href = x.href.render(td); return { href, text: x.text ? x.text.render(td) : href }; });
        const body = goJson({
          routing_key: routingKey, event_action: l === OK ? 'resolve' : 'trigger', dedup_key: ev.state.id,
          payload: {
            summary: ev.state.message, source: ev.data.tags['host'] ?? 'unknown', severity, timestamp: utcTime(ev.state.time, true),
            class: ev.data.taskName, component: '', group: '', custom_details: { result: resultJson(ev) },
          },
          images: null, links: rendered.length > 0 ? rendered : null, client: 'kapacitor', client_url: deps.clientUrl,
        }) + '\n';
        await send({ url: c.url, body, headers: { ...JSON_HEADERS, Accept: 'application/vnd.pagerduty+json;version=2' }, okStatuses: [200, 202] });
      },
    };
  },
};
void INFO;

export const telegramKind: HandlerKind = {
  goType: 'telegram.HandlerConfig',
  schema: { 'chat-id': 'string', 'parse-mode': 'string', 'disable-web-page-preview': 'bool', 'disable-notification': 'bool' },
  create(o, deps) {
    const c = deps.config.telegram;
    enabled('telegram', c.enabled);
    const chatId = (o['chat-id'] as string | undefined) || c.chatId;
    const parseMode = (o['parse-mode'] as string | undefined) || c.parseMode;
    if (parseMode !== '' && !['markdown', 'html'].includes(parseMode.toLowerCase())) {
      throw new Error(`parseMode ${parseMode} is not valid, please use 'Markdown' or 'HTML'`);
    }
    const noPreview = o['disable-web-page-preview'] === true || c.disableWebPagePreview;
    const noNotify = o['disable-notification'] === true || c.disableNotification;
    const u = new URL(c.url);
    // path.Join(u.Path + token, "sendMessage")
    u.pathname = (u.pathname + c.token + '/sendMessage').replace(/\/+/g, '/');
    const url = u.href;
    return {
      deliver: async (ev) => {
        const post: Record<string, unknown> = { chat_id: chatId };
        if (noNotify) post['disable_notification'] = true;
        if (noPreview) post['disable_web_page_preview'] = true;
        if (parseMode !== '') post['parse_mode'] = parseMode;
        post['text'] = ev.state.message;
        await send({ url, body: goJson(post) + '\n', headers: JSON_HEADERS, okStatuses: [200] });
      },
    };
  },
};
