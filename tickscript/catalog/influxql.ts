/**
 * InfluxQL functions as nodes (SPEC 3.6, 3.7; pipeline/influxql.go): aggregations, selectors, transformations.
 * Every one is a *pipeline.InfluxQLNode whose desc is the method name; `.as()` defaults to the method name.
 */
import { field, flag, sig, variadic, type EdgeRule, type NodeSpec, type Signature } from './types.ts';
import type { SettingsSpec } from './settings.ts';

/**
 * Every InfluxQL node is a *pipeline.InfluxQLNode, so every one accepts `.as()`, `.usePointTimes()` and `.quiet()`
 * (pipeline/influxql.go: As and PointTimes are fields of the shared type). `.usePointTimes()` changes the output only
 * where a function keeps point times (selectors, distinct, top, bottom); `selector` documents which those are.
 */
const INFLUXQL_PROPS = { as: field('string'), usePointTimes: flag, quiet: flag };

/**
 * The properties every InfluxQL function shares, for the runtimes that serve them all (nodes/influxql.ts,
 * influxql-multi.ts, stream-transform.ts, moving-average.ts …): `.as()` has no default here, it is the kind's name.
 */
export const influxqlFunction = { kind: 'influxqlFunction', props: INFLUXQL_PROPS } satisfies SettingsSpec;

function influxql(kind: string, args: Signature, provides: EdgeRule, _selector: boolean): NodeSpec {
  return {
    kind, desc: kind, goType: '*pipeline.InfluxQLNode', wants: 'parent', provides, args,
    props: INFLUXQL_PROPS,
    chains: 'all',
    defaults: { as: kind },
  };
}

const one = sig('string');

/** aggregations: one point per batch / per timestamp on streams → stream edge */
export const aggregations: NodeSpec[] = [
  influxql('count', one, 'stream', false),
  influxql('mean', one, 'stream', false),
  influxql('median', one, 'stream', false),
  influxql('mode', one, 'stream', false),
  influxql('spread', one, 'stream', false),
  influxql('sum', one, 'stream', false),
  influxql('stddev', one, 'stream', false),
];

/** selectors: keep the selected point (SPEC 3.6) */
export const selectors: NodeSpec[] = [
  influxql('first', one, 'stream', true),
  influxql('last', one, 'stream', true),
  influxql('min', one, 'stream', true),
  influxql('max', one, 'stream', true),
  {
    ...influxql('percentile', sig('string', 'float'), 'stream', true),
    validate: (n) => {
      const p = n.args[1];
      if (p && p.type === 'float' && (p.value < 0 || p.value > 100)) return `invalid percentile ${p.value}, must be between 0 and 100`;
      return undefined;
    },
  },
];

/** functions that produce several points per input batch → batch edge */
export const batchProducing: NodeSpec[] = [
  influxql('distinct', one, 'batch', false),
  { ...influxql('top', variadic('string', 'int', 'string'), 'batch', true), validate: topBottom },
  { ...influxql('bottom', variadic('string', 'int', 'string'), 'batch', true), validate: topBottom },
  influxql('holtWinters', sig('string', 'int', 'int', 'duration'), 'batch', false),
  influxql('holtWintersWithFit', sig('string', 'int', 'int', 'duration'), 'batch', false),
];

function topBottom(n: { args: readonly { type: string; value?: unknown }[]; kind: string }): string | undefined {
  const num = n.args[0];
  if (num && num.type === 'int' && (num.value as bigint) <= 0n) return `${n.kind} call first argument must be positive, got ${num.value}`;
  return undefined;
}

/** stream transformations: one output per input point, same edge as input (SPEC 3.7) */
export const transformations: NodeSpec[] = [
  influxql('difference', one, 'parent', false),
  influxql('cumulativeSum', one, 'parent', false),
  {
    ...influxql('movingAverage', sig('string', 'int'), 'parent', false),
    validate: (n) => {
      const w = n.args[1];
      if (w && w.type === 'int' && w.value < 1n) return `movingAverage window must be >= 1, got ${w.value}`;
      return undefined;
    },
  },
  influxql('elapsed', sig('string', 'duration'), 'parent', false),
];
