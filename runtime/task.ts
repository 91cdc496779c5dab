/**
 * A running task: the node instances of a Pipeline wired as a DAG, its stats, DOT and httpOut endpoints.
 * Built by TaskMaster.startTask; fed by the router through `feed`.
 */
import type { DBRP, EdgeType, Pipeline, PipelineNode } from '../tickscript/pipeline.ts';
import { prop } from '../tickscript/pipeline.ts';
import { Edge, type Node, type NodeContext } from './node.ts';
import type { Point } from '../model/point.ts';
import { systemClock, type ClockTimer } from './clock.ts';
import type { EndpointSource, Logger, RuntimeServices, TimingOptions } from './services.ts';
import { executingDot } from './dot.ts';
import { isAutoscaleView, type AutoscaleView } from '../autoscale/view.ts';
import type { NodeRegistry } from './node-registry.ts';
import { SnapshotUnsupported, isSnapshottable, type SnapshotValue } from './snapshot.ts';

export interface RunningTask {
  readonly id: string;
  /** executing DOT (SPEC 7.3) */
  dot(view?: 'attributes' | 'labels'): string;
  /** SPEC 5.3 */
  stats(): { 'task-stats': { throughput: number }; 'node-stats': Record<string, Record<string, number>> };
  /** last error ('' if none) */
  readonly error: string;
  /** the task's autoscale nodes (decisions API, metrics) */
  autoscalers(): readonly AutoscaleView[];
  /** the node instances and their out-edges' counts (the `nodes` and `edges` statistics of /debug/vars) */
  graph(): readonly TaskNodeView[];
}

/** One node instance of a running task, as statistics see it. */
export interface TaskNodeView {
  readonly name: string;
  /** the edge type the node emits: stream or batch */
  readonly provides: EdgeType;
  /** one entry per child, in wiring order: points (stream) or batches (batch) passed on that edge */
  readonly outs: readonly { readonly child: string; readonly processed: number }[];
}

/** Points per source delivery. */
const FEED_CHUNK = Number(process.env['TICKSTREAM_FEED_CHUNK'] ?? 256);

export interface TaskOptions {
  readonly logger: Logger;
  readonly services: RuntimeServices;
  readonly timing: TimingOptions;
  /** the node kinds this task may use (TaskMasterOptions.nodes) */
  readonly nodes: NodeRegistry;
}

export class Task implements RunningTask {
  readonly id: string;
  readonly pipeline: Pipeline;
  readonly dbrps: readonly DBRP[];
  /** node instances indexed by pipeline node id */
  readonly nodes: Node[] = [];
  /** measurements this task's `from` nodes select; null = every measurement of its dbrps (SPEC 3.3) */
  readonly measurements: readonly string[] | null;
  /** points the router collected for this task during one write (reused between writes) */
  readonly pending: Point[] = [];
  error = '';
  throughput = 0;

  private readonly source: Node;
  private readonly input: Edge;
  private readonly endpoints = new Map<string, EndpointSource>();
  private readonly log: Logger;
  private lastCollected = 0;
  private throughputTimer: ClockTimer | undefined;

  constructor(id: string, pipeline: Pipeline, dbrps: readonly DBRP[], opts: TaskOptions) {
    this.id = id;
    this.pipeline = pipeline;
    this.dbrps = dbrps;
    this.log = opts.logger.child({ task: id });
    validateShape(pipeline);
    const hooks = {
      registerEndpoint: (endpoint: string, src: EndpointSource): void => {
        if (this.endpoints.has(endpoint)) throw new Error(`duplicate httpOut endpoint "${endpoint}" in task ${id}`);
        this.endpoints.set(endpoint, src);
      },
      watchGroups: (nodeId: number) => {
        const n = this.nodes[nodeId];
        if (!n) throw new Error(`task ${id}: stats() cannot watch node ${nodeId}: it does not exist yet`);
        return (n.groupEmitted ??= new Map());
      },
      dbrps,
      fail: (node: string, message: string): void => {
        if (this.error !== '') return;
        this.error = `${node}: ${message}`;
        this.log.error({ node, err: message }, 'node failed');
      },
    };
    try {
      for (const def of pipeline.nodes) {
        const factory = opts.nodes.factory(def.kind);
        if (!factory) throw new Error(`node "${def.kind}" is not supported yet`);
        const ctx: NodeContext = { taskId: id, def, logger: this.log, services: opts.services, timing: opts.timing, task: hooks };
        this.nodes.push(factory(ctx));
      }
    } catch (err) {
      for (const n of this.nodes) n.stop();
      throw err;
    }
    // Wire edges: children in creation order (SPEC 7.1).
    for (const def of pipeline.nodes) {
      const parent = this.nodes[def.id]!;
      for (const cid of [...def.children].sort((a, b) => a - b)) {
        const child = this.nodes[cid]!;
        const e = new Edge(parent, child);
        parent.outs.push(e);
        child.ins.push(e);
      }
    }
    const src = pipeline.nodes.find((n) => n.parents.length === 0 && (n.kind === 'stream' || n.kind === 'batch'));
    this.source = this.nodes[src!.id]!;
    this.input = new Edge(null, this.source);
    this.source.ins.push(this.input);
    this.measurements = fromMeasurements(pipeline);
    // the points/s of the task's DOT, sampled each wall second on the injected clock (runtime/clock.ts)
    this.throughputTimer = (opts.services.clock ?? systemClock).setInterval(() => this.sampleThroughput(), 1000);
  }

  /** Deliver routed points (in order) to the source node; returns after they went through the DAG. */
  feed(points: readonly Point[]): void {
    const n = points.length;
    if (n === 0) return;
    this.input.processed += n;
    try {
      if (n <= FEED_CHUNK) {
        this.source.receive(points, n, n, this.input);
      } else {
        // Chunks keep few intermediate points alive at once (each node's output array lives until its children are
        // done), so young-generation GC copies little. Per-edge order is unchanged: each chunk completes first.
        for (let i = 0; i < n; i += FEED_CHUNK) {
          const chunk = points.slice(i, Math.min(n, i + FEED_CHUNK));
          this.source.receive(chunk, chunk.length, chunk.length, this.input);
        }
      }
    } catch (err) {
      // Node handlers never throw out of receive(); this is a runtime bug. Keep the server and other tasks going.
      this.error = err instanceof Error ? err.message : String(err);
      this.log.error({ err }, 'task failed while processing points');
    }
  }

  /**
   * The state of every node with its statistics (runtime/snapshot.ts). Throws SnapshotUnsupported naming the
   * first node that cannot save its state: a task is restored whole or not at all.
   */
  snapshot(): SnapshotValue {
    const nodes: SnapshotValue[] = [];
    for (const n of this.nodes) {
      if (!isSnapshottable(n)) throw new SnapshotUnsupported(`node ${n.name}: ${n.def.kind} has no snapshot support`);
      let state: SnapshotValue;
      try {
        state = n.snapshot();
      } catch (err) {
        throw new SnapshotUnsupported(`node ${n.name}: ${(err as Error).message}`);
      }
      nodes.push([state, n.statsSnapshot()]);
    }
    return [this.input.processed, nodes];
  }

  /** Rebuild the state of `snapshot()` into this freshly started task (before it received any point). */
  restore(s: SnapshotValue): void {
    const [input, nodes] = s as unknown as [number, [SnapshotValue, SnapshotValue][]];
    if (!Array.isArray(nodes) || nodes.length !== this.nodes.length) {
      throw new Error(`task ${this.id}: snapshot has ${Array.isArray(nodes) ? nodes.length : 0} nodes, the task ${this.nodes.length}`);
    }
    this.nodes.forEach((n, i) => {
      if (!isSnapshottable(n)) throw new SnapshotUnsupported(`node ${n.name}: ${n.def.kind} has no snapshot support`);
      const [state, stats] = nodes[i]!;
      n.restore(state);
      n.restoreStats(stats);
    });
    this.input.processed = input;
    this.lastCollected = this.source.collected;
  }

  autoscalers(): readonly AutoscaleView[] {
    const out: AutoscaleView[] = [];
    for (const n of this.nodes) if (isAutoscaleView(n)) out.push(n);
    return out;
  }

  graph(): readonly TaskNodeView[] {
    return this.nodes.map((n) => ({
      name: n.name, provides: n.def.provides, outs: n.outs.map((e) => ({ child: e.child.name, processed: e.processed })),
    }));
  }

  endpointNames(): string[] {
    return [...this.endpoints.keys()];
  }

  endpoint(name: string): EndpointSource | undefined {
    return this.endpoints.get(name);
  }

  dot(view: 'attributes' | 'labels' = 'attributes'): string {
    return executingDot(this, view === 'labels');
  }

  stats(): { 'task-stats': { throughput: number }; 'node-stats': Record<string, Record<string, number>> } {
    const nodeStats: Record<string, Record<string, number>> = {};
    for (const n of this.nodes) nodeStats[n.name] = nodeStatValues(n, true);
    return { 'task-stats': { throughput: this.throughput }, 'node-stats': nodeStats };
  }

  stop(): void {
    this.throughputTimer?.cancel();
    this.throughputTimer = undefined;
    for (const n of this.nodes) {
      try { n.stop(); } catch (err) { this.log.error({ node: n.name, err }, 'error stopping node'); }
      n.releaseGroupState();
    }
    this.endpoints.clear();
  }

  /** SPEC 7.2: source collected now − one second ago. */
  private sampleThroughput(): void {
    const c = this.source.collected;
    this.throughput = c - this.lastCollected;
    this.lastCollected = c;
  }
}

/**
 * A node's statistics: avg_exec_time_ns, errors, working_cardinality and its own counters; with `flow` also
 * collected and emitted (task JSON node-stats, SPEC 7.2). Keys sorted.
 */
export function nodeStatValues(n: Node, flow: boolean): Record<string, number> {
  const v: Record<string, number> = {
    avg_exec_time_ns: n.avgExecTimeNs,
    errors: n.errors,
    working_cardinality: n.workingCardinality(),
  };
  if (flow) { v['collected'] = n.collected; v['emitted'] = n.emitted; }
  for (const [k, c] of n.nodeCounters()) v[k] = c.value;
  const sorted: Record<string, number> = {};
  for (const k of Object.keys(v).sort()) sorted[k] = v[k]!;
  return sorted;
}

function validateShape(p: Pipeline): void {
  if (p.nodes.length === 0) throw new Error('pipeline has no nodes');
  p.nodes.forEach((n, i) => {
    if (n.id !== i) throw new Error(`pipeline node ${n.name} has id ${n.id}, expected ${i}`);
  });
  const sources = p.nodes.filter((n) => n.parents.length === 0 && (n.kind === 'stream' || n.kind === 'batch'));
  if (sources.length === 0) throw new Error('pipeline has no stream or batch source node');
  if (sources.length > 1) throw new Error('pipeline has more than one stream/batch source node');
  for (const n of p.nodes) {
    for (const cid of n.children) {
      const c = p.nodes[cid];
      if (!c) throw new Error(`pipeline node ${n.name} has unknown child ${cid}`);
      // node.go addChild
      if (n.provides !== c.wants) {
        throw new Error(`cannot add child mismatched edges: ${n.name}:${n.provides} -> ${c.name}:${c.wants}`);
      }
    }
  }
}

export function fromMeasurements(p: Pipeline): readonly string[] | null {
  const out = new Set<string>();
  let any = false;
  for (const n of p.nodes as readonly PipelineNode[]) {
    if (n.kind !== 'from') continue;
    any = true;
    const m = prop<string>(n, 'measurement', '');
    if (m === '') return null;
    out.add(m);
  }
  // A stream task without any from() receives nothing useful; routing everything to it would only cost.
  return any ? [...out] : [];
}
