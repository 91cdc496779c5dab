/**
 * DOT renderings of a task (SPEC 7.3): static (pipeline only, `pipeline/pipeline.go` Dot) and executing
 * (with stats, `task.go` EDot / `node.go` edot), in the attributes and labels views.
 */
import type { Pipeline } from '../tickscript/pipeline.ts';
import type { Node } from './node.ts';
import { formatGoDuration } from '../gocompat/duration.ts';

/**
 * Node ids in Kapacitor's walk order (`pipeline/pipeline.go` sort): depth-first from the sources (visited in
 * reverse creation order), children in creation order, post-order reversed. A linear chain comes out in
 * creation order; at a fork the later-created branch is listed first.
 */
export function sortedNodeIds(p: Pipeline): number[] {
  const done = new Uint8Array(p.nodes.length);
  const onStack = new Uint8Array(p.nodes.length);
  const post: number[] = [];
  const visit = (id: number): void => {
    if (onStack[id]) throw new Error('pipeline contains a cycle');
    if (done[id]) return;
    onStack[id] = 1;
    for (const c of [...p.nodes[id]!.children].sort((a, b) => a - b)) visit(c);
    onStack[id] = 0;
    done[id] = 1;
    post.push(id);
  };
  const sources = p.nodes.filter((n) => n.parents.length === 0).map((n) => n.id);
  for (let i = sources.length - 1; i >= 0; i--) visit(sources[i]!);
  return post.reverse();
}

/** Not-executing DOT: one `a -> b;` line per edge, no trailing newline after `}`. */
export function staticDot(taskId: string, pipeline: Pipeline): string {
  let s = 'digraph ' + taskId + ' {\n';
  for (const id of sortedNodeIds(pipeline)) {
    const n = pipeline.nodes[id]!;
    for (const c of [...n.children].sort((a, b) => a - b)) s += n.name + ' -> ' + pipeline.nodes[c]!.name + ';\n';
  }
  return s + '}';
}

/** The stats a node shows in DOT: avg_exec_time_ns as a Go duration, the rest as integers; sorted by key. */
function dotStats(n: Node): [string, string][] {
  const out: [string, string][] = [
    ['avg_exec_time_ns', formatGoDuration(BigInt(n.avgExecTimeNs))],
    ['errors', String(n.errors)],
    ['working_cardinality', String(n.workingCardinality())],
  ];
  for (const [k, c] of n.nodeCounters()) out.push([k, String(c.value)]);
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out;
}

/**
 * What executing DOT reads of a running task. Declared here rather than importing runtime/task.ts, which calls
 * executingDot: the two files would otherwise import each other.
 */
export interface DotTask {
  readonly id: string;
  readonly pipeline: Pipeline;
  readonly throughput: number;
  readonly nodes: readonly Node[];
}

/** Executing DOT (SPEC 7.3). `labels` selects the dot-view=labels rendering. */
export function executingDot(task: DotTask, labels: boolean): string {
  const unit = task.pipeline.type === 'batch' ? 'batches' : 'points';
  const tp = task.throughput.toFixed(2) + ' ' + unit + '/s';
  let s = 'digraph ' + task.id + ' {\n';
  s += labels
    ? 'graph [label="Throughput: ' + tp + '" forcelabels=true pad="0.8,0.5"];\n'
    : 'graph [throughput="' + tp + '"];\n';
  for (const id of sortedNodeIds(task.pipeline)) {
    const n = task.nodes[id]!;
    const stats = dotStats(n);
    if (labels) {
      // A literal backslash-r separates values: a right-justified line break in graphviz.
      s += '\n' + n.name + ' [xlabel="' + stats.map(([k, v]) => k + '=' + v).join('\\r') + '"];\n';
      for (const e of n.outs) s += n.name + ' -> ' + e.child.name + ' [label="processed=' + e.processed + '"];\n';
    } else {
      s += '\n' + n.name + ' [';
      for (const [k, v] of stats) s += k + '="' + v + '" ';
      s += '];\n';
      for (const e of n.outs) s += n.name + ' -> ' + e.child.name + ' [processed="' + e.processed + '"];\n';
    }
  }
  return s + '}';
}
