/**
 * The built-in node registry. Each nodes/<kind>.ts calls registerNode() at module load; nodes/index.ts imports every
 * node file once, so adding a node kind = one new file + one import line in nodes/index.ts. The runtime never
 * imports this: TaskMaster receives `builtinNodes` from its creator (runtime/node-registry.ts says why).
 */
import type { NodeFactory } from '../runtime/node.ts';
import { NodeRegistry } from '../runtime/node-registry.ts';

export const builtinNodes = new NodeRegistry();

export function registerNode(kind: string, factory: NodeFactory): void {
  builtinNodes.register(kind, factory);
}

export function nodeFactory(kind: string): NodeFactory | undefined {
  return builtinNodes.factory(kind);
}

export function registeredKinds(): string[] {
  return builtinNodes.kinds();
}
