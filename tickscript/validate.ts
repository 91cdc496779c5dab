/** Node validation at define time (Kapacitor `pipeline.Walk(validate)`): messages have no position (SPEC 2.7). */
import { TickscriptError } from './errors.ts';
import { CATALOG, K8S_KINDS } from './catalog/index.ts';
import type { Pipeline } from './pipeline.ts';

export function validatePipeline(p: Pipeline): void {
  for (const n of p.nodes) {
    const spec = CATALOG.get(n.kind);
    const msg = spec?.validate?.(n);
    if (msg !== undefined) throw new TickscriptError(msg, { hint: hintFor(n.kind, msg) });
  }
}

function hintFor(kind: string, msg: string): string | undefined {
  if (kind === 'k8sAutoscale' && msg.startsWith('invalid Kind')) return `tickstream accepts ${K8S_KINDS.join(', ')}`;
  if (msg.startsWith('must specify same number of expressions')) return "give each lambda a name: .as('name1', 'name2', …)";
  if (msg.startsWith('window node must have')) return 'e.g. |window().period(1m).every(1m)';
  return undefined;
}
