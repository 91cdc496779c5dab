/**
 * Node kind → factory. Each nodes/<kind>.ts calls registerNode() at module load; nodes/index.ts imports every
 * node file once, so adding a node kind = one new file + one import line in nodes/index.ts.
 * The kind is the pipeline's chaining-method name (PipelineNode.kind: 'from', 'groupBy', 'k8sAutoscale', …).
 */
import type { NodeFactory } from '../runtime/node.ts';

const factories = new Map<string, NodeFactory>();

export function registerNode(kind: string, factory: NodeFactory): void {
  if (factories.has(kind)) throw new Error(`node kind "${kind}" registered twice`);
  factories.set(kind, factory);
}

export function nodeFactory(kind: string): NodeFactory | undefined {
  return factories.get(kind);
}

export function registeredKinds(): string[] {
  return [...factories.keys()].sort();
}
