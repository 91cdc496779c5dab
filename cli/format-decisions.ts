/**
 * `kapacitor show <task>`: the "Last decisions" table printed after the DOT for tasks with an autoscale node
 * (tickstream only; Kapacitor's CLI does not ask for it). One row per decision record, oldest first.
 */
import { padRight } from './gofmt.ts';

export interface DecisionJson {
  node: string;
  time: string;
  resource: string;
  current: number;
  recommended: number | null;
  final: number;
  reason: string;
  'adjusted-by'?: string;
  error?: string;
  actuation?: { status: string; attempts: number; error?: string; cluster?: number };
}

export interface DecisionsJson {
  decisions: DecisionJson[];
}

/** How many decisions `show` prints. */
export const SHOW_DECISIONS = 10;

export function formatDecisions(d: DecisionsJson): string {
  if (d.decisions.length === 0) return '';
  const rows = d.decisions.map((r) => [
    r.time, r.node, r.resource, String(r.current), r.recommended === null ? '-' : String(r.recommended), String(r.final),
    r.reason + (r['adjusted-by'] ? ` (${r['adjusted-by']})` : ''), actuation(r),
  ]);
  const head = ['Time', 'Node', 'Resource', 'Current', 'Wanted', 'Final', 'Reason', 'Actuation'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)) + 2);
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : padRight(c, widths[i]!))).join('').trimEnd() + '\n';
  let out = 'Last decisions:\n' + line(head);
  for (const r of rows) out += line(r);
  return out;
}

function actuation(r: DecisionJson): string {
  if (r.reason === 'error') return r.error ?? '';
  const a = r.actuation;
  if (!a) return '';
  let s = a.status;
  if (a.cluster !== undefined) s += ` (cluster had ${a.cluster})`;
  if (a.attempts > 1) s += `, ${a.attempts} attempts`;
  if (a.error && a.status !== 'applied') s += `: ${a.error}`;
  return s;
}
