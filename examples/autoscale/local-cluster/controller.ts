/**
 * A workload controller for the local cluster, doing what the ReplicaSet controller and kubelet do for one
 * Deployment/ReplicaSet: keep as many app processes running as spec.replicas says, put ready ones behind the
 * balancer, take surplus ones out of rotation and stop them, replace ones that die, and report the number of
 * ready pods as status.replicas.
 */
import { randomBytes } from 'node:crypto';
import type { Balancer } from './balancer.ts';
import { Pod } from './pod.ts';

export type ClusterEvent =
  | { type: 'scale'; time: number; workload: string; old: number; new: number }
  | { type: 'pod-started' | 'pod-ready' | 'pod-stopping'; time: number; workload: string; pod: string }
  | { type: 'pod-exited'; time: number; workload: string; pod: string; expected: boolean; code: number | null; lastLines: string[] };

export interface ControllerOptions {
  kind: string;
  name: string;
  env: Record<string, string>;
  balancer: Balancer;
  logDir?: string;
  /** reports status.replicas (ready pods) back to the API server's object */
  setStatus: (ready: number) => void;
  onEvent: (e: ClusterEvent) => void;
  /** delay before replacing a pod that exited unexpectedly, ms (default 1000) */
  restartDelayMs?: number;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

export class WorkloadController {
  readonly name: string;
  desired = 0;
  readonly pods: Pod[] = [];
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /**
   * The pod-template-hash of a Deployment's ReplicaSet (`<deployment>-<hash>`), '' for a bare ReplicaSet.
   * Pods are named <replicaset>-<5 chars>: <deployment>-<hash>-<suffix> or <replicaset>-<suffix>.
   */
  readonly templateHash: string;
  /** the owning ReplicaSet's name plus '-' (a pod's generateName) */
  readonly podPrefix: string;

  constructor(private readonly opts: ControllerOptions) {
    this.name = opts.name;
    this.templateHash = opts.kind === 'deployments' ? randomSuffix(10) : '';
    this.podPrefix = opts.kind === 'deployments' ? `${opts.name}-${this.templateHash}-` : `${opts.name}-`;
  }

  setDesired(n: number): void {
    this.desired = n;
    this.reconcile();
  }

  ready(): Pod[] {
    return this.pods.filter((p) => p.phase === 'Running');
  }

  private active(): Pod[] {
    return this.pods.filter((p) => p.phase === 'Pending' || p.phase === 'Running');
  }

  reconcile(): void {
    if (this.stopped) return;
    const active = this.active();
    for (let i = active.length; i < this.desired; i++) this.startPod();
    if (active.length > this.desired) {
      // Like the ReplicaSet controller: delete not-ready pods first, then the newest.
      const victims = [...active].sort((a, b) => {
        if (a.phase !== b.phase) return a.phase === 'Pending' ? -1 : 1;
        return b.startedAt - a.startedAt;
      }).slice(0, active.length - this.desired);
      for (const p of victims) this.stopPod(p);
    }
    this.report();
  }

  /**
   * Deletes one pod (`kubectl delete pod`): it leaves rotation and stops, and — like the ReplicaSet controller —
   * a replacement starts at once while the desired count still wants it. False when no live pod has that name.
   */
  deletePod(name: string): boolean {
    const p = this.pods.find((x) => x.name === name && (x.phase === 'Pending' || x.phase === 'Running'));
    if (!p) return false;
    this.stopPod(p);
    this.reconcile();
    return true;
  }

  private startPod(): void {
    const name = this.podPrefix + randomSuffix(5);
    const pod = new Pod({
      name,
      env: this.opts.env,
      logDir: this.opts.logDir,
      onReady: (p) => {
        this.opts.balancer.add({ name: p.name, port: p.port });
        this.opts.onEvent({ type: 'pod-ready', time: Date.now(), workload: this.name, pod: p.name });
        this.report();
      },
      onExit: (p, code) => this.onExit(p, code),
    });
    this.pods.push(pod);
    this.opts.onEvent({ type: 'pod-started', time: Date.now(), workload: this.name, pod: name });
  }

  private stopPod(p: Pod): void {
    this.opts.balancer.remove(p.name);
    this.opts.onEvent({ type: 'pod-stopping', time: Date.now(), workload: this.name, pod: p.name });
    void p.stop();
  }

  private onExit(p: Pod, code: number | null): void {
    const expected = this.stopped || p.stopRequested;
    const i = this.pods.indexOf(p);
    if (i >= 0) this.pods.splice(i, 1);
    this.opts.balancer.remove(p.name);
    this.opts.onEvent({ type: 'pod-exited', time: Date.now(), workload: this.name, pod: p.name, expected, code, lastLines: expected ? [] : p.lastLines() });
    this.report();
    if (!this.stopped && this.active().length < this.desired && this.restartTimer === undefined) {
      this.restartTimer = setTimeout(() => { this.restartTimer = undefined; this.reconcile(); }, this.opts.restartDelayMs ?? 1000);
    }
  }

  private report(): void {
    this.opts.setStatus(this.ready().length);
  }

  /** Stops every pod and replaces none. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await Promise.all(this.pods.map((p) => { this.opts.balancer.remove(p.name); return p.stop(); }));
  }
}
