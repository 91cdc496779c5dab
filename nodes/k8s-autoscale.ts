/**
 * k8sAutoscale (SPEC 4): decide a replica count per point and apply it to a Kubernetes workload's scale
 * subresource (apps/v1 / v1 via kube/client.ts). Kapacitor's semantics — data-time cooldowns, state saved only on
 * successful changes, `{old,new}` event points, errors drop the point — with state keyed by namespace/kind/name
 * and a working `currentField` (int) (SPEC "Project decisions").
 *
 * The API calls are asynchronous and the write path is not: kube/autoscaler.ts keeps one ordered queue per
 * resource and evaluates each point when it reaches the head of that queue, so decisions for one resource are
 * applied in arrival order, one at a time, against the confirmed replica count. Event points of changes that
 * completed after the write returned are emitted from the API answer (runExternal), in order.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makePoint } from '../runtime/build.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import type { Batch, Fields, Point, Tags } from '../runtime/point.ts';
import type { CompiledLambda, LambdaEvaluator } from '../tickscript/lambda-contract.ts';
import { lastCall, type TickValue } from '../tickscript/pipeline.ts';
import { Autoscaler, type AutoscaleHost, type ResourceId } from '../kube/autoscaler.ts';
import { isKubernetesService } from '../kube/service.ts';
import { KIND_LIST_TEXT, lookupKind } from '../kube/kinds.ts';
import { registerNode } from './registry.ts';

const NOT_ENABLED = 'cannot use the k8sAutoscale node, could not create kubernetes client: service is not enabled';

/** Queue bounds (kube/autoscaler.ts): per resource, and over all resources of one node. */
export const QUEUE_LIMIT = 64;
export const TOTAL_QUEUE_LIMIT = 100_000;

/** The first argument of the last `.method()` call, checked against the expected type. */
function propOf<T extends TickValue['type']>(node: NodeContext['def'], method: string, type: T): Extract<TickValue, { type: T }> | undefined {
  const args = lastCall(node, method);
  if (!args || args.length === 0) return undefined;
  const v = args[0]!;
  if (v.type !== type) throw new Error(`${node.name}: .${method}() expects ${type}, got ${v.type}`);
  return v as Extract<TickValue, { type: T }>;
}

function str(node: NodeContext['def'], method: string, dflt: string): string {
  return propOf(node, method, 'string')?.value ?? dflt;
}

function int(node: NodeContext['def'], method: string, dflt: bigint): bigint {
  return propOf(node, method, 'int')?.value ?? dflt;
}

function duration(node: NodeContext['def'], method: string): bigint {
  return propOf(node, method, 'duration')?.value ?? 0n;
}

class K8sAutoscaleNode extends Node implements AutoscaleHost<Point> {
  private readonly evaluators = this.groupState<LambdaEvaluator>();
  private readonly increases = this.counter('increase_events');
  private readonly decreases = this.counter('decrease_events');
  private readonly cooldownDrops = this.counter('cooldown_drops');
  private readonly replicas: CompiledLambda;
  private readonly engine: Autoscaler<Point>;
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

  constructor(ctx: NodeContext) {
    super(ctx);
    const def = ctx.def;
    // SPEC 4.1 properties and defaults; validation in Kapacitor's order and words (pipeline/k8s_autoscale.go)
    this.resourceName = str(def, 'resourceName', '');
    this.resourceNameTag = str(def, 'resourceNameTag', '');
    if ((this.resourceName === '') === (this.resourceNameTag === '')) throw new Error('must specify exactly one of ResourceName or ResourceNameTag');
    this.kind = str(def, 'kind', 'deployments');
    if (!lookupKind(this.kind)) throw new Error(`invalid Kind, must be ${KIND_LIST_TEXT}, got ${this.kind}`);
    const min = int(def, 'min', 1n);
    if (min < 1n) throw new Error(`min must be >= 1, got ${min}`);
    const max = int(def, 'max', 0n);
    if (max < 0n) throw new Error(`max must be >= 0 (0 = no maximum), got ${max}`);
    const replicasArgs = lastCall(def, 'replicas');
    if (!replicasArgs) throw new Error('must provide a replicas lambda expression');
    this.namespace = str(def, 'namespace', '') || 'default';
    this.currentField = str(def, 'currentField', '');
    this.namespaceTag = str(def, 'namespaceTag', 'namespace');
    this.kindTag = str(def, 'kindTag', 'kind');
    this.resourceTag = str(def, 'resourceTag', 'resource');
    const increaseCooldown = duration(def, 'increaseCooldown');
    const decreaseCooldown = duration(def, 'decreaseCooldown');
    this.replicas = compileLambdaArg(def.name, 'replicas', replicasArgs[0]);

    const registry = ctx.services.kubernetes;
    if (registry === undefined) throw new Error(NOT_ENABLED);
    if (!isKubernetesService(registry)) throw new Error('k8sAutoscale: services.kubernetes is not a kubernetes client registry');
    const client = registry.get(str(def, 'cluster', ''));
    this.engine = new Autoscaler<Point>(client, {
      min: Number(min), max: Number(max), increaseCooldown, decreaseCooldown,
      queueLimit: QUEUE_LIMIT, totalQueueLimit: TOTAL_QUEUE_LIMIT,
    }, this);
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
      this.ids.set(name, id);
    }
    this.engine.submit(p, id);
  }

  /** Resolves when no decision is queued or waiting for the API (tests, benchmarks, shutdown). */
  whenIdle(): Promise<void> {
    return this.engine.whenIdle();
  }

  /** Points waiting for the Kubernetes API. */
  get pending(): number {
    return this.engine.pending;
  }

  override stop(): void {
    this.engine.stop();
  }

  // ---- AutoscaleHost ------------------------------------------------------------------------------------

  time(p: Point): bigint {
    return p.time;
  }

  /** Step 3: one evaluator per group; currentField exposes the current replicas as an int. */
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

  /** Step 8: count and emit {old,new} with the group tags plus namespace/kind/resource tags. */
  applied(p: Point, res: ResourceId, oldReplicas: number, newReplicas: number): void {
    if (newReplicas > oldReplicas) this.increases.inc();
    else this.decreases.inc();
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

  cooldownDrop(): void {
    this.cooldownDrops.inc();
  }

  error(p: Point, _res: ResourceId, message: string, err?: unknown): void {
    this.reportError(message, p.group, err);
  }

  later(fn: () => void): void {
    this.runExternal(fn);
  }
}

registerNode('k8sAutoscale', (ctx) => new K8sAutoscaleNode(ctx));

export type { K8sAutoscaleNode };
