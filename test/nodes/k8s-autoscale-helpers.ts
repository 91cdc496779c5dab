/**
 * Shared pieces of the k8sAutoscale node tests: a task harness with a real KubernetesClients registry pointing at
 * the kube-api test server, access to the node instance, and a minimal lambda compiler for hand-built pipelines
 * (the unit seam used until/unless TICKscript's compileLambda is available; it is not a Kubernetes mock).
 */
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { LambdaError, type CompiledLambda, type LambdaEvaluator, type LambdaExpression, type LambdaScope } from '../../tickscript/lambda-contract.ts';
import type { Fields } from '../../model/point.ts';
import { KubernetesClients, defaultKubernetesSection } from '../../kube/index.ts';
import type { KubeApiServer } from '../../fixtures/kube-api/server.ts';
import type { Harness } from '../helpers/runtime/replay.ts';
import type { DecisionRecord, EngineCounters, RecordQuery } from '../../autoscale/index.ts';

/** `int("field")` (field must be an int) or `"current" + "field"` with `current` from currentField. */
export interface TestLambda extends LambdaExpression {
  readonly kind: 'test-int-field' | 'test-current-plus';
  readonly field: string;
  readonly current?: string;
}

export function intField(field: string): TestLambda {
  return { kind: 'test-int-field', field };
}

export function currentPlus(current: string, field: string): TestLambda {
  return { kind: 'test-current-plus', field, current };
}

function intOf(scope: LambdaScope, extra: Fields | undefined, name: string): bigint {
  const v = extra?.[name] ?? scope.fields[name];
  if (typeof v !== 'bigint') throw new LambdaError(`TypeGuard: expression returned unexpected type ${typeof v === 'number' ? 'float' : 'missing'}, expected int`);
  return v;
}

/** Compiles the test lambdas above instead of TICKscript's; returns the function that puts the previous compiler back. */
export function installTestLambdas(): () => void {
  const previous = setLambdaCompiler((expr): CompiledLambda => {
    const e = expr as TestLambda;
    if (e.kind !== 'test-int-field' && e.kind !== 'test-current-plus') throw new Error(`test lambda compiler: unknown ${e.kind}`);
    const evalInt = (scope: LambdaScope, extra?: Fields): bigint =>
      e.kind === 'test-int-field' ? intOf(scope, extra, e.field) : intOf(scope, extra, e.current!) + intOf(scope, extra, e.field);
    const ev: LambdaEvaluator = {
      eval: evalInt,
      evalInt,
      evalBool: () => { throw new LambdaError('not a boolean expression'); },
    };
    return { newEvaluator: () => ev, source: e.kind };
  });
  return () => { setLambdaCompiler(previous); };
}

/** a Kubernetes registry for the API test server; 10 s per request by default (a loaded machine can take over 1 s) */
export function registryFor(api: KubeApiServer, timeoutMs = 10_000): KubernetesClients {
  return new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true, 'api-servers': [api.url] }], { env: {}, timeoutMs });
}

export interface AutoscaleNodeView {
  whenIdle(): Promise<void>;
  readonly pending: number;
  readonly errors: number;
  decisions(q: RecordQuery): DecisionRecord[];
  readonly autoscaleCounters: EngineCounters;
}

/** The replica counts the node decided (its `scaled` records), in order: Kapacitor's "updates sent". */
export function decided(node: AutoscaleNodeView, resource?: string): number[] {
  return node.decisions({ reasons: new Set(['scaled']), limit: 1e9, ...(resource ? { resource } : {}) }).map((r) => r.final);
}

/** The (first) autoscale node instance of a running task. */
export function autoscaleNode(h: Harness): AutoscaleNodeView {
  const nodes = (h.task as unknown as { nodes: { def: { kind: string } }[] }).nodes;
  const n = nodes.find((x) => x.def.kind === 'k8sAutoscale' || x.def.kind === 'swarmAutoscale' || x.def.kind === 'ec2Autoscale');
  if (!n) throw new Error('no autoscale node in the task');
  return n as unknown as AutoscaleNodeView;
}

/** spec.replicas of the successful scale writes the server saw, in order. */
export function scaleWrites(api: KubeApiServer, name?: string): number[] {
  return api.state.scaleWrites()
    .filter((r) => r.status === 200 && (name === undefined || r.path.includes(`/${name}/scale`)))
    .map((r) => JSON.parse(r.body).spec.replicas);
}
