/**
 * The partition tag when `[cluster] partition-tag` is empty (the default): derived from the enabled stream tasks
 * (docs/cluster.md "Partition tag"). A task can run per partition without changing its results only if every
 * group it ever forms lies inside one partition, i.e. if the partition tag is one of the tags of EVERY grouping in
 * the task (`from().groupBy(...)` and each `groupBy(...)` node). The tag is therefore one common to every grouping
 * of every task — the coarsest grouping they share (the tutorial's `groupBy('host', 'replicaset')` then
 * `groupBy('replicaset')` gives `replicaset`). `groupBy('*')` constrains nothing; a task without any grouping
 * combines all series of a measurement and computes per partition whatever the tag, so it is left out. Several
 * candidates: the first in sorted order; none: '' (points then partition by db, rp and measurement only).
 */
import { parseGroupByArgs } from '../../runtime/grouping.ts';
import { lastCall, plain, type Pipeline } from '../../tickscript/pipeline.ts';

/** The tag names of every grouping of one task (undefined: the task never groups by named tags). */
function groupings(p: Pipeline): string[][] {
  const out: string[][] = [];
  for (const n of p.nodes) {
    let args: readonly unknown[] | undefined;
    if (n.kind === 'from') args = lastCall(n, 'groupBy')?.map(plain);
    else if (n.kind === 'groupBy') args = n.args.map(plain);
    if (args === undefined) continue;
    let parsed: { star: boolean; names: string[] };
    try {
      parsed = parseGroupByArgs(args);
    } catch {
      continue; // the task does not start anyway
    }
    if (!parsed.star) out.push(parsed.names);
  }
  return out;
}

export function derivePartitionTag(pipelines: Iterable<Pipeline>): string {
  let common: Set<string> | undefined;
  for (const p of pipelines) {
    if (p.type !== 'stream') continue;
    for (const names of groupings(p)) {
      common = common === undefined ? new Set(names) : new Set(names.filter((t) => common!.has(t)));
    }
  }
  if (common === undefined || common.size === 0) return '';
  return [...common].sort()[0]!;
}
