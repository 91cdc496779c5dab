/**
 * The contract between the lambda compiler (tickscript/lambda/) and the nodes that run lambdas
 * (where, eval, from.where, alert levels, k8sAutoscale.replicas, …).
 *
 * A lambda is compiled once per task node; each group gets its own evaluator instance (stateful
 * functions such as count(), sigma(), spread() keep state per instance, as in Kapacitor).
 */
import type { Fields, FieldValue, Tags } from '../model/point.ts';

/** The lambda's AST (vars already inlined). Opaque to nodes: hand it to compileLambda. */
export interface LambdaExpression {
  readonly kind: string;
}

/** What a lambda reads: `"time"` is `time`, other references resolve to a field, else a tag, else missing. */
export interface LambdaScope {
  readonly time: bigint;
  readonly fields: Fields;
  readonly tags: Tags;
}

/** A duration value inside lambdas (distinct from int, which is also a bigint). */
export class Duration {
  constructor(readonly ns: bigint) {}
}

/** A time value inside lambdas (`"time"`, now()). */
export class TimeValue {
  constructor(readonly ns: bigint) {}
}

/** Everything a lambda expression can evaluate to. float = number, int = bigint. */
export type LambdaValue = FieldValue | Duration | TimeValue | RegExp;

/** Thrown by evaluators; the message is Kapacitor's text (e.g. `mismatched type to binary operator. got int * float. …`). */
export class LambdaError extends Error {
  override name = 'LambdaError';
}

export interface LambdaEvaluator {
  /**
   * Evaluate against a point. `extra` holds names visible in addition to the point's fields
   * (earlier `eval` results, k8sAutoscale's currentField); they take precedence over fields and tags.
   */
  eval(scope: LambdaScope, extra?: Fields): LambdaValue;
  /** eval + the result must be a boolean (where, alert levels) */
  evalBool(scope: LambdaScope, extra?: Fields): boolean;
  /** eval + the result must be an int: `TypeGuard: expression returned unexpected type float, expected int` */
  evalInt(scope: LambdaScope, extra?: Fields): bigint;
}

export interface CompiledLambda {
  /** A fresh evaluator (own state for stateful functions). Nodes create one per group. */
  newEvaluator(): LambdaEvaluator;
  /** The lambda re-printed as TICKscript (for logs and errors). */
  readonly source: string;
}
