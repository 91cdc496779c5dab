/**
 * Node kind → factory, handed to the runtime by whoever creates a TaskMaster.
 *
 * Why a value and not a module the runtime imports: runtime/ sits below nodes/ (docs/ARCHITECTURE.md). The runtime
 * only needs "a factory for kind X"; nodes/index.ts fills `builtinNodes` with every node file, and the server (and
 * the other composers: what-if, `kapacitor test`, benchmarks, tests) pass it in. The kind is the pipeline's
 * chaining-method name (PipelineNode.kind: 'from', 'groupBy', 'k8sAutoscale', …).
 */
import type { NodeFactory } from './node.ts';

export class NodeRegistry {
  private readonly factories = new Map<string, NodeFactory>();

  register(kind: string, factory: NodeFactory): void {
    if (this.factories.has(kind)) throw new Error(`node kind "${kind}" registered twice`);
    this.factories.set(kind, factory);
  }

  factory(kind: string): NodeFactory | undefined {
    return this.factories.get(kind);
  }

  kinds(): string[] {
    return [...this.factories.keys()].sort();
  }
}
