/** Test helpers that add test-only nodes to a pipeline evaluated from a script (the catalog does not know them). */
import type { Pipeline, TickValue } from '../../../tickscript/pipeline.ts';

/** Append a new node of `kind` as the last child of the node named `parentName`; returns its name. */
export function appendChild(p: Pipeline, parentName: string, kind: string, args: TickValue[] = []): { pipeline: Pipeline; name: string } {
  const parent = p.nodes.find((n) => n.name === parentName);
  if (!parent) throw new Error(`no node ${parentName} in pipeline`);
  const id = p.nodes.length;
  const name = kind + id;
  const nodes = p.nodes.map((n) => (n.id === parent.id ? { ...n, children: [...n.children, id] } : n));
  nodes.push({ id, kind, name, args, calls: [], parents: [parent.id], children: [], wants: parent.provides,
    provides: parent.provides, pos: { line: 0, column: 0 } });
  return { pipeline: { ...p, nodes }, name };
}
