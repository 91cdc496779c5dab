/** groupBy dimension rules shared by groupBy, from and query (SPEC 3.9; pipeline/group_by.go validateDimensions). */
import { allCalls, lastCall, type PipelineNode, type TickValue } from '../pipeline.ts';

export function validateDimensions(n: PipelineNode, method: string | undefined, exclude?: readonly TickValue[]): string | undefined {
  const dims = method === undefined ? n.args : (lastCall(n, method) ?? []);
  let star = false;
  let named = false;
  for (const d of dims) {
    if (d.type === 'star') star = true;
    else if (d.type === 'string') {
      named = true;
      if (d.value === '') return 'dimensions cannot not be the empty string';
    } else if (d.type === 'timeDimension') named = true;
  }
  if (star && named) return "cannot group by both '*' and named dimensions.";
  if (exclude && exclude.length > 0 && !star) return "exclude requires '*'";
  return undefined;
}

export function excludes(n: PipelineNode): TickValue[] {
  return allCalls(n, 'exclude').flat();
}
