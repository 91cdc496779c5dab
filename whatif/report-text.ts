/**
 * The terminal table of a what-if report: one row per resource and task, tasks of a comparison next to each
 * other under each resource, so the cost (pod-seconds) and the shortfall (under-provisioned time) of two policies
 * read side by side.
 */
import type { WhatIfJSON } from './report-json.ts';

const HEAD = ['Resource', 'Task', 'Changes', 'Max', 'Min', 'Final', 'Pod-seconds', 'Under-provisioned', 'Cooldown drops', 'Held by policy'];

function pct(part: number, whole: number): string {
  return whole > 0 ? ` (${(part / whole * 100).toFixed(1)}%)` : '';
}

export function formatWhatIf(r: WhatIfJSON): string {
  const o = r.options;
  let out = '';
  for (const t of r.tasks) {
    out += `Task ${t.task}: ${t.points} points replayed; load field "${t['load-field']}"\n`;
  }
  out += `Simulated cluster: ${o['initial-replicas']} initial replicas, pod capacity ${o['pod-capacity']}, pod start-up ${o.startup}\n`;
  const rows: string[][] = [];
  const resources = [...new Set(r.tasks.flatMap((t) => t.resources.map((x) => x.resource)))].sort();
  for (const res of resources) {
    for (const t of r.tasks) {
      const x = t.resources.find((y) => y.resource === res);
      if (!x) {
        rows.push([res, t.task, '-', '-', '-', '-', '-', '-', '-', '-']);
        continue;
      }
      const held = (x.reasons['tolerance'] ?? 0) + (x.reasons['stabilization'] ?? 0) + (x.reasons['rate-limit'] ?? 0);
      rows.push([
        res, t.task, String(x.changes), String(x['max-replicas']), String(x['min-replicas']), String(x['final-replicas']),
        x['pod-seconds'].toFixed(0), `${x['under-provisioned-seconds'].toFixed(0)}s${pct(x['under-provisioned-seconds'], x['span-seconds'])}`,
        String(x.reasons['cooldown'] ?? 0), String(held),
      ]);
    }
  }
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)) + 2);
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('').trimEnd() + '\n';
  out += line(HEAD);
  for (const row of rows) out += line(row);
  return out;
}
