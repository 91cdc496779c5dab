/**
 * Base for nodes with several parents (union, join): Kapacitor's multi-consumer hands each message over with the
 * index of the parent it came from (`src`), the position of that parent in the node's parent list — for
 * `a|join(b, c)` a = 0, b = 1, c = 2 — regardless of the order in which the parents were created.
 */
import { Node, type Edge, type Message } from '../runtime/node.ts';

export abstract class MultiParentNode extends Node {
  /** index (in `def.parents`) of the parent whose messages are being handled */
  protected src = 0;
  private srcByEdge: Map<Edge, number> | undefined;

  override receive(msgs: readonly Message[], count: number, dataCount: number, from?: Edge): void {
    this.src = from === undefined ? 0 : this.srcOf(from);
    super.receive(msgs, count, dataCount, from);
  }

  /** Number of parents (join arms, union sources). */
  protected get sourceCount(): number {
    return this.def.parents.length;
  }

  private srcOf(e: Edge): number {
    let m = this.srcByEdge;
    if (m === undefined) {
      // Built on first delivery, when every input edge is wired. A parent listed twice (`a|union(a)`) has two
      // edges, matched to its occurrences in order.
      m = new Map();
      const used = new Set<number>();
      for (const edge of this.ins) {
        const pid = edge.parent?.def.id;
        let idx = -1;
        for (let i = 0; i < this.def.parents.length; i++) {
          if (this.def.parents[i] === pid && !used.has(i)) { idx = i; break; }
        }
        if (idx >= 0) { used.add(idx); m.set(edge, idx); }
      }
      this.srcByEdge = m;
    }
    const i = m.get(e);
    if (i === undefined) throw new Error(`${this.name}: message from an edge that is not one of its parents`);
    return i;
  }
}
