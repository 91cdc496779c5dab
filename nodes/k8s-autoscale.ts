/**
 * k8sAutoscale (SPEC 4): decide a replica count per point, in data time, and have the actuator apply it to a
 * Kubernetes workload's scale subresource (apps/v1 / v1, kube/client.ts).
 *
 * Kapacitor's semantics — data-time cooldowns, `{old,new}` event points, errors drop the point — with state keyed
 * by namespace/kind/name and a working `currentField` (int) (SPEC "Project decisions"). Decisions are made
 * synchronously inside the write on the resource's decided state (autoscale/engine.ts); API calls happen apart
 * and never change a decision's outcome, so replays are exact. Beyond Kapacitor, optional HPA/KEDA policies
 * (tolerance, stabilization windows, rate limits, scale to zero with activation), `.dryRun()`, a decision
 * record for every point, and persisted state (docs/autoscale.md).
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makePoint } from '../runtime/build.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import type { Batch, Fields, Point, Tags } from '../runtime/point.ts';
import type { CompiledLambda, LambdaEvaluator } from '../tickscript/lambda-contract.ts';
import { hasCall, lastCall, type TickValue } from '../tickscript/pipeline.ts';
import { parseRateLimit } from '../tickscript/catalog/autoscale.ts';
import { AutoscaleEngine, type EngineHost } from '../autoscale/engine.ts';
import type { RecordQuery } from '../autoscale/records.ts';
import type { AutoscalePolicy, DecisionRecord, RateLimit, ResourceId } from '../autoscale/types.ts';
import { kubeScaleTarget } from '../kube/scale-target.ts';
import { isKubernetesService } from '../kube/service.ts';
import { KIND_LIST_TEXT, lookupKind } from '../kube/kinds.ts';
import { registerNode } from './registry.ts';
import type { AutoscaleObserver } from '../runtime/services.ts';

const NOT_ENABLED = 'cannot use the k8sAutoscale node, could not create kubernetes client: service is not enabled';

/** The first argument of the last `.method()` call, checked against the expected type. */
function propOf<T extends TickValue['type']>(node: NodeContext['def'], method: string, type: T): Extract<TickValue, { type: T }> | undefined {
  const args = lastCall(node, method);
  if (!args || args.length === 0) return undefined;
  const v = args[0]!;
  if (v.type !== type) throw new Error(`${node.name}: .${method}() expects ${type}, got ${v.type}`);
  return v as Extract<TickValue, { type: T }>;
}

const str = (node: NodeContext['def'], method: string, dflt: string): string => propOf(node, method, 'string')?.value ?? dflt;
const int = (node: NodeContext['def'], method: string, dflt: bigint): bigint => propOf(node, method, 'int')?.value ?? dflt;
const duration = (node: NodeContext['def'], method: string): bigint => propOf(node, method, 'duration')?.value ?? 0n;

function nonNegative(what: string, d: bigint): bigint {
  if (d < 0n) throw new Error(`${what} must be >= 0s, got ${d}ns`);
  return d;
}

function rateLimit(node: NodeContext['def'], method: string): RateLimit | undefined {
  const args = lastCall(node, method);
  if (!args) return undefined;
  const r = parseRateLimit(method, args);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

/** SPEC 4.1 properties plus tickstream's policies, validated in Kapacitor's order and words (pipeline/k8s_autoscale.go). */
function readPolicy(def: NodeContext['def']): AutoscalePolicy {
  const min = int(def, 'min', 1n);
  if (min < 0n) throw new Error(`min must be >= 0 (0 scales to zero), got ${min}`);
  const max = int(def, 'max', 0n);
  if (max < 0n) throw new Error(`max must be >= 0 (0 = no maximum), got ${max}`);
  const tolerance = propOf(def, 'tolerance', 'float')?.value ?? 0;
  if (!(tolerance >= 0 && tolerance < 1)) throw new Error(`tolerance must be >= 0 and < 1, got ${tolerance}`);
  const activation = hasCall(def, 'activation');
  if (activation && min !== 0n) throw new Error('activation decides between 0 and 1+ replicas: it needs .min(0)');
  return {
    min: Number(min), max: Number(max),
    increaseCooldown: nonNegative('increaseCooldown', duration(def, 'increaseCooldown')),
    decreaseCooldown: nonNegative('decreaseCooldown', duration(def, 'decreaseCooldown')),
    tolerance,
    scaleUpStabilization: nonNegative('scaleUpStabilization', duration(def, 'scaleUpStabilization')),
    scaleDownStabilization: nonNegative('scaleDownStabilization', duration(def, 'scaleDownStabilization')),
    scaleUpLimit: rateLimit(def, 'scaleUpLimit'),
    scaleDownLimit: rateLimit(def, 'scaleDownLimit'),
    activation,
  };
}

class K8sAutoscaleNode extends Node implements EngineHost<Point> {
  private readonly evaluators = this.groupState<LambdaEvaluator>();
  private readonly activators = this.groupState<LambdaEvaluator>();
  private readonly increases = this.counter('increase_events');
  private readonly decreases = this.counter('decrease_events');
  private readonly cooldownDrops = this.counter('cooldown_drops');
  private readonly replicas: CompiledLambda;
  private readonly activation: CompiledLambda | undefined;
  private readonly engine: AutoscaleEngine<Point>;
  private readonly namespace: string;
  private readonly kind: string;
  private readonly resourceName: string;
  private readonly resourceNameTag: string;
  private readonly currentField: string;
  private readonly namespaceTag: string;
  private readonly kindTag: string;
  private readonly resourceTag: string;
  /** ResourceId per resource name (namespace and kind are fixed per node): no string building per point */
  private readonly ids = new Map<string, ResourceId>();
  /** reused `extra` object for currentField (evaluators do not retain it) */
  private readonly extra: Fields = {};
  private readonly observer: AutoscaleObserver | undefined;

  constructor(ctx: NodeContext) {
    super(ctx);
    const def = ctx.def;
    this.resourceName = str(def, 'resourceName', '');
    this.resourceNameTag = str(def, 'resourceNameTag', '');
    if ((this.resourceName === '') === (this.resourceNameTag === '')) throw new Error('must specify exactly one of ResourceName or ResourceNameTag');
    this.kind = str(def, 'kind', 'deployments');
    if (!lookupKind(this.kind)) throw new Error(`invalid Kind, must be ${KIND_LIST_TEXT}, got ${this.kind}`);
    const policy = readPolicy(def);
    const replicasArgs = lastCall(def, 'replicas');
    if (!replicasArgs) throw new Error('must provide a replicas lambda expression');
    this.namespace = str(def, 'namespace', '') || 'default';
    this.currentField = str(def, 'currentField', '');
    this.namespaceTag = str(def, 'namespaceTag', 'namespace');
    this.kindTag = str(def, 'kindTag', 'kind');
    this.resourceTag = str(def, 'resourceTag', 'resource');
    this.replicas = compileLambdaArg(def.name, 'replicas', replicasArgs[0]);
    const act = lastCall(def, 'activation');
    this.activation = act ? compileLambdaArg(def.name, 'activation', act[0]) : undefined;

    this.observer = ctx.services.autoscaleObserver;
    const registry = ctx.services.kubernetes;
    if (registry === undefined) throw new Error(NOT_ENABLED);
    if (!isKubernetesService(registry)) throw new Error('k8sAutoscale: services.kubernetes is not a kubernetes client registry');
    const cluster = str(def, 'cluster', '');
    const client = registry.get(cluster);
    const dryRun = hasCall(def, 'dryRun') || registry.dryRun?.(cluster) === true;
    this.engine = new AutoscaleEngine<Point>(kubeScaleTarget(client), policy, this, {
      dryRun,
      store: ctx.services.autoscaleState?.scope(ctx.taskId, def.name),
      ...ctx.services.autoscaleLimits,
    });
  }

  protected override onPoint(p: Point): void {
    this.submit(p);
  }

  /** Batch points are processed one by one (SPEC 4.2), each as a point of the batch's group. */
  protected override onBatch(b: Batch): void {
    for (const bp of b.points) this.submit(makePoint(b.name, b.db, b.rp, bp.tags, bp.fields, bp.time, b.dims, b.group));
  }

  private submit(p: Point): void {
    // step 1: the resource
    let name = this.resourceName;
    if (name === '') {
      name = p.tags[this.resourceNameTag] ?? '';
      if (name === '') {
        this.reportError('could not determine the name of the resource', p.group);
        return;
      }
    }
    let id = this.ids.get(name);
    if (id === undefined) {
      id = { namespace: this.namespace, kind: this.kind, name, key: `${this.namespace}/${this.kind}/${name}` };
      // bounded like the engine's resources: names past its limit are rejected there, not remembered here
      if (this.ids.size < this.engine.resourceLimit) this.ids.set(name, id);
    }
    if (this.observer !== undefined) this.observer.point(this.taskId, this.name, id.key, p);
    this.engine.submit(p, id);
  }

  /** Resolves when no first read is outstanding, nothing is held and no API call is in flight or scheduled. */
  whenIdle(): Promise<void> {
    return this.engine.whenIdle();
  }

  /** Points held for a first read. */
  get pending(): number {
    return this.engine.pending;
  }

  // ---- AutoscaleView (API, metrics) -----------------------------------------------------------------------

  decisions(q: RecordQuery): DecisionRecord[] {
    return this.engine.records.query(q);
  }

  get autoscaleCounters(): AutoscaleEngine<Point>['counters'] {
    return this.engine.counters;
  }

  autoscaleResources(): Iterable<{ key: string; decided: number; applied: number | undefined }> {
    return this.engine.resources();
  }

  override stop(): void {
    this.engine.stop();
  }

  // ---- EngineHost -----------------------------------------------------------------------------------------

  time(p: Point): bigint {
    return p.time;
  }

  /** Step 3: one evaluator per group; currentField exposes the decided replicas as an int. */
  evaluate(p: Point, current: number): bigint {
    let ev = this.evaluators.get(p.group);
    if (ev === undefined) {
      ev = this.replicas.newEvaluator();
      this.evaluators.set(p.group, ev);
    }
    if (this.currentField === '') return ev.evalInt(p);
    this.extra[this.currentField] = BigInt(current);
    return ev.evalInt(p, this.extra);
  }

  active(p: Point): boolean {
    let ev = this.activators.get(p.group);
    if (ev === undefined) {
      ev = this.activation!.newEvaluator();
      this.activators.set(p.group, ev);
    }
    return ev.evalBool(p);
  }

  decided(p: Point | undefined, res: ResourceId, rec: DecisionRecord): void {
    if (this.observer !== undefined) this.observer.decided(this.taskId, this.name, rec);
    switch (rec.reason) {
      case 'scaled':
        if (rec.final > rec.current) this.increases.inc();
        else this.decreases.inc();
        if (p !== undefined) this.emitEvent(p, res, rec.current, rec.final);
        return;
      case 'cooldown':
        this.cooldownDrops.inc();
        return;
      case 'error':
        this.reportError(rec.error ?? 'error', p?.group ?? '');
        return;
      case 'override':
        this.log.warn({ resource: res.key, decided: rec.current, cluster: rec.final }, 'replicas changed outside tickstream: adopted the cluster\'s value');
        return;
      default:
    }
  }

  /** Counted in `errors` like Kapacitor's failed apply; logged with Kapacitor's words, the API's message and the retry. */
  actuationFailed(res: ResourceId, err: unknown, attempts: number, retryInMs: number): void {
    this.errors++;
    if (this.quiet) return;
    this.log.error({ resource: res.key, attempts, retry_in_ms: retryInMs },
      `failed to apply scaling event: failed to set new replica count for "${res.key}": ${(err as Error)?.message ?? String(err)}`);
  }

  persistFailed(err: unknown): void {
    this.log.error({ err: (err as Error)?.message ?? String(err) }, 'could not save autoscale state');
  }

  later(fn: () => void): void {
    this.runExternal(fn);
  }

  /** Step 8: emit {old,new} with the group tags plus namespace/kind/resource tags. */
  private emitEvent(p: Point, res: ResourceId, oldReplicas: number, newReplicas: number): void {
    const tags: Tags = {};
    const names = p.dims.tagNames;
    for (let i = 0; i < names.length; i++) {
      const v = p.tags[names[i]!];
      if (v !== undefined) tags[names[i]!] = v;
    }
    if (this.namespaceTag !== '') tags[this.namespaceTag] = res.namespace;
    if (this.kindTag !== '') tags[this.kindTag] = res.kind;
    if (this.resourceTag !== '') tags[this.resourceTag] = res.name;
    this.emitPoint(makePoint(p.name, p.db, p.rp, tags, { old: BigInt(oldReplicas), new: BigInt(newReplicas) }, p.time, p.dims, p.group));
  }
}

registerNode('k8sAutoscale', (ctx) => new K8sAutoscaleNode(ctx));

export type { K8sAutoscaleNode };
