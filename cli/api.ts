/** The API calls the CLI commands make, shaped like Kapacitor's client/v1 (same paths, parameters, paging). */
import { Client, CliError, type Query } from './client.ts';
import type { DebugVarsJson, TaskJson, TemplateJson } from './format.ts';
import type { DecisionsJson } from './format-decisions.ts';

const V1 = '/kapacitor/v1';
const PAGE = 100;

export const taskPath = (id: string): string => `${V1}/tasks/${id}`;
export const templatePath = (id: string): string => `${V1}/templates/${id}`;

/**
 * GET a task as `show` does, for `define`: undefined when it does not exist or the GET fails in any way. Errors
 * are ignored as Kapacitor's CLI ignores them (SPEC 6.2): the create that follows reports the real problem.
 */
export async function getTask(c: Client, id: string): Promise<TaskJson | undefined> {
  return getIgnoringErrors<TaskJson>(c, taskPath(id), [['dot-view', 'attributes'], ['replay-id', ''], ['script-format', 'formatted']]);
}

/** The JSON object at `path` on a 200, else undefined (transport errors and unparseable bodies included). */
async function getIgnoringErrors<T>(c: Client, path: string, query: Query): Promise<T | undefined> {
  let res;
  try {
    res = await c.request('GET', path, { query });
  } catch (e) {
    if (e instanceof CliError) return undefined;
    throw e;
  }
  if (res.status !== 200) return undefined;
  try {
    const v: unknown = JSON.parse(res.body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The newest `limit` autoscale decisions of a task; undefined when the server has no such endpoint. */
export async function lastDecisions(c: Client, id: string, limit: number): Promise<DecisionsJson | undefined> {
  // every reason but `unchanged`: the table shows what moved or was held back, not the steady state
  const reasons = ['scaled', 'cooldown', 'tolerance', 'stabilization', 'rate-limit', 'override', 'error'].map((r): [string, string] => ['reason', r]);
  const d = await getIgnoringErrors<DecisionsJson>(c, `${taskPath(id)}/autoscale/decisions`, [['limit', String(limit)], ...reasons]);
  return d && Array.isArray(d.decisions) ? d : undefined;
}

export async function showTask(c: Client, id: string): Promise<TaskJson> {
  return c.json<TaskJson>('GET', taskPath(id), { query: [['dot-view', 'attributes'], ['replay-id', ''], ['script-format', 'formatted']] });
}

/** Every task matching `pattern`, fetched in pages of 100 like the real CLI. */
export async function listTasks(c: Client, pattern: string, fields: string[]): Promise<TaskJson[]> {
  const out: TaskJson[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const query: Query = [['dot-view', 'attributes'], ...fields.map((f): [string, string] => ['fields', f]),
      ['limit', String(PAGE)], ['offset', String(offset)], ['pattern', pattern], ['replay-id', ''], ['script-format', 'formatted']];
    const page = await c.json<{ tasks: TaskJson[] | null }>('GET', `${V1}/tasks`, { query });
    const tasks = page.tasks ?? [];
    out.push(...tasks);
    if (tasks.length < PAGE) return out;
  }
}

export async function listTemplates(c: Client, pattern: string, fields: string[]): Promise<TemplateJson[]> {
  const out: TemplateJson[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const query: Query = [...fields.map((f): [string, string] => ['fields', f]), ['limit', String(PAGE)], ['offset', String(offset)],
      ['pattern', pattern], ['script-format', 'formatted']];
    const page = await c.json<{ templates: TemplateJson[] | null }>('GET', `${V1}/templates`, { query });
    const list = page.templates ?? [];
    out.push(...list);
    if (list.length < PAGE) return out;
  }
}

/** GET a template for `define-template`; errors are ignored as for getTask. */
export async function getTemplate(c: Client, id: string): Promise<TemplateJson | undefined> {
  return getIgnoringErrors<TemplateJson>(c, templatePath(id), [['script-format', 'formatted']]);
}

export async function showTemplate(c: Client, id: string): Promise<TemplateJson> {
  return c.json<TemplateJson>('GET', templatePath(id), { query: [['script-format', 'formatted']] });
}

export async function debugVarsRaw(c: Client): Promise<string> {
  return (await c.call('GET', `${V1}/debug/vars`)).body;
}

export async function debugVars(c: Client): Promise<DebugVarsJson> {
  const raw = await debugVarsRaw(c);
  try {
    return JSON.parse(raw) as DebugVarsJson;
  } catch {
    throw new CliError(`invalid response: code 200: body: ${raw}`);
  }
}

export function hrefOf(t: { id: string; link?: { href: string } }, fallback: (id: string) => string): string {
  return t.link?.href ?? fallback(t.id);
}
