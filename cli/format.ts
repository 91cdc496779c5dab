/**
 * The text the CLI prints, byte for byte as Kapacitor 1.8's CLI prints it (SPEC 6.4–6.6, Appendix D):
 * `list tasks`, `list templates`, `show`, `show-template`, `stats general`, `stats ingress`.
 */
import { formatGoDuration } from '../gocompat/duration.ts';
import { goValue, padLeft, padRight, rfc822 } from './gofmt.ts';
import { goFloat, goQuote } from '../gocompat/format.ts';

export interface DBRPJson { db: string; rp: string }
export interface VarJson { type: string; value: unknown; description?: string }

export interface TaskJson {
  id: string;
  'template-id'?: string;
  type?: string;
  dbrps?: DBRPJson[] | null;
  script?: string;
  vars?: Record<string, VarJson> | null;
  dot?: string;
  status?: string;
  executing?: boolean;
  error?: string;
  created?: string;
  modified?: string;
  'last-enabled'?: string;
  link?: { rel: string; href: string };
}

export interface TemplateJson {
  id: string;
  type?: string;
  script?: string;
  vars?: Record<string, VarJson> | null;
  dot?: string;
  error?: string;
  created?: string;
  modified?: string;
  link?: { rel: string; href: string };
}

/** `["db"."rp" "db2"."rp2"]`: Go printing a []DBRP whose String() is `%q.%q`. */
export function formatDBRPs(dbrps: readonly DBRPJson[] | null | undefined): string {
  return '[' + (dbrps ?? []).map((d) => `${goQuote(d.db)}.${goQuote(d.rp)}`).join(' ') + ']';
}

function idWidth(ids: readonly string[]): number {
  let max = 2; // len("ID")
  for (const id of ids) max = Math.max(max, Array.from(id).length);
  return max + 1;
}

/** SPEC 6.4 (1.8 layout). Rows sorted by ID. */
export function formatTaskList(tasks: readonly TaskJson[]): string {
  const sorted = [...tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const w = idWidth(sorted.map((t) => t.id));
  const row = (id: string, type: string, status: string, exec: string, dbrps: string): string =>
    padRight(id, w) + padRight(type, 10) + padRight(status, 10) + padRight(exec, 10) + dbrps + '\n';
  let out = row('ID', 'Type', 'Status', 'Executing', 'Databases and Retention Policies');
  for (const t of sorted) out += row(t.id, t.type ?? '', t.status ?? '', String(t.executing ?? false), formatDBRPs(t.dbrps));
  return out;
}

/** `list templates`: ID (longest + 1), Type (10), the var names comma-separated (40). */
export function formatTemplateList(templates: readonly TemplateJson[]): string {
  const sorted = [...templates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const w = idWidth(sorted.map((t) => t.id));
  const row = (id: string, type: string, vars: string): string => padRight(id, w) + padRight(type, 10) + padRight(vars, 40) + '\n';
  let out = row('ID', 'Type', 'Vars');
  for (const t of sorted) out += row(t.id, t.type ?? '', Object.keys(t.vars ?? {}).sort().join(','));
  return out;
}

/**
 * A var's value as the CLI prints it. The Go client decodes a var by its type (client/v1 `Var`), so `%v` shows an
 * int64 as an integer, a duration as time.Duration (`1m0s`), a float64 in Go's %v (`100`, `1.5e+07`); lists
 * print as `[a, *]`, stars as `*`.
 */
export function formatVarValue(v: VarJson): string {
  switch (v.type) {
    case 'star': return '*';
    case 'list':
      if (!Array.isArray(v.value)) return goValue(v.value);
      return '[' + (v.value as VarJson[]).map((e) => (e && typeof e === 'object' && 'type' in e ? formatVarValue(e) : goValue(e))).join(', ') + ']';
    case 'int':
      return typeof v.value === 'number' && Number.isInteger(v.value) ? BigInt(v.value).toString() : goValue(v.value);
    case 'duration':
      if (typeof v.value === 'number' && Number.isInteger(v.value)) return formatGoDuration(BigInt(v.value));
      return goValue(v.value);
    default:
      return typeof v.value === 'number' ? goFloat(v.value) : goValue(v.value);
  }
}

/** SPEC 6.5 / Appendix D. */
export function formatShow(t: TaskJson): string {
  let out = '';
  const line = (label: string, value: string): void => { out += `${label} ${value}\n`; };
  line('ID:', t.id);
  line('Error:', t.error ?? '');
  line('Template:', t['template-id'] ?? '');
  line('Type:', t.type ?? '');
  line('Status:', t.status ?? '');
  line('Executing:', String(t.executing ?? false));
  line('Created:', rfc822(t.created ?? ''));
  line('Modified:', rfc822(t.modified ?? ''));
  line('LastEnabled:', rfc822(t['last-enabled'] ?? ''));
  line('Databases Retention Policies:', formatDBRPs(t.dbrps));
  out += 'TICKscript:\n' + (t.script ?? '') + '\n';
  const vars = t.vars ?? {};
  const names = Object.keys(vars).sort();
  if (names.length > 0) {
    out += 'Vars:\n';
    out += padRight('Name', 30) + padRight('Type', 10) + padRight('Value', 40) + '\n';
    for (const n of names) out += padRight(n, 30) + padRight(vars[n]!.type, 10) + padRight(formatVarValue(vars[n]!), 40) + '\n';
  }
  out += 'DOT:\n' + (t.dot ?? '') + '\n';
  return out;
}

/** `show-template`: header lines, script, declared vars with defaults and descriptions, DOT. */
export function formatShowTemplate(t: TemplateJson): string {
  let out = '';
  const line = (label: string, value: string): void => { out += `${label} ${value}\n`; };
  line('ID:', t.id);
  line('Error:', t.error ?? '');
  line('Type:', t.type ?? '');
  line('Created:', rfc822(t.created ?? ''));
  line('Modified:', rfc822(t.modified ?? ''));
  out += 'TICKscript:\n' + (t.script ?? '') + '\n';
  const vars = t.vars ?? {};
  const names = Object.keys(vars).sort();
  if (names.length > 0) {
    out += 'Vars:\n';
    out += padRight('Name', 30) + padRight('Type', 10) + padRight('Default Value', 40) + 'Description\n';
    for (const n of names) {
      const v = vars[n]!;
      const value = v.value === null || v.value === undefined ? (v.type === 'star' ? '*' : '<required>') : formatVarValue(v);
      out += padRight(n, 30) + padRight(v.type, 10) + padRight(value, 40) + (v.description ?? '') + '\n';
    }
  }
  out += 'DOT:\n' + (t.dot ?? '') + '\n';
  return out;
}

export interface DebugVarsJson {
  cluster_id?: string;
  server_id?: string;
  host?: string;
  num_tasks?: number;
  num_enabled_tasks?: number;
  num_subscriptions?: number;
  platform?: string;
  version?: string;
  cluster_instance?: string;
  cluster_partitions?: number[];
  cluster_members?: string[];
  kapacitor?: Record<string, { name?: string; tags?: Record<string, string>; values?: Record<string, unknown> }>;
}

/** SPEC 6.6: label and value each left-justified to 30. */
export function formatStatsGeneral(v: DebugVarsJson): string {
  const row = (label: string, value: unknown): string => padRight(label, 30) + padRight(typeof value === 'number' ? goFloat(value) : String(value ?? ''), 30) + '\n';
  return row('ClusterID:', v.cluster_id) + row('ServerID:', v.server_id) + row('Host:', v.host) +
    row('Tasks:', v.num_tasks ?? 0) + row('Enabled Tasks:', v.num_enabled_tasks ?? 0) +
    row('Subscriptions:', v.num_subscriptions ?? 0) + row('Platform:', v.platform) + row('Version:', v.version) +
    // tickstream with [cluster] enabled (docs/cluster.md)
    (v.cluster_instance === undefined ? '' : row('Cluster Instance:', v.cluster_instance) +
      row('Cluster Members:', (v.cluster_members ?? []).join(',')) + row('Partitions:', partitionList(v.cluster_partitions ?? [])));
}

/** `0-3,7,9-10` */
function partitionList(ps: readonly number[]): string {
  if (ps.length === 0) return 'none';
  const out: string[] = [];
  let start = ps[0]!;
  let prev = start;
  for (const p of [...ps.slice(1), NaN]) {
    if (p === prev + 1) { prev = p; continue; }
    out.push(start === prev ? String(start) : `${start}-${prev}`);
    start = p; prev = p;
  }
  return `${out.join(',')} (${ps.length})`;
}

/** SPEC 6.6 `stats ingress` (1.8 layout): entries of task master `main`, sorted by db, rp, measurement. */
export function formatStatsIngress(v: DebugVarsJson): string {
  const rows: [string, string, string, string][] = [];
  for (const s of Object.values(v.kapacitor ?? {})) {
    if (s.name !== 'ingress' || s.tags?.['task_master'] !== 'main') continue;
    const n = s.values?.['points_received'];
    // counts print as integers (a counter is an integer; see docs/cli.md on large numbers)
    const count = typeof n === 'number' ? (Number.isInteger(n) ? String(n) : goFloat(n)) : goValue(n);
    rows.push([s.tags['database'] ?? '', s.tags['retention_policy'] ?? '', s.tags['measurement'] ?? '', count]);
  }
  rows.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]) || cmp(a[2], b[2]));
  const width = (header: string, i: number): number => Math.max(header.length, ...rows.map((r) => Array.from(r[i]!).length)) + 1;
  const w0 = width('Database', 0); const w1 = width('Retention Policy', 1); const w2 = width('Measurement', 2);
  let out = padRight('Database', w0) + padRight('Retention Policy', w1) + padRight('Measurement', w2) + padLeft('Points Received', 15) + '\n';
  for (const r of rows) out += padRight(r[0], w0) + padRight(r[1], w1) + padRight(r[2], w2) + padLeft(r[3], 15) + '\n';
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
