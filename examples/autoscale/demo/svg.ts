/**
 * The whole run as one hand-written SVG: top panel offered QPS, served rate and per-replica rate with the
 * target line; bottom panel spec.replicas and ready replicas as step lines; a dashed vertical line per scaling
 * decision. Plain SVG 1.1, no scripts, readable in any browser.
 */
import type { Decision, DemoParameters, Sample } from './timeline.ts';

const W = 960;
const H = 650;
const LEFT = 70;
const RIGHT = 20;
const TOP1 = 72;
const H1 = 300;
const TOP2 = 440;
const H2 = 160;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A "nice" axis step (1, 2 or 5 × 10^k) giving about `ticks` intervals over [0, max]. */
export function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function polyline(points: [number, number][], color: string, extra = ''): string {
  if (points.length === 0) return '';
  const d = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  return `<polyline fill="none" stroke="${color}" stroke-width="1.8" ${extra}points="${d}"/>`;
}

/** Points of a step function: hold each value until the next sample. */
function steps(xs: number[], ys: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < xs.length; i++) {
    if (i > 0) out.push([xs[i]!, ys[i - 1]!]);
    out.push([xs[i]!, ys[i]!]);
  }
  return out;
}

export function renderSvg(samples: Sample[], decisions: Decision[], p: DemoParameters): string {
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const qMax = Math.max(p.target * 1.2, ...samples.map((s) => Math.max(s.offered, s.served, s.perReplica))) * 1.05;
  const rMax = Math.max(2, ...samples.map((s) => Math.max(s.desired, s.ready))) + 1;
  const x = (t: number): number => LEFT + ((W - LEFT - RIGHT) * t) / tMax;
  const y1 = (q: number): number => TOP1 + H1 - (H1 * q) / qMax;
  const y2 = (r: number): number => TOP2 + H2 - (H2 * r) / rMax;
  const xs = samples.map((s) => x(s.t));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${esc(`tickstream autoscale demo: ${p.kind}/app, target ${p.target} rps per replica`)}</text>`);
  out.push(`<text x="${LEFT}" y="38" fill="#555">${esc(`ramp +${p.step} QPS every ${p.intervalS}s to ${p.max}; moving average ${p.movingAvg}; cooldowns ${p.increaseCooldownS}s up, ${p.decreaseCooldownS}s down; ${decisions.length} scaling decisions`)}</text>`);

  // Grid and axes.
  const qStep = niceStep(qMax, 6);
  for (let q = 0; q <= qMax; q += qStep) {
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y1(q).toFixed(1)}" y2="${y1(q).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${LEFT - 6}" y="${(y1(q) + 4).toFixed(1)}" text-anchor="end">${q}</text>`);
  }
  const rStep = Math.max(1, niceStep(rMax, 5));
  for (let r = 0; r <= rMax; r += rStep) {
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y2(r).toFixed(1)}" y2="${y2(r).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${LEFT - 6}" y="${(y2(r) + 4).toFixed(1)}" text-anchor="end">${r}</text>`);
  }
  const tStep = niceStep(tMax, 10);
  for (let t = 0; t <= tMax; t += tStep) {
    out.push(`<text x="${x(t).toFixed(1)}" y="${TOP2 + H2 + 18}" text-anchor="middle">${t}s</text>`);
  }
  out.push(`<text x="18" y="${TOP1 + H1 / 2}" transform="rotate(-90 18 ${TOP1 + H1 / 2})" text-anchor="middle">requests per second</text>`);
  out.push(`<text x="18" y="${TOP2 + H2 / 2}" transform="rotate(-90 18 ${TOP2 + H2 / 2})" text-anchor="middle">replicas</text>`);
  for (const [top, h] of [[TOP1, H1], [TOP2, H2]] as const) {
    out.push(`<rect x="${LEFT}" y="${top}" width="${W - LEFT - RIGHT}" height="${h}" fill="none" stroke="#999"/>`);
  }

  // Decisions.
  for (const d of decisions) {
    const dx = x(d.t).toFixed(1);
    const color = d.direction === 'increase' ? '#d62728' : '#8c564b';
    out.push(`<line x1="${dx}" x2="${dx}" y1="${TOP1}" y2="${TOP2 + H2}" stroke="${color}" stroke-dasharray="4 3" stroke-width="1"><title>${esc(`${d.time}: ${d.old} -> ${d.new}`)}</title></line>`);
  }

  // Series.
  out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y1(p.target).toFixed(1)}" y2="${y1(p.target).toFixed(1)}" stroke="#7f7f7f" stroke-dasharray="6 4"/>`);
  out.push(polyline(steps(xs, samples.map((s) => y1(s.offered))), '#1f77b4'));
  out.push(polyline(samples.map((s, i) => [xs[i]!, y1(s.served)]), '#17becf', 'stroke-opacity="0.7" '));
  out.push(polyline(samples.map((s, i) => [xs[i]!, y1(s.perReplica)]), '#2ca02c'));
  out.push(polyline(steps(xs, samples.map((s) => y2(s.desired))), '#ff7f0e'));
  out.push(polyline(steps(xs, samples.map((s) => y2(s.ready))), '#9467bd', 'stroke-dasharray="3 2" '));

  // Legends.
  const legend = (items: [string, string][], top: number): void => {
    let lx = LEFT;
    for (const [label, color] of items) {
      out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${top - 8}" y2="${top - 8}" stroke="${color}" stroke-width="2"/>`);
      out.push(`<text x="${lx + 22}" y="${top - 4}">${esc(label)}</text>`);
      lx += 32 + label.length * 6.5;
    }
  };
  legend([['offered QPS', '#1f77b4'], ['served rps', '#17becf'], ['per replica rps', '#2ca02c'], [`target ${p.target}`, '#7f7f7f']], TOP1);
  legend([['spec.replicas', '#ff7f0e'], ['ready', '#9467bd'], ['increase', '#d62728'], ['decrease', '#8c564b']], TOP2);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
