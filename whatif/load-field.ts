/**
 * Which field is the load a what-if replay measures capacity against: the one the user names, else the first
 * field the k8sAutoscale node's replicas lambda reads (the seed's `avg_requests_per_second`).
 */
import type { Pipeline } from '../tickscript/pipeline.ts';
import { lastCall } from '../tickscript/pipeline.ts';

export function autoscaleNodes(p: Pipeline): Pipeline['nodes'][number][] {
  return p.nodes.filter((n) => n.kind === 'k8sAutoscale');
}

/** The first `"reference"` in the replicas lambda of the first k8sAutoscale node, or undefined. */
export function defaultLoadField(p: Pipeline): string | undefined {
  for (const n of autoscaleNodes(p)) {
    const args = lastCall(n, 'replicas');
    const v = args?.[0];
    if (v?.type !== 'lambda') continue;
    const found = firstReference(v.value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Depth-first, left to right: the AST's own field order is the source order. */
function firstReference(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const o = node as Record<string, unknown>;
  if (o['kind'] === 'reference' && typeof o['name'] === 'string') return o['name'];
  for (const v of Object.values(o)) {
    if (Array.isArray(v)) {
      for (const x of v) {
        const r = firstReference(x);
        if (r !== undefined) return r;
      }
    } else if (v !== null && typeof v === 'object') {
      const r = firstReference(v);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}
