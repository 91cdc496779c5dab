/**
 * A what-if report as one self-contained HTML page (no script, no external resource): per resource and task a
 * summary and an SVG chart in data time — offered load, capacity (ready pods × pod capacity), and below it the
 * desired and ready replica counts with a marker per decision whose tooltip (<title>) gives time, change and
 * reason.
 */
import type { ResourceJSON, WhatIfJSON } from './report-json.ts';

const W = 900;
const H_LOAD = 220;
const H_REP = 140;
const PAD = 48;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function ms(rfc: string): number {
  return Date.parse(rfc);
}

function path(xs: number[], ys: number[], step: boolean): string {
  let d = '';
  for (let i = 0; i < xs.length; i++) {
    if (i === 0) d += `M${xs[0]!.toFixed(1)},${ys[0]!.toFixed(1)}`;
    else if (step) d += `H${xs[i]!.toFixed(1)}V${ys[i]!.toFixed(1)}`;
    else d += `L${xs[i]!.toFixed(1)},${ys[i]!.toFixed(1)}`;
  }
  return d;
}

function chart(x: ResourceJSON, capacity: number): string {
  const t = x.series.time.map(ms);
  if (t.length === 0) return '<p class="empty">no load samples reached the autoscale node</p>';
  const t0 = t[0]!;
  const t1 = Math.max(t[t.length - 1]!, t0 + 1);
  const sx = (v: number): number => PAD + (v - t0) / (t1 - t0) * (W - 2 * PAD);
  const cap = x.series.ready.map((r) => r * capacity);
  const maxLoad = Math.max(1, ...x.series.load, ...cap);
  const ly = (v: number): number => H_LOAD - PAD / 2 - v / maxLoad * (H_LOAD - PAD);
  const maxRep = Math.max(1, ...x.series.desired, ...x.series.ready);
  const ry = (v: number): number => H_REP - PAD / 2 - v / maxRep * (H_REP - PAD);
  const xs = t.map(sx);
  const markers = x.events.map((e) => {
    const cx = sx(ms(e.time));
    const label = `${e.time}: ${e.from} → ${e.to} (${e.reason}${e['adjusted-by'] ? `, ${e['adjusted-by']}` : ''})`;
    return `<circle class="decision" cx="${cx.toFixed(1)}" cy="${ry(e.to).toFixed(1)}" r="4"><title>${esc(label)}</title></circle>`;
  }).join('');
  return `
<svg class="chart load-chart" viewBox="0 0 ${W} ${H_LOAD}" width="${W}" height="${H_LOAD}" role="img" aria-label="offered load and capacity">
  <text x="${PAD}" y="14" class="axis">load (max ${maxLoad.toFixed(1)}) — offered load vs capacity (ready pods × ${capacity})</text>
  <line x1="${PAD}" y1="${ly(0)}" x2="${W - PAD}" y2="${ly(0)}" class="axis-line"/>
  <path class="load" d="${path(xs, x.series.load.map(ly), false)}"/>
  <path class="capacity" d="${path(xs, cap.map(ly), true)}"/>
</svg>
<svg class="chart replicas-chart" viewBox="0 0 ${W} ${H_REP}" width="${W}" height="${H_REP}" role="img" aria-label="replicas and decisions">
  <text x="${PAD}" y="14" class="axis">replicas (max ${maxRep}) — desired, ready, decisions</text>
  <line x1="${PAD}" y1="${ry(0)}" x2="${W - PAD}" y2="${ry(0)}" class="axis-line"/>
  <path class="desired" d="${path(xs, x.series.desired.map(ry), true)}"/>
  <path class="ready" d="${path(xs, x.series.ready.map(ry), true)}"/>
  ${markers}
  <text x="${PAD}" y="${H_REP - 4}" class="axis">${esc(x.series.time[0]!)}</text>
  <text x="${W - PAD}" y="${H_REP - 4}" class="axis" text-anchor="end">${esc(x.series.time[x.series.time.length - 1]!)}</text>
</svg>`;
}

export function whatIfHTML(r: WhatIfJSON): string {
  const o = r.options;
  const sections = r.tasks.map((t) => t.resources.map((x) => `
<section class="resource" data-task="${esc(t.task)}" data-resource="${esc(x.resource)}">
  <h2>${esc(t.task)} — ${esc(x.resource)}</h2>
  <table class="summary">
    <tr><th>changes</th><td>${x.changes}</td><th>pod-seconds</th><td>${x['pod-seconds'].toFixed(0)}</td></tr>
    <tr><th>replicas min / max / final</th><td>${x['min-replicas']} / ${x['max-replicas']} / ${x['final-replicas']}</td>
        <th>under-provisioned</th><td>${x['under-provisioned-seconds'].toFixed(0)} s of ${x['span-seconds'].toFixed(0)} s</td></tr>
    <tr><th>decisions</th><td colspan="3">${Object.entries(x.reasons).filter(([, n]) => n > 0).map(([k, n]) => `${esc(k)} ${n}`).join(', ')}</td></tr>
  </table>
  ${chart(x, o['pod-capacity'])}
</section>`).join('')).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tickstream what-if: ${esc(r.tasks.map((t) => t.task).join(' vs '))}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222 }
table.summary th { text-align: left; font-weight: normal; color: #666; padding-right: .5em }
table.summary td { padding-right: 2em }
svg.chart { display: block; margin: .5em 0 }
.axis { font-size: 11px; fill: #666 }
.axis-line { stroke: #ccc }
path { fill: none; stroke-width: 1.5 }
path.load { stroke: #d62728 }
path.capacity { stroke: #1f77b4 }
path.desired { stroke: #2ca02c }
path.ready { stroke: #9467bd; stroke-dasharray: 4 2 }
circle.decision { fill: #ff7f0e }
</style></head>
<body>
<h1>What-if replay</h1>
<p>Simulated cluster: ${o['initial-replicas']} initial replicas, pod capacity ${o['pod-capacity']}, pod start-up ${esc(o.startup)}.
Red: offered load; blue: capacity (ready pods × pod capacity); green: desired replicas; purple dashed: ready replicas; orange: decisions (hover for the reason).</p>
${sections}
</body></html>
`;
}
