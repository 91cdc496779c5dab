/**
 * The CLI commands (SPEC 6.2–6.6), each sending the same requests as Kapacitor 1.8's CLI (Appendix D).
 * A command returns normally on success; errors are CliError (exit 2 usage errors, 3 failures).
 */
import { formatDecisions, SHOW_DECISIONS } from './format-decisions.ts';
import type { Client } from './client.ts';
import { CliError } from './client.ts';
import {
  debugVars, debugVarsRaw, getTask, getTemplate, hrefOf, lastDecisions, listTasks, listTemplates, showTask, showTemplate,
  taskPath, templatePath,
} from './api.ts';
import {
  formatShow, formatShowTemplate, formatStatsGeneral, formatStatsIngress, formatTaskList, formatTemplateList,
  type DBRPJson, type TaskJson, type TemplateJson, type VarJson,
} from './format.ts';
import { collect, parseFlags, UsageError } from './flags.ts';
import { parseDBRP, readTaskFile, readText, readVarsFile, type TaskFile } from './inputs.ts';
import { USAGES } from './usage.ts';
import { versionLine } from './version.ts';
import { deleteTopicHandlers, deleteTopics, listTopicHandlersCmd, listTopicsCmd } from './topics.ts';
import { deleteMatching, listRecordings, listReplays } from './recordings.ts';
import type { Ctx } from './context.ts';

export type { Ctx, Io } from './context.ts';

export { UsageError };

function checkType(t: string | undefined): 'stream' | 'batch' | undefined {
  if (t === undefined || t === '') return undefined;
  if (t !== 'stream' && t !== 'batch') throw new UsageError(`invalid value ${JSON.stringify(t)} for flag -type: must be stream or batch`, 'define');
  return t;
}

// ---- define / define-template --------------------------------------------------------------------------

/** Arguments counted as the real CLI counts them: `-flag=value` is a pair, boolean flags count for nothing. */
function idPlusPairs(args: readonly string[], ...booleans: string[]): number {
  let n = 0;
  for (const a of args) {
    const m = /^--?([A-Za-z][\w-]*)(=.*)?$/s.exec(a);
    if (m && booleans.includes(m[1]!)) continue;
    n += m && m[2] !== undefined ? 2 : 1;
  }
  return n;
}

interface DefineOpts { tick?: string; type?: string; dbrp: string[]; template?: string; vars?: string; file?: string; reload: boolean }

export async function define(args: string[], ctx: Ctx): Promise<void> {
  // id + flag/value pairs: an even count means the id is missing (SPEC 6.2); -no-reload takes no value
  if (idPlusPairs(args, 'no-reload') % 2 === 0) throw new UsageError('Must provide a task ID.', 'define');
  const { opts, args: pos } = parseFlags<DefineOpts>('define', args, (c) => c
    .option('--tick <path>').option('--type <type>').option('--dbrp <db.rp>', '', collect, [])
    .option('--template <id>').option('--vars <path>').option('--file <path>').option('--no-reload'));
  if (pos.length !== 1) throw new UsageError(pos.length === 0 ? 'Must provide a task ID.' : `unexpected arguments: ${pos.slice(1).join(' ')}`, 'define');
  const id = pos[0]!;
  const type = checkType(opts.type);
  let dbrps: DBRPJson[] = [];
  try {
    dbrps = opts.dbrp.map(parseDBRP);
  } catch (e) {
    throw new UsageError(`invalid value for flag -dbrp: ${(e as Error).message}`, 'define');
  }
  const file: TaskFile = opts.file ? readTaskFile(opts.file) : {};
  const script = opts.tick !== undefined ? readText(opts.tick, 'tick file') : undefined;
  const vars: Record<string, VarJson> | undefined = opts.vars ? readVarsFile(opts.vars) : file.vars;
  const templateId = opts.template ?? file.templateId;
  if (dbrps.length === 0 && file.dbrps) dbrps = file.dbrps;

  const c = ctx.client();
  const existing = await getTask(c, id);
  // fields in Go's CreateTaskOptions/UpdateTaskOptions order, empty ones omitted (omitempty)
  const body: Record<string, unknown> = {};
  if (!existing) body['id'] = id;
  if (templateId) body['template-id'] = templateId;
  if (type) body['type'] = type;
  if (dbrps.length > 0) body['dbrps'] = dbrps;
  if (script !== undefined) body['script'] = script;
  if (!existing) body['status'] = 'disabled';
  if (vars) body['vars'] = vars;
  if (!existing) {
    await c.call('POST', '/kapacitor/v1/tasks', { body });
    return;
  }
  const href = hrefOf(existing, taskPath);
  await c.call('PATCH', href, { body });
  if (existing.status === 'enabled' && opts.reload) {
    await c.call('PATCH', href, { body: { status: 'disabled' } });
    await c.call('PATCH', href, { body: { status: 'enabled' } });
  }
}

export async function defineTemplate(args: string[], ctx: Ctx): Promise<void> {
  if (idPlusPairs(args) % 2 === 0) throw new UsageError('Must provide a template ID.', 'define-template');
  const { opts, args: pos } = parseFlags<{ tick?: string; type?: string }>('define-template', args, (c) => c
    .option('--tick <path>').option('--type <type>'));
  if (pos.length !== 1) throw new UsageError('Must provide a template ID.', 'define-template');
  const id = pos[0]!;
  const type = checkType(opts.type);
  const script = opts.tick !== undefined ? readText(opts.tick, 'tick file') : undefined;
  const c = ctx.client();
  const existing = await getTemplate(c, id);
  const body: Record<string, unknown> = {};
  if (!existing) body['id'] = id;
  if (type) body['type'] = type;
  if (script !== undefined) body['script'] = script;
  if (!existing) await c.call('POST', '/kapacitor/v1/templates', { body });
  else await c.call('PATCH', hrefOf(existing, templatePath), { body });
}

// ---- enable / disable / reload / delete ----------------------------------------------------------------

async function eachTask(ctx: Ctx, patterns: string[], fn: (t: TaskJson, href: string) => Promise<void>): Promise<void> {
  const c = ctx.client();
  for (const pattern of patterns) {
    for (const t of await listTasks(c, pattern, ['link'])) await fn(t, hrefOf(t, taskPath));
  }
}

async function setStatus(ctx: Ctx, href: string, id: string, status: 'enabled' | 'disabled'): Promise<void> {
  try {
    await ctx.client().call('PATCH', href, { body: { status } });
  } catch (e) {
    throw new CliError(`${status === 'enabled' ? 'enabling' : 'disabling'} task ${id}: ${(e as Error).message}`);
  }
}

export async function enable(args: string[], ctx: Ctx): Promise<void> {
  if (args.length < 1) throw new UsageError('Must pass at least one task ID', 'enable');
  await eachTask(ctx, args, (t, href) => setStatus(ctx, href, t.id, 'enabled'));
}

export async function disable(args: string[], ctx: Ctx): Promise<void> {
  if (args.length < 1) throw new UsageError('Must pass at least one task ID', 'disable');
  await eachTask(ctx, args, (t, href) => setStatus(ctx, href, t.id, 'disabled'));
}

export async function reload(args: string[], ctx: Ctx): Promise<void> {
  if (args.length < 1) throw new UsageError('Must pass at least one task ID', 'reload');
  await eachTask(ctx, args, async (t, href) => {
    await setStatus(ctx, href, t.id, 'disabled');
    await setStatus(ctx, href, t.id, 'enabled');
  });
}

const DELETE_KINDS = ['tasks', 'templates', 'recordings', 'replays', 'topics', 'topic-handlers'];

export async function del(args: string[], ctx: Ctx): Promise<void> {
  if (args.length < 2) throw new UsageError('Must pass at least one ID', 'delete');
  const [kind, ...patterns] = args as [string, ...string[]];
  const c = ctx.client();
  if (kind === 'tasks') {
    for (const p of patterns) for (const t of await listTasks(c, p, ['link'])) await c.call('DELETE', hrefOf(t, taskPath));
  } else if (kind === 'templates') {
    for (const p of patterns) for (const t of await listTemplates(c, p, ['link'])) await c.call('DELETE', hrefOf(t, templatePath));
  } else if (kind === 'topics') {
    await deleteTopics(patterns, ctx);
  } else if (kind === 'topic-handlers') {
    await deleteTopicHandlers(patterns, ctx);
  } else if (kind === 'recordings' || kind === 'replays') {
    await deleteMatching(c, kind, patterns);
  } else if (DELETE_KINDS.includes(kind)) {
    throw new CliError(`deleting ${kind} is not supported by tickstream (no ${kind} API)`);
  } else {
    throw new CliError(`cannot delete '${kind}' did you mean 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'?`);
  }
}

// ---- list / show ---------------------------------------------------------------------------------------

export async function list(args: string[], ctx: Ctx): Promise<void> {
  if (args.length < 1) throw new UsageError("Must specify 'tasks', 'templates', 'recordings', 'replays', 'topics', or 'topic-handlers'", 'list');
  const [kind, ...rest] = args as [string, ...string[]];
  const patterns = rest.length ? rest : [''];
  const c = ctx.client();
  if (kind === 'tasks') {
    const seen = new Map<string, TaskJson>();
    for (const p of patterns) for (const t of await listTasks(c, p, ['type', 'status', 'executing', 'dbrps'])) seen.set(t.id, t);
    ctx.io.out(formatTaskList([...seen.values()]));
  } else if (kind === 'templates') {
    const seen = new Map<string, TemplateJson>();
    for (const p of patterns) for (const t of await listTemplates(c, p, ['type', 'vars'])) seen.set(t.id, t);
    ctx.io.out(formatTemplateList([...seen.values()]));
  } else if (kind === 'recordings') {
    ctx.io.out(await listRecordings(c, patterns));
  } else if (kind === 'replays') {
    ctx.io.out(await listReplays(c, patterns));
  } else if (kind === 'topics') {
    await listTopicsCmd(patterns, ctx);
  } else if (kind === 'topic-handlers') {
    await listTopicHandlersCmd(patterns, ctx);
  } else {
    throw new CliError(`cannot list '${kind}' did you mean 'tasks', 'templates', 'recordings', 'replays', 'topics' or 'topic-handlers'?`);
  }
}

export async function show(args: string[], ctx: Ctx): Promise<void> {
  const { opts, args: pos } = parseFlags<{ replay?: string }>('show', args, (c) => c.option('--replay <id>'));
  // tickstream: with -replay the task ID may be left out (the replay's task is shown)
  if (pos.length > 1 || (pos.length === 0 && !opts.replay)) throw new UsageError('Must specify one task ID', 'show');
  const c = ctx.client();
  const id = pos[0] ?? await replayTask(c, opts.replay!);
  const t = opts.replay
    ? await c.json<TaskJson>('GET', taskPath(id), { query: [['dot-view', 'attributes'], ['replay-id', opts.replay], ['script-format', 'formatted']] })
    : await showTask(c, id);
  let out = formatShow(t);
  // tickstream: the last scaling decisions of tasks that autoscale (a server without the endpoint prints none)
  if (!opts.replay && (t.dot ?? '').includes('_autoscale')) {
    const d = await lastDecisions(c, id, SHOW_DECISIONS);
    if (d) out += formatDecisions(d);
  }
  ctx.io.out(out);
}

/** The task of a replay (GET /replays/<id>: 202 while it runs, 200 once done). */
async function replayTask(c: Client, replayId: string): Promise<string> {
  const res = await c.call('GET', `/kapacitor/v1/replays/${encodeURIComponent(replayId)}`, { okStatuses: [200, 202] });
  try {
    return (JSON.parse(res.body) as { task: string }).task;
  } catch {
    throw new CliError(`invalid response: code ${res.status}: body: ${res.body}`);
  }
}

export async function showTemplateCmd(args: string[], ctx: Ctx): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must specify one template ID', 'show-template');
  ctx.io.out(formatShowTemplate(await showTemplate(ctx.client(), args[0]!)));
}

// ---- stats / vars / version / level --------------------------------------------------------------------

export async function stats(args: string[], ctx: Ctx): Promise<void> {
  if (args.length < 1) {
    ctx.io.err(USAGES['stats']!);
    throw new CliError('must provide a stats category');
  }
  if (args[0] === 'general') ctx.io.out(formatStatsGeneral(await debugVars(ctx.client())));
  else if (args[0] === 'ingress') ctx.io.out(formatStatsIngress(await debugVars(ctx.client())));
  // an unknown category prints nothing (SPEC 6.6)
}

export async function vars(_args: string[], ctx: Ctx): Promise<void> {
  ctx.io.out(await debugVarsRaw(ctx.client()));
}

export async function version(_args: string[], ctx: Ctx): Promise<void> {
  ctx.io.out(versionLine() + '\n');
}

export async function level(args: string[], ctx: Ctx): Promise<void> {
  if (args.length !== 1) throw new UsageError('Must pass a log level', 'level');
  await ctx.client().call('POST', '/kapacitor/v1/loglevel', { body: { level: args[0] } });
}
