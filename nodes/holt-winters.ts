/**
 * The Holt-Winters forecaster behind `holtWinters(field, h, m, interval)` and `holtWintersWithFit(...)`: influxdb
 * 1.x `query.FloatHoltWintersReducer` with its Nelder-Mead optimizer (`query/neldermead`), as Kapacitor 1.8 runs
 * them. Reproduced step by step — including that evaluating the error function constrains the parameters and
 * rewrites the seasonal part of the vector it is given, and Go's integer powers (gocompat/math.ts) — so the
 * forecasts equal Kapacitor's. Semantics in docs/nodes.md.
 */
import { goPowInt } from '../gocompat/math.ts';

const HW_WEIGHT = 0.5;
const HW_EPSILON = 1.0e-4;
const GUESS_LOWER = 0.3;
const GUESS_UPPER = 1.0;
const GUESS_STEP = 0.4;

/** A forecast value and its time (ns). */
export interface Forecast { readonly time: bigint; readonly value: number }

export class HoltWinters {
  private readonly seasonal: boolean;
  private readonly halfInterval: bigint;
  private readonly points: { time: bigint; value: number }[] = [];
  private y: number[] = [];

  constructor(private readonly h: number, private readonly m: number, private readonly fit: boolean, private readonly interval: bigint) {
    if (interval <= 0n) throw new Error(`interval must be > 0, got ${interval}ns`);
    this.seasonal = m >= 2;
    this.halfInterval = interval / 2n;
  }

  add(time: bigint, value: number): void {
    this.points.push({ time, value });
  }

  /** Go int64 rounding to the interval (truncating division, as influxdb's roundTime). */
  private roundTime(t: bigint): bigint {
    const rem = t % this.interval;
    if (rem > this.halfInterval) return (t / this.interval + 1n) * this.interval;
    return (t / this.interval) * this.interval;
  }

  emit(): Forecast[] {
    const pts = this.points;
    const l = pts.length;
    if (l < 2 || (this.seasonal && l < this.m) || this.h <= 0) return [];
    const start = this.roundTime(pts[0]!.time);
    const stop = this.roundTime(pts[l - 1]!.time);
    if ((stop - start) / this.interval <= 0n) return [];
    const y: number[] = [pts[0]!.value];
    let t = start;
    for (let i = 1; i < l; i++) {
      const rounded = this.roundTime(pts[i]!.time);
      if (rounded <= t) continue; // same time bucket: dropped
      t += this.interval;
      while (rounded !== t) { y.push(NaN); t += this.interval; }
      y.push(pts[i]!.value);
    }
    this.y = y;
    const m = this.m;
    let l0 = 0;
    if (this.seasonal) {
      for (let i = 0; i < m; i++) if (!Number.isNaN(y[i]!)) l0 += (1 / m) * y[i]!;
    } else {
      l0 += HW_WEIGHT * y[0]!;
    }
    let b0 = 0;
    if (this.seasonal) {
      for (let i = 0; i < m && m + i < y.length; i++) {
        if (!Number.isNaN(y[i]!) && !Number.isNaN(y[m + i]!)) b0 += (1 / (m * m)) * (y[m + i]! - y[i]!);
      }
    } else if (!Number.isNaN(y[1]!)) {
      b0 = HW_WEIGHT * (y[1]! - y[0]!);
    }
    const s: number[] = [];
    if (this.seasonal) for (let i = 0; i < m; i++) s.push(Number.isNaN(y[i]!) ? 0 : y[i]! / l0);
    const params = new Array<number>(6 + s.length).fill(0);
    params[4] = l0;
    params[5] = b0;
    for (let i = 0; i < s.length; i++) params[6 + i] = s[i]!;

    let minSSE = Infinity;
    let best: number[] | undefined;
    const sse = (p: number[]): number => this.sse(p);
    for (let alpha = GUESS_LOWER; alpha < GUESS_UPPER; alpha += GUESS_STEP) {
      for (let beta = GUESS_LOWER; beta < GUESS_UPPER; beta += GUESS_STEP) {
        for (let gamma = GUESS_LOWER; gamma < GUESS_UPPER; gamma += GUESS_STEP) {
          for (let phi = GUESS_LOWER; phi < GUESS_UPPER; phi += GUESS_STEP) {
            params[0] = alpha; params[1] = beta; params[2] = gamma; params[3] = phi;
            const [e, p] = nelderMead(sse, params, HW_EPSILON, 1);
            if (e < minSSE || best === undefined) { minSSE = e; best = p; }
          }
        }
      }
    }
    const forecasted = this.forecast(this.h, best!);
    const out: Forecast[] = [];
    if (this.fit) {
      const first = pts[0]!.time;
      forecasted.forEach((v, i) => { if (!Number.isNaN(v)) out.push({ time: first + this.interval * BigInt(i), value: v }); });
    } else {
      const last = pts[l - 1]!.time;
      forecasted.slice(y.length).forEach((v, i) => { if (!Number.isNaN(v)) out.push({ time: last + this.interval * BigInt(i + 1), value: v }); });
    }
    return out;
  }

  /** Forecast h steps past the data (mutates params: constrained, seasonal ring buffer rewritten — as in Go). */
  private forecast(h: number, params: number[]): number[] {
    constrain(params);
    const y = this.y;
    let yT = y[0]!;
    const phi = params[3]!;
    let phiH = phi;
    let lT = params[4]!;
    let bT = params[5]!;
    let m = 0;
    let so = 0;
    if (this.seasonal) {
      m = params.length - 6;
      if (m === 1) params[6] = 1;
      so = m - 1;
    }
    const n = y.length + h;
    const forecasted = new Array<number>(n);
    forecasted[0] = yT;
    let stm = 1;
    let stmh = 1;
    const alpha = params[0]!;
    const beta = params[1]!;
    const gamma = params[2]!;
    for (let t = 1; t < n; t++) {
      if (this.seasonal) {
        const hm = t % m;
        stm = params[6 + ((t - m + so) % m)]!;
        stmh = params[6 + ((t - m + hm + so) % m)]!;
      }
      const lTp = lT;
      const bTp = bT;
      lT = alpha * (yT / stm) + (1 - alpha) * (lTp + phi * bTp);
      bT = beta * (lT - lTp) + (1 - beta) * phi * bTp;
      const sT = gamma * (yT / (lTp + phi * bTp)) + (1 - gamma) * stm;
      yT = (lT + phiH * bT) * stmh;
      phiH += goPowInt(phi, t);
      if (this.seasonal) {
        params[6 + ((t + so) % m)] = sT;
        so++;
      }
      forecasted[t] = yT;
    }
    return forecasted;
  }

  private sse(params: number[]): number {
    let sse = 0;
    const f = this.forecast(0, params);
    const y = this.y;
    for (let i = 0; i < f.length; i++) {
      if (Number.isNaN(y[i]!)) continue;
      if (Number.isNaN(f[i]!)) return Infinity;
      const d = f[i]! - y[i]!;
      sse += d * d;
    }
    return sse;
  }
}

function constrain(x: number[]): void {
  for (let i = 0; i < 4; i++) {
    if (x[i]! > 1) x[i] = 1;
    if (x[i]! < 0) x[i] = 0;
  }
}

const NM_MAX_ITERATIONS = 1000;
const NM_ALPHA = 1.0; // reflection
const NM_BETA = 0.5; // contraction
const NM_GAMMA = 2.0; // expansion

/**
 * influxdb query/neldermead Optimizer.Optimize (after Michael F. Hutt's implementation): minimise `f` from `start`;
 * returns the minimum and the vertex (copied before the final evaluation, which may rewrite the vertex).
 */
export function nelderMead(f: (x: number[]) => number, start: readonly number[], epsilon: number, scale: number): [number, number[]] {
  const n = start.length;
  const v: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(n).fill(0));
  const fv = new Array<number>(n + 1).fill(0);
  const vr = new Array<number>(n).fill(0);
  const ve = new Array<number>(n).fill(0);
  const vc = new Array<number>(n).fill(0);
  const vm = new Array<number>(n).fill(0);
  const pn = (scale * (Math.sqrt(n + 1) - 1 + n)) / (n * Math.sqrt(2));
  const qn = (scale * (Math.sqrt(n + 1) - 1)) / (n * Math.sqrt(2));
  for (let i = 0; i < n; i++) v[0]![i] = start[i]!;
  for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) v[i]![j] = (i - 1 === j ? pn : qn) + start[j]!;
  for (let j = 0; j <= n; j++) fv[j] = f(v[j]!);

  for (let itr = 1; itr <= NM_MAX_ITERATIONS; itr++) {
    let vg = 0;
    let vs = 0;
    for (let i = 0; i <= n; i++) {
      if (fv[i]! > fv[vg]!) vg = i;
      if (fv[i]! < fv[vs]!) vs = i;
    }
    let vh = vs;
    for (let i = 0; i <= n; i++) if (fv[i]! > fv[vh]! && fv[i]! < fv[vg]!) vh = i;
    for (let i = 0; i <= n - 1; i++) {
      let cent = 0;
      for (let k = 0; k <= n; k++) if (k !== vg) cent += v[k]![i]!;
      vm[i] = cent / n;
    }
    for (let i = 0; i <= n - 1; i++) vr[i] = vm[i]! + NM_ALPHA * (vm[i]! - v[vg]![i]!);
    const fr = f(vr);
    if (fr < fv[vh]! && fr >= fv[vs]!) {
      for (let i = 0; i <= n - 1; i++) v[vg]![i] = vr[i]!;
      fv[vg] = fr;
    }
    if (fr < fv[vs]!) {
      for (let i = 0; i <= n - 1; i++) ve[i] = vm[i]! + NM_GAMMA * (vr[i]! - vm[i]!);
      const fe = f(ve);
      if (fe < fr) {
        for (let i = 0; i <= n - 1; i++) v[vg]![i] = ve[i]!;
        fv[vg] = fe;
      } else {
        for (let i = 0; i <= n - 1; i++) v[vg]![i] = vr[i]!;
        fv[vg] = fr;
      }
    }
    if (fr >= fv[vh]!) {
      if (fr < fv[vg]! && fr >= fv[vh]!) {
        for (let i = 0; i <= n - 1; i++) vc[i] = vm[i]! + NM_BETA * (vr[i]! - vm[i]!);
      } else {
        for (let i = 0; i <= n - 1; i++) vc[i] = vm[i]! - NM_BETA * (vm[i]! - v[vg]![i]!);
      }
      const fc = f(vc);
      if (fc < fv[vg]!) {
        for (let i = 0; i <= n - 1; i++) v[vg]![i] = vc[i]!;
        fv[vg] = fc;
      } else {
        for (let row = 0; row <= n; row++) {
          if (row === vs) continue;
          for (let i = 0; i <= n - 1; i++) v[row]![i] = v[vs]![i]! + (v[row]![i]! - v[vs]![i]!) / 2.0;
        }
        fv[vg] = f(v[vg]!);
        fv[vh] = f(v[vh]!);
      }
    }
    let fsum = 0;
    for (let i = 0; i <= n; i++) fsum += fv[i]!;
    const favg = fsum / (n + 1);
    let s = 0;
    for (let i = 0; i <= n; i++) s += goPowInt(fv[i]! - favg, 2) / n;
    s = Math.sqrt(s);
    if (s < epsilon) break;
  }
  let vs = 0;
  for (let i = 0; i <= n; i++) if (fv[i]! < fv[vs]!) vs = i;
  const params = v[vs]!.slice();
  const min = f(v[vs]!);
  return [min, params];
}
