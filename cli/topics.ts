/**
 * The alert topic verbs of Kapacitor 1.8's CLI (cmd/kapacitor/main.go): define-topic-handler, show-topic,
 * show-topic-handler, list topics, list topic-handlers, delete topics, delete topic-handlers — same requests,
 * same output layout (column widths from the longest value, Go's `%-Nv`).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseYaml } from './yaml.ts';
import { CliError, type Client } from './client.ts';
import { padLeft, padRight, rfc822 } from './gofmt.ts';
import { UsageError } from './flags.ts';
import type { Ctx } from './context.ts';

const TOPICS = '/kapacitor/v1/alerts/topics';
const enc = encodeURIComponent;

interface Link { rel: string; href: string }
interface TopicJson { link: Link; id: string; level: string; collected: number; 'events-link': Link; 'handlers-link': Link }
interface EventJson { id: string; state: { message: string; details: string; time: string; duration: string; level: string } }
interface HandlerJson { link: Link; id: string; kind: string; options: Record<string, unknown>; match: string }

const topicPath = (id: string): string => `${TOPICS}/${enc(id)}`;
const handlersPath = (topic: string): string => `${topicPath(topic)}/handlers`;
const handlerPath = (topic: string, id: string): string => `${handlersPath(topic)}/${enc(id)}`;

/** Go's len(): widths are computed on bytes, as Kapacitor's CLI does. */
const blen = (s: string): number => Buffer.byteLength(s, 'utf8');

async function listTopics(c: Client, pattern: string): Promise<TopicJson[]> {
  // Kapacitor's ListTopicsOptions: min-level defaults to OK; url.Values encode sorted by key
  return (await c.json<{ topics: TopicJson[] }>('GET', TOPICS, { query: [['min-level', 'OK'], ['pattern', pattern]] })).topics;
}

async function listHandlers(c: Client, topic: string, pattern: string): Promise<HandlerJson[]> {
  return (await c.json<{ handlers: HandlerJson[] }>('GET', handlersPath(topic), { query: [['pattern', pattern]] })).handlers;
}

/** Fields of client.TopicHandlerOptions read from a YAML or JSON file; a field of the wrong type is named. */
export function readHandlerFile(path: string): { topic: string; id: string; kind: string; options: Record<string, unknown>; match: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`failed to open handler spec file ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  const ext = extname(path);
  let v: unknown;
  if (ext === '.yaml' || ext === '.yml') {
    try {
      v = parseYaml(text);
    } catch (e) {
      throw new CliError(`failed to unmarshal yaml handler file ${JSON.stringify(path)}: ${(e as Error).message.split('\n')[0]}`);
    }
  } else if (ext === '.json') {
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new CliError(`failed to unmarshal json handler file ${JSON.stringify(path)}: ${(e as Error).message}`);
    }
  } else {
    throw new CliError(`handler file ${JSON.stringify(path)} must have a .yaml, .yml or .json extension`);
  }
  const what = ext === '.json' ? 'json' : 'yaml';
  const bad = (msg: string): never => { throw new CliError(`failed to unmarshal ${what} handler file ${JSON.stringify(path)}: ${msg}`); };
  if (v === null || v === undefined) v = {};
  if (typeof v !== 'object' || Array.isArray(v)) bad('the file must hold a mapping with topic, id, kind, options and match');
  const o = v as Record<string, unknown>;
  const str = (k: string): string => {
    const x = o[k];
    if (x === undefined || x === null) return '';
    if (typeof x !== 'string') bad(`field "${k}" must be a string, got ${JSON.stringify(x)}`);
    return x as string;
  };
  const opts = o['options'];
  if (opts !== undefined && opts !== null && (typeof opts !== 'object' || Array.isArray(opts))) bad(`field "options" must be a mapping, got ${JSON.stringify(opts)}`);
  return { topic: str('topic'), id: str('id'), kind: str('kind'), options: (opts ?? {}) as Record<string, unknown>, match: str('match') };
}

export async function defineTopicHandler(args: string[], ctx: Ctx): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must provide a path to a handler file.', 'define-topic-handler');
  const ho = readHandlerFile(args[0]!);
  if (ho.topic === '' || ho.id === '') throw new CliError(`handler file ${JSON.stringify(args[0])} must set both "topic" and "id"`);
  const c = ctx.client();
  const existing = await c.request('GET', handlerPath(ho.topic, ho.id));
  if (existing.status === 200) await c.call('PUT', handlerPath(ho.topic, ho.id), { body: ho });
  else await c.call('POST', handlersPath(ho.topic), { body: ho });
}

export async function showTopic(args: string[], ctx: Ctx): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must specify one topic ID', 'show-topic');
  const c = ctx.client();
  const topic = await c.json<TopicJson>('GET', topicPath(args[0]!));
  const te = await c.json<{ events: EventJson[] }>('GET', topic['events-link'].href, { query: [['min-level', 'OK']] });
  let maxEvent = 5; // len("Event")
  let maxMessage = 7; // len("Message")
  for (const e of te.events) {
    maxEvent = Math.max(maxEvent, blen(e.id));
    maxMessage = Math.max(maxMessage, blen(e.state.message));
  }
  // sorted by time (RFC3339 UTC strings of the server sort as times); the sort is stable
  const events = [...te.events].sort((a, b) => Date.parse(a.state.time) - Date.parse(b.state.time));
  const th = await c.json<{ handlers: HandlerJson[] }>('GET', topic['handlers-link'].href, { query: [['pattern', '']] });
  const row = (a: string, b: string, m: string, d: string): string =>
    padRight(a, maxEvent + 1) + padRight(b, 9) + padRight(m, maxMessage + 1) + padRight(d, 23) + '\n';
  let out = `ID: ${topic.id}\nLevel: ${topic.level}\nCollected: ${topic.collected}\n`;
  out += `Handlers: [${th.handlers.map((h) => h.id).join(', ')}]\nEvents:\n`;
  out += row('Event', 'Level', 'Message', 'Date');
  for (const e of events) out += row(e.id, e.state.level, e.state.message, rfc822(e.state.time));
  ctx.io.out(out);
}

/** json.Marshal of a map: compact, keys sorted at every depth, HTML-safe escapes. */
function goCompactJson(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (x === null || typeof x !== 'object') return x;
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) o[k] = sorted((x as Record<string, unknown>)[k]);
    return o;
  };
  return JSON.stringify(sorted(v)).replace(/[<>&\u2028\u2029]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

export async function showTopicHandler(args: string[], ctx: Ctx): Promise<void> {
  if (args.length !== 2) throw new UsageError('Must specify both topic and handler IDs', 'show-topic-handler');
  const [topic, id] = args as [string, string];
  const h = await ctx.client().json<HandlerJson>('GET', handlerPath(topic, id));
  ctx.io.out(`ID: ${h.id}\nTopic: ${topic}\nKind: ${h.kind}\nMatch: ${h.match}\nOptions: ${goCompactJson(h.options ?? null)}\n`);
}

export async function listTopicsCmd(patterns: string[], ctx: Ctx): Promise<void> {
  const c = ctx.client();
  let maxID = 2; // len("ID")
  let maxLevel = 8; // len("Level")
  const all: TopicJson[] = [];
  for (const p of patterns) {
    const topics = await listTopics(c, p);
    all.push(...topics);
    for (const t of topics) {
      maxID = Math.max(maxID, blen(t.id));
      maxLevel = Math.max(maxLevel, blen(t.level));
    }
  }
  const row = (id: string, level: string, collected: string): string => padRight(id, maxID + 1) + padRight(level, maxLevel + 1) + padLeft(collected, 10) + '\n';
  ctx.io.out(row('ID', 'Level', 'Collected') + all.map((t) => row(t.id, t.level, String(t.collected))).join(''));
}

export async function listTopicHandlersCmd(patterns: string[], ctx: Ctx): Promise<void> {
  const c = ctx.client();
  const topics = await listTopics(c, patterns[0] ?? '');
  const hp = patterns.slice(1);
  if (hp.length === 0) hp.push('');
  let maxTopic = 10;
  let maxID = 10;
  let maxKind = 10;
  const all: { topic: string; id: string; kind: string }[] = [];
  for (const t of topics) {
    for (const p of hp) {
      for (const h of await listHandlers(c, t.id, p)) {
        all.push({ topic: t.id, id: h.id, kind: h.kind });
        maxTopic = Math.max(maxTopic, blen(t.id));
        maxID = Math.max(maxID, blen(h.id));
        maxKind = Math.max(maxKind, blen(h.kind));
      }
    }
  }
  const row = (a: string, b: string, k: string): string => padRight(a, maxTopic + 1) + padRight(b, maxID + 1) + padRight(k, maxKind + 1) + '\n';
  ctx.io.out(row('Topic', 'ID', 'Kind') + all.map((h) => row(h.topic, h.id, h.kind)).join(''));
}

export async function deleteTopics(patterns: string[], ctx: Ctx): Promise<void> {
  const c = ctx.client();
  for (const p of patterns) for (const t of await listTopics(c, p)) await c.call('DELETE', t.link.href);
}

export async function deleteTopicHandlers(args: string[], ctx: Ctx): Promise<void> {
  const c = ctx.client();
  const [topic, ...patterns] = args as [string, ...string[]];
  for (const p of patterns) for (const h of await listHandlers(c, topic, p)) await c.call('DELETE', h.link.href);
}
