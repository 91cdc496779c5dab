/**
 * Membership and partition ownership through the `<stream>-owners` key-value bucket, whose entries expire
 * lease-ttl after their last write (the bucket's max age).
 *
 * Every lease-ttl / 4 an instance renews every lease it holds (`owners.<p>`, a compare-and-set on the revision,
 * all at once, on a timer of their own; a failed compare means someone else holds it: the partition is stopped at
 * once). Every heartbeat (also lease-ttl / 4) it writes `members.<id>`, lists the members, and computes which partitions are its own by rendezvous hashing over
 * the live members (server/cluster/partition.ts), so assignments only move when membership changes. Then, per partition:
 * - assigned but not owned: `create` succeeds only when the key is absent — after the previous owner released
 *   it or its lease expired — and then the partition starts (replay, server/cluster/partition-runner.ts);
 * - owned but assigned elsewhere (a member joined): stop the partition, then delete the key.
 *
 * Fencing: a partition's lease is valid until `sent + ttl − ttl/4` on this instance's monotonic clock, where
 * `sent` is when the last successful renewal was sent (the server stamps it later, so its expiry is later).
 * Past that, writes are refused (server/cluster/gate.ts) and a check every ttl/20 stops the partition — before the
 * bucket lets anyone else create the key. Decisions use data time, so clock skew between instances changes
 * nothing but this local comparison.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { KV } from '@nats-io/kv';
import { assignedMember } from './partition.ts';

export interface LeaseHost {
  /** the partition is ours: start it (resolve when started) */
  acquired(partition: number): Promise<void>;
  /** the partition is no longer ours (reason for the log) */
  lost(partition: number, reason: string): void;
}

interface Lease {
  revision: number;
  /** performance.now() ms after which the lease must be considered lost */
  validUntil: number;
}

export interface LeaseManagerOptions {
  readonly kv: KV;
  readonly instance: string;
  readonly partitions: number;
  readonly ttlMs: number;
  readonly logger: Logger;
  readonly host: LeaseHost;
}

export class LeaseManager {
  private readonly leases = new Map<number, Lease>();
  private members: string[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private fenceTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  /** renewals awaiting their answer, by partition */
  private readonly renewing = new Map<number, Promise<void>>();
  lastRenewError: string | undefined;
  private ticking = false;
  private stopped = false;
  lastTickError: string | undefined;
  ticks = 0;

  constructor(private readonly opts: LeaseManagerOptions) {}

  get ttlMs(): number {
    return this.opts.ttlMs;
  }

  /** Partitions owned now, ascending. */
  owned(): number[] {
    return [...this.leases.keys()].sort((a, b) => a - b);
  }

  liveMembers(): readonly string[] {
    return this.members;
  }

  /** Whether this instance may still act for the partition (checked before every write to a cluster). */
  valid(partition: number): boolean {
    const l = this.leases.get(partition);
    return l !== undefined && performance.now() < l.validUntil;
  }

  async start(): Promise<void> {
    await this.tick();
    const hb = Math.max(100, Math.floor(this.opts.ttlMs / 4));
    this.heartbeat = setInterval(() => void this.tick(), hb);
    this.renewTimer = setInterval(() => this.renewAll(), hb);
    this.fenceTimer = setInterval(() => this.fence(), Math.max(20, Math.floor(this.opts.ttlMs / 20)));
  }

  /** One heartbeat; runs are never concurrent. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      await this.round();
      this.lastTickError = undefined;
    } catch (err) {
      if (this.lastTickError === undefined) this.opts.logger.warn({ err: (err as Error).message }, 'cluster: heartbeat failed (leases are fenced if it goes on)');
      this.lastTickError = (err as Error).message;
    } finally {
      this.ticking = false;
      this.ticks++;
    }
  }

  /**
   * Every lease held, renewed at once, on a timer of its own: a membership round that is slow (listing the
   * members, starting partitions) never holds a renewal back. A partition whose previous renewal is still
   * awaiting its answer is skipped.
   */
  private renewAll(): void {
    if (this.stopped) return;
    const validMs = this.opts.ttlMs - this.opts.ttlMs / 4;
    for (const [p, lease] of this.leases) {
      if (this.renewing.has(p)) continue;
      const r = this.renew(p, lease, validMs).catch((err: unknown) => {
        if (this.lastRenewError === undefined) this.opts.logger.warn({ partition: p, err: (err as Error).message }, 'cluster: lease renewal failed (fenced if it goes on)');
        this.lastRenewError = (err as Error).message;
      }).finally(() => this.renewing.delete(p));
      this.renewing.set(p, r);
    }
  }

  private async round(): Promise<void> {
    const { instance, partitions, ttlMs } = this.opts;
    const validMs = ttlMs - ttlMs / 4;
    const members = await this.listMembers(2 * ttlMs);
    if (!members.includes(instance)) members.push(instance);
    members.sort();
    this.members = members;
    // releases and acquisitions of the round at once
    const work: Promise<void>[] = [];
    for (let p = 0; p < partitions; p++) {
      if (this.stopped) break;
      const mine = assignedMember(p, members) === instance;
      const lease = this.leases.get(p);
      if (lease !== undefined) {
        if (!mine) work.push(this.release(p, 'assigned to another member'));
      } else if (mine) work.push(this.acquire(p, validMs));
    }
    const results = await Promise.allSettled(work);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  /**
   * Writes this instance's `members.<id>` and lists every member. Given up after `limitMs`: a KV request or key
   * listing that never answers would otherwise hold this round, and so every later heartbeat, while this instance's
   * membership expires (the next heartbeat tries again; the abandoned requests only write and read the same keys).
   */
  private listMembers(limitMs: number): Promise<string[]> {
    const { kv, instance } = this.opts;
    const listing = (async () => {
      await kv.put(`members.${instance}`, instance);
      const members: string[] = [];
      for await (const k of await kv.keys('members.*')) members.push(k.slice('members.'.length));
      return members;
    })();
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`listing the cluster members got no answer within ${limitMs} ms`)), limitMs);
    });
    listing.catch(() => {}); // a late failure of an abandoned listing is nobody's
    return Promise.race([listing, expired]).finally(() => clearTimeout(deadline));
  }

  private async renew(p: number, lease: Lease, validMs: number): Promise<void> {
    const sent = performance.now();
    try {
      const revision = await this.opts.kv.update(`owners.${p}`, this.opts.instance, lease.revision);
      // still the same lease (not dropped by the fence check meanwhile)
      if (this.leases.get(p) !== lease) return;
      lease.revision = revision;
      lease.validUntil = sent + validMs;
      this.lastRenewError = undefined;
    } catch (err) {
      if (/wrong last sequence/.test((err as Error).message)) this.drop(p, `lease taken over: ${(err as Error).message}`);
      else throw err;
    }
  }

  private async acquire(p: number, validMs: number): Promise<void> {
    const sent = performance.now();
    let revision: number;
    try {
      revision = await this.opts.kv.create(`owners.${p}`, this.opts.instance);
    } catch (err) {
      if (/wrong last sequence|key exists/i.test((err as Error).message)) return; // still held by its previous owner
      throw err;
    }
    if (this.stopped) return; // the key expires
    this.leases.set(p, { revision, validUntil: sent + validMs });
    this.opts.logger.info({ partition: p }, 'cluster: partition acquired');
    try {
      await this.opts.host.acquired(p);
    } catch (err) {
      this.opts.logger.error({ partition: p, err }, 'cluster: starting the partition failed; releasing it');
      await this.release(p, 'start failed');
    }
  }

  /** Stop every partition whose lease may have expired. */
  private fence(): void {
    const now = performance.now();
    for (const [p, l] of this.leases) {
      if (now >= l.validUntil) this.drop(p, 'lease not renewed in time (fenced before it expires)');
    }
  }

  private drop(p: number, reason: string): void {
    if (!this.leases.delete(p)) return;
    this.opts.logger.warn({ partition: p, reason }, 'cluster: partition lost');
    this.opts.host.lost(p, reason);
  }

  private async release(p: number, reason: string): Promise<void> {
    const lease = this.leases.get(p);
    if (lease === undefined) return;
    this.leases.delete(p);
    this.opts.host.lost(p, reason);
    await this.renewing.get(p); // its answer carries the revision to delete
    try {
      await this.opts.kv.delete(`owners.${p}`, { previousSeq: lease.revision });
    } catch {
      // it expires anyway
    }
    this.opts.logger.info({ partition: p, reason }, 'cluster: partition released');
  }

  /** Graceful stop: every partition is stopped, then released, so survivors take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.fenceTimer) clearInterval(this.fenceTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    while (this.ticking) await new Promise((r) => setTimeout(r, 10));
    await Promise.allSettled([...this.renewing.values()]);
    for (const p of [...this.leases.keys()]) await this.release(p, 'instance stopping');
    await this.opts.kv.delete(`members.${this.opts.instance}`).catch(() => {});
  }
}
