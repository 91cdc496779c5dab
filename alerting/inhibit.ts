/**
 * Inhibitors (Kapacitor `alert/inhibit.go`): an alert node with `.inhibit(category, tags...)` creates one
 * inhibitor per group, holding that group's values of the listed tags. While the group's level is not OK the
 * inhibitor is set, and events of alerts with `.category(category)` whose tags carry the same values are dropped
 * (counted as `alerts_inhibited`).
 */
import type { Tags } from '../model/point.ts';

export class Inhibitor {
  inhibited = false;
  constructor(readonly category: string, readonly tags: Tags) {}

  matches(category: string, tags: Tags): boolean {
    if (!this.inhibited || category !== this.category) return false;
    for (const k in this.tags) if (tags[k] !== this.tags[k]) return false;
    return true;
  }
}

export class InhibitorLookup {
  private readonly byCategory = new Map<string, Inhibitor[]>();

  isInhibited(category: string, tags: Tags): boolean {
    const list = this.byCategory.get(category);
    if (list === undefined) return false;
    for (const i of list) if (i.matches(category, tags)) return true;
    return false;
  }

  add(i: Inhibitor): void {
    const list = this.byCategory.get(i.category);
    if (list) list.push(i);
    else this.byCategory.set(i.category, [i]);
  }

  remove(i: Inhibitor): void {
    const list = this.byCategory.get(i.category);
    if (!list) return;
    const at = list.indexOf(i);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.byCategory.delete(i.category);
  }
}
