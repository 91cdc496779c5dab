// The seed pipeline against a small reference model written directly from SPEC 3.6 (stream sum), 3.7
// (movingAverage) and 3.8 (derivative, 1.8 semantics), on random input with out-of-order arrivals, duplicate
// seconds and counter resets (Appendix A "consequences worth testing").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { captured } from '../helpers/runtime/capture.ts';
import type { Point } from '../../model/point.ts';

interface In { host: string; rs: string; sec: number; value: number }

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** Random input: 5 hosts over 2 replicasets, ~1 line per host and second, with jitter, repeats and resets. */
function input(seed: number, seconds: number): In[] {
  const rnd = lcg(seed);
  const hosts = ['h0', 'h1', 'h2', 'h3', 'h4'];
  const counter = new Map<string, number>();
  const out: In[] = [];
  for (let sec = 0; sec < seconds; sec++) {
    const batch: In[] = [];
    for (const h of hosts) {
      if (rnd() < 0.1) continue; // missed second
      let c = (counter.get(h) ?? 0) + Math.floor(rnd() * 200);
      if (rnd() < 0.03) c = Math.floor(rnd() * 10); // restart: counter reset
      counter.set(h, c);
      const s = rnd() < 0.05 ? sec - 1 : sec; // late or duplicate second
      batch.push({ host: h, rs: h === 'h0' || h === 'h1' ? 'a' : 'b', sec: Math.max(0, s), value: c });
    }
    if (rnd() < 0.2) batch.reverse();
    out.push(...batch);
  }
  return out;
}

/** SPEC 3.8 + 3.9 + 3.6 + 3.7 as plain code. */
function reference(points: In[], n: number) {
  const prev = new Map<string, { sec: number; value: number }>();
  const ctx = new Map<string, { sec: number; sum: number }>();
  const window = new Map<string, number[]>();
  const sums: [string, number, number][] = [];
  const avgs: [string, number, number][] = [];
  for (const p of points) {
    const key = p.host + p.rs;
    const pr = prev.get(key);
    prev.set(key, { sec: p.sec, value: p.value }); // numeric value: current always becomes previous
    if (!pr || p.sec === pr.sec || p.value - pr.value < 0) continue;
    const rate = (p.value - pr.value) / (p.sec - pr.sec);
    const c = ctx.get(p.rs);
    if (c && c.sec !== p.sec) {
      sums.push([p.rs, c.sec, c.sum]);
      const w = window.get(p.rs) ?? [];
      w.push(c.sum);
      if (w.length > n) w.shift();
      window.set(p.rs, w);
      if (w.length === n) avgs.push([p.rs, c.sec, w.reduce((a, b) => a + b, 0) / n]);
    }
    if (!c || c.sec !== p.sec) ctx.set(p.rs, { sec: p.sec, sum: rate });
    else c.sum += rate;
  }
  return { sums, avgs };
}

for (const seed of [1, 2, 3]) {
  test(`seed pipeline equals the reference model (random input, seed ${seed})`, (t) => {
    const N = 5;
    const b = new PipelineBuilder();
    const sum = b.stream()
      .chain('from').prop('measurement', 'requests').prop('groupBy', 'host', 'replicaset').prop('truncate', dur(1_000_000_000n))
      .chain('derivative', 'value').prop('as', 'rps').prop('unit', dur(1_000_000_000n)).prop('nonNegative')
      .chain('groupBy', 'replicaset')
      .chain('sum', 'rps').prop('as', 'total');
    const sumCap = sum.chain('testCapture');
    const avgCap = sum.chain('movingAverage', 'total', BigInt(N)).prop('as', 'avg').chain('testCapture');
    const h = startTask(b.build());
    t.after(() => h.stop());
    const pts = input(seed, 120);
    // one write per 7 lines: write boundaries must not matter
    for (let i = 0; i < pts.length; i += 7) {
      h.write(pts.slice(i, i + 7).map((p) => `requests,host=${p.host},replicaset=${p.rs} value=${p.value}i ${p.sec}`), 's');
    }
    const ref = reference(pts, N);
    const sec = (p: Point) => Number(p.time / 1_000_000_000n);
    const gotSums = (captured(h.task, sumCap.name) as Point[]).map((p) => [p.tags['replicaset'], sec(p), p.fields['total']]);
    assert.deepEqual(gotSums, ref.sums);
    const gotAvgs = (captured(h.task, avgCap.name) as Point[]).map((p) => [p.tags['replicaset'], sec(p), p.fields['avg'] as number]);
    assert.equal(gotAvgs.length, ref.avgs.length);
    gotAvgs.forEach((g, i) => {
      const r = ref.avgs[i]!;
      assert.deepEqual(g.slice(0, 2), r.slice(0, 2));
      // Go's running sum (sum -= old; sum += new) may differ from a fresh sum in the last bits
      assert.ok(Math.abs((g[2] as number) - r[2]) <= 1e-9 * Math.max(1, Math.abs(r[2])), `avg #${i}: ${g[2]} vs ${r[2]}`);
    });
    assert.ok(ref.sums.length > 100 && ref.avgs.length > 50, 'the input exercises the pipeline');
  });
}
