/**
 * Test agent `outliers` (batch → batch): options field(string), scale(double). For each batch it finds the first
 * and third quartiles of `field` (q1 = median of the lower half, q3 = median of the upper half, the middle value
 * of an odd count in neither half) and answers with a batch of the points outside
 * [q1 − scale·IQR, q3 + scale·IQR], unchanged (tags, all fields, time), under the same name/group/tags/tmax.
 */
import type { BeginBatch, EndBatch, Response, UdfPoint } from '../../../udf/messages.ts';
import { optionMap, runStdio, type Agent } from './kit.ts';

function median(xs: readonly number[]): number {
  const n = xs.length;
  return n % 2 === 1 ? xs[(n - 1) / 2]! : (xs[n / 2 - 1]! + xs[n / 2]!) / 2;
}

export function outliersAgent(): Agent {
  let field = '';
  let scale = 1.5;
  let begin: BeginBatch | undefined;
  let points: UdfPoint[] = [];
  const value = (p: UdfPoint): number => p.fieldsDouble[field] ?? Number(p.fieldsInt[field] ?? NaN);
  return {
    info: () => ({ wants: 'batch', provides: 'batch', options: { field: ['STRING'], scale: ['DOUBLE'] } }),
    init(r) {
      const o = optionMap(r);
      field = String(o.get('field')?.[0] ?? '');
      scale = Number(o.get('scale')?.[0] ?? 1.5);
      return field === '' ? 'must supply field' : '';
    },
    begin(b) { begin = b; points = []; },
    point(p) { points.push(p); },
    end(e: EndBatch, send: (r: Response) => void) {
      const vs = points.map(value).sort((a, b) => a - b);
      const half = Math.floor(vs.length / 2);
      const q1 = median(vs.slice(0, half));
      const q3 = median(vs.slice(vs.length - half));
      const lo = q1 - scale * (q3 - q1);
      const hi = q3 + scale * (q3 - q1);
      const out = points.filter((p) => value(p) < lo || value(p) > hi);
      send({ kind: 'begin', begin: { ...begin!, size: BigInt(out.length) } });
      for (const p of out) send({ kind: 'point', point: p });
      send({ kind: 'end', end: e });
    },
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) runStdio(outliersAgent());
