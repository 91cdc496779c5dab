/**
 * What k8sAutoscale, swarmAutoscale and ec2Autoscale share (Kapacitor's autoscale.go AutoscaleNode): the
 * properties every autoscale node has (min, max, cooldowns, replicas, currentField, tickstream's policies,
 * dryRun), the decision engine (autoscale/engine.ts) and its host side — lambdas per group, Kapacitor's counters,
 * the `{old,new}` event point. A subclass says how a point names its resource, which tags carry the resource on
 * the event point, and which ScaleTarget actuates.
 */
import { Node, type NodeContext } from '../../runtime/node.ts';
import { makePoint } from '../../model/build.ts';
import { compileLambdaArg } from '../../runtime/lambda.ts';
import type { Batch, Fields, Point, Tags } from '../../model/point.ts';
import type { TickValue } from '../../tickscript/pipeline.ts';
import type { AutoscaleObserver } from '../../runtime/services.ts';
import type { CompiledLambda, LambdaEvaluator } from '../../tickscript/lambda-contract.ts';
import type { AutoscaleSettings } from '../../tickscript/catalog/index.ts';
import { rateLimitOf } from '../../tickscript/catalog/autoscale.ts';
import { AutoscaleEngine, type EngineHost } from '../../autoscale/engine.ts';
import type { ScaleTarget } from '../../autoscale/actuator.ts';
import type { RecordQuery } from '../../autoscale/records.ts';
import type { AutoscalePolicy, DecisionRecord, RateLimit, ResourceId } from '../../autoscale/types.ts';
import type { EngineSnapshot } from '../../autoscale/engine.ts';
import { SnapshotUnsupported, as, lambdaIsStateful, type Snapshottable, type SnapshotValue } from '../../runtime/snapshot.ts';

function nonNegative(what: string, d: bigint): bigint {
  if (d < 0n) throw new Error(`${what} must be >= 0s, got ${d}ns`);
  return d;
}

/** `.scaleUpLimit(4, 1m)`: the last call's policy, checked as the catalog checks it at define time */
function rateLimit(method: 'scaleUpLimit' | 'scaleDownLimit', calls: AutoscaleSettings['scaleUpLimit']): RateLimit | undefined {
  const last = calls.at(-1);
  if (last === undefined) return undefined;
  const r = rateLimitOf(method, last[0], last[1]);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

/** SPEC 4.1's shared properties plus tickstream's policies, validated in Kapacitor's order and words. */
export function readPolicy(s: AutoscaleSettings): AutoscalePolicy {
  const min = s.min;
  if (min < 0n) throw new Error(`min must be >= 0 (0 scales to zero), got ${min}`);
  const max = s.max;
  if (max < 0n) throw new Error(`max must be >= 0 (0 = no maximum), got ${max}`);
  const tolerance = s.tolerance ?? 0;
  if (!(tolerance >= 0 && tolerance < 1)) throw new Error(`tolerance must be >= 0 and < 1, got ${tolerance}`);
  const activation = s.activation !== undefined;
  if (activation && min !== 0n) throw new Error('activation decides between 0 and 1+ replicas: it needs .min(0)');
  return {
    min: Number(min), max: Number(max),
    increaseCooldown: nonNegative('increaseCooldown', s.increaseCooldown),
    decreaseCooldown: nonNegative('decreaseCooldown', s.decreaseCooldown),
    tolerance,
    scaleUpStabilization: nonNegative('scaleUpStabilization', s.scaleUpStabilization ?? 0n),
    scaleDownStabilization: nonNegative('scaleDownStabilization', s.scaleDownStabilization ?? 0n),
    scaleUpLimit: rateLimit('scaleUpLimit', s.scaleUpLimit),
    scaleDownLimit: rateLimit('scaleDownLimit', s.scaleDownLimit),
    activation,
  };
}

export abstract class AutoscaleNode extends Node implements EngineHost<Point>, Snapshottable {
  private readonly evaluators = this.groupState<LambdaEvaluator>();
  private readonly activators = this.groupState<LambdaEvaluator>();
  private readonly increases = this.counter('increase_events');
  private readonly decreases = this.counter('decrease_events');
  private readonly cooldownDrops = this.counter('cooldown_drops');
  private readonly replicas: CompiledLambda;
  private readonly activation: CompiledLambda | undefined;
  private readonly currentField: string;
  /** reused `extra` object for currentField (evaluators do not retain it) */
  private readonly extra: Fields = {};
  private readonly observer: AutoscaleObserver | undefined;
  private engine!: AutoscaleEngine<Point>;
  private readonly policy: AutoscalePolicy;

  /** Validates the shared settings `s` (the subclass's own settings include them); the subclass validates its own first, then calls `start`. */
  constructor(ctx: NodeContext, s: AutoscaleSettings) {
    super(ctx);
    const def = ctx.def;
    this.policy = readPolicy(s);
    if (s.replicas === undefined) throw new Error('must provide a replicas lambda expression');
    this.currentField = s.currentField ?? '';
    const replicas: TickValue = { type: 'lambda', value: s.replicas };
    this.replicas = compileLambdaArg(def.name, 'replicas', replicas);
    const act: TickValue | undefined = s.activation !== undefined ? { type: 'lambda', value: s.activation } : undefined;
    this.activation = act ? compileLambdaArg(def.name, 'activation', act) : undefined;
    this.observer = ctx.services.autoscaleObserver;
    this.statefulLambda = lambdaIsStateful(replicas) || (act !== undefined && lambdaIsStateful(act));
    this.dryRun = s.dryRun;
  }

  /** `.dryRun()`: decide and record, never actuate */
  private readonly dryRun: boolean;
  private readonly statefulLambda: boolean;

  /** The groups with evaluators (stateless lambdas: rebuilt fresh) and the engine's state. */
  snapshot(): SnapshotValue {
    if (this.statefulLambda) throw new SnapshotUnsupported('the replicas or activation lambda uses a stateful function');
    const engine = this.engine.exportState();
    if (typeof engine === 'string') throw new SnapshotUnsupported(engine);
    return [[...this.evaluators.keys()], [...this.activators.keys()], engine as unknown as SnapshotValue];
  }

  restore(s: SnapshotValue): void {
    const [evs, acts, engine] = as<[string[], string[], SnapshotValue]>(s);
    for (const g of evs) this.evaluators.set(g, this.replicas.newEvaluator());
    for (const g of acts) this.activators.set(g, this.activation!.newEvaluator());
    this.engine.importState(as<EngineSnapshot>(engine));
  }

  /** Create the engine once the subclass has its target (and knows whether its service is in dry-run mode). */
  protected start(ctx: NodeContext, target: ScaleTarget, serviceDryRun: boolean): void {
    this.engine = new AutoscaleEngine<Point>(target, this.policy, this, {
      dryRun: this.dryRun || serviceDryRun,
      store: ctx.services.autoscaleState?.scope(ctx.taskId, ctx.def.name),
      ...ctx.services.autoscaleLimits,
    });
  }

  /** SPEC 4.2 step 1: the resource of a point, or an error message (the point is dropped). */
  protected abstract resourceOf(p: Point): ResourceId | string;

  /** Add the resource's output tags to an event point's tags. */
  protected abstract tagResource(res: ResourceId, tags: Tags): void;

  protected override onPoint(p: Point): void {
    this.submit(p);
  }

  /** Batch points are processed one by one (SPEC 4.2), each as a point of the batch's group. */
  protected override onBatch(b: Batch): void {
    for (const bp of b.points) this.submit(makePoint(b.name, b.db, b.rp, bp.tags, bp.fields, bp.time, b.dims, b.group));
  }

  private submit(p: Point): void {
    const id = this.resourceOf(p);
    if (typeof id === 'string') {
      this.reportError(id, p.group);
      return;
    }
    if (this.observer !== undefined) this.observer.point(this.taskId, this.name, id.key, p);
    this.engine.submit(p, id);
  }

  /** The most resources the engine tracks (a subclass bounds its own name caches by it). */
  protected get resourceLimit(): number {
    return this.engine.resourceLimit;
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
    this.engine?.stop();
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

  /** Step 8: emit {old,new} with the group tags plus the resource's tags. */
  private emitEvent(p: Point, res: ResourceId, oldReplicas: number, newReplicas: number): void {
    const tags: Tags = {};
    const names = p.dims.tagNames;
    for (let i = 0; i < names.length; i++) {
      const v = p.tags[names[i]!];
      if (v !== undefined) tags[names[i]!] = v;
    }
    this.tagResource(res, tags);
    this.emitPoint(makePoint(p.name, p.db, p.rp, tags, { old: BigInt(oldReplicas), new: BigInt(newReplicas) }, p.time, p.dims, p.group));
  }
}

/**
 * swarmAutoscale and ec2Autoscale: a resource is one name, fixed (`serviceName`/`groupName`) or read from a tag
 * (`serviceNameTag`/`groupNameTag`); the event point carries it in `outputTag`. Resolved ids are cached up to the
 * engine's resource limit.
 */
export abstract class NamedResourceAutoscaleNode extends AutoscaleNode {
  private readonly ids = new Map<string, ResourceId>();

  constructor(ctx: NodeContext, s: AutoscaleSettings, private readonly resourceKind: string, private readonly fixedName: string,
    private readonly nameTag: string, private readonly outputTag: string) {
    super(ctx, s);
  }

  protected resourceOf(p: Point): ResourceId | string {
    const name = this.fixedName !== '' ? this.fixedName : p.tags[this.nameTag] ?? '';
    if (name === '') return 'could not determine the name of the resource';
    let id = this.ids.get(name);
    if (id === undefined) {
      id = { namespace: '', kind: this.resourceKind, name, key: name };
      if (this.ids.size < this.resourceLimit) this.ids.set(name, id);
    }
    return id;
  }

  protected tagResource(res: ResourceId, tags: Tags): void {
    if (this.outputTag !== '') tags[this.outputTag] = res.name;
  }
}
