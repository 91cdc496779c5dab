/**
 * Test agent `movingAvg` (stream → stream): options field(string), size(int), as(string). Per group it keeps the
 * last `size` values of `field` (float or int) and, once it has `size` of them, answers every point with one point:
 * same name/db/rp/group/dimensions/tags/time, fields = { <as>: mean as double } plus every int field of the input
 * copied unchanged (so tests can see int64 values cross the protocol exactly).
 */
import type { Response, UdfPoint } from '../../../udf/messages.ts';
import { optionMap, runStdio, type Agent } from './kit.ts';

export function movingAvgAgent(): Agent {
  let field = '';
  let size = 0;
  let as = 'avg';
  const windows = new Map<string, number[]>();
  return {
    info: () => ({ wants: 'stream', provides: 'stream', options: { field: ['STRING'], size: ['INT'], as: ['STRING'] } }),
    init(r) {
      const o = optionMap(r);
      field = String(o.get('field')?.[0] ?? '');
      size = Number(o.get('size')?.[0] ?? 0n);
      as = String(o.get('as')?.[0] ?? 'avg');
      if (field === '') return 'must supply field';
      if (size < 1) return `size must be >= 1, got ${size}`;
      return '';
    },
    point(p: UdfPoint, send: (r: Response) => void) {
      const v = p.fieldsDouble[field] ?? (p.fieldsInt[field] !== undefined ? Number(p.fieldsInt[field]) : undefined);
      if (v === undefined) return;
      let w = windows.get(p.group);
      if (!w) { w = []; windows.set(p.group, w); }
      w.push(v);
      if (w.length > size) w.shift();
      if (w.length < size) return;
      let sum = 0;
      for (const x of w) sum += x;
      send({ kind: 'point', point: { ...p, fieldsDouble: { [as]: sum / size }, fieldsInt: { ...p.fieldsInt }, fieldsString: {}, fieldsBool: {} } });
    },
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) runStdio(movingAvgAgent());
