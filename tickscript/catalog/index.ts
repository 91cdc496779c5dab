/**
 * The node catalog: every Kapacitor 1.8 node type reachable from TICKscript, by chaining-method name.
 * Runtimes read their properties as typed settings (`settingsOf(kind, def)`, settings.ts; a UDF's options through
 * `udfOptionsOf(def)`); `nodeDefaults(kind)` gives the documented defaults (SPEC 3.x, 4.1) for properties a script
 * did not set.
 */
import { flag, type NodeSpec } from './types.ts';
import { buildSettings, type SettingsOf } from './settings.ts';
import type { PipelineNode } from '../pipeline.ts';
import { batch, from, query, stats, stream } from './sources.ts';
import * as T from './transform.ts';
import { aggregations, batchProducing, influxqlFunction, selectors, transformations } from './influxql.ts';
import { httpOut, httpPost, influxDBOut, kapacitorLoopback } from './outputs.ts';
import { alert } from './alert.ts';
import { autoscaleShared, ec2Autoscale, k8sAutoscale, swarmAutoscale } from './autoscale.ts';

export type { NodeSpec } from './types.ts';
export { STAR, type HandlerSettings, type SettingsOf } from './settings.ts';
export { udfOptionsOf, type UdfOptionSetting, type UdfOptionValue } from './udf.ts';
export { K8S_KINDS } from './autoscale.ts';
export { ALERT_HANDLERS } from './alert.ts';

const SPECS: NodeSpec[] = [
  stream, batch, from, query, stats,
  T.where, T.evalNode, T.groupBy, T.window, T.derivative, T.defaultNode, T.deleteNode, T.log, T.shift, T.sample,
  T.barrier, T.changeDetect, T.stateDuration, T.stateCount, T.flatten, T.union, T.join, T.combine, T.sideload,
  T.trickle, T.noOp,
  ...aggregations, ...selectors, ...batchProducing, ...transformations,
  httpOut, httpPost, influxDBOut, kapacitorLoopback, alert, k8sAutoscale, swarmAutoscale, ec2Autoscale,
];

/**
 * Every Kapacitor node embeds pipeline/node.go's `node`, whose `QuietFlag` is the property method `.quiet()`: it is
 * a property of every node (the runtime's Node reads it: errors counted, not logged).
 */
const ALL: NodeSpec[] = SPECS.map((s) => ('quiet' in s.props ? s : { ...s, props: { ...s.props, quiet: flag } }));

export const CATALOG: ReadonlyMap<string, NodeSpec> = new Map(ALL.map((s) => [s.kind, s]));

/**
 * Chaining methods of every chainnode (pipeline/node.go `chainnode`): all node kinds except sources, plus
 * `deadman` (stats + derivative + alert).
 */
export const CHAIN_METHODS: readonly string[] = [
  ...ALL.filter((s) => !['stream', 'batch', 'from', 'query'].includes(s.kind)).map((s) => s.kind),
  'deadman',
].sort();

/** chaining methods offered by a node of this spec */
export function chainMethodsOf(spec: NodeSpec): readonly string[] {
  if (spec.chains === 'all') return CHAIN_METHODS;
  if (spec.chains === 'none') return [];
  return spec.chains;
}

/** Documented defaults of a node kind's properties (plain values: bigint for int/duration). */
export function nodeDefaults(kind: string): Readonly<Record<string, unknown>> {
  return CATALOG.get(kind)?.defaults ?? {};
}

/**
 * The catalog entries node runtimes read their settings from, by kind (`influxqlFunction`: the properties every
 * InfluxQL function shares). Each is declared `satisfies NodeSpec`, so its property types stay literal.
 */
const SETTINGS_SPECS = {
  where: T.where, eval: T.evalNode, groupBy: T.groupBy, window: T.window, derivative: T.derivative,
  default: T.defaultNode, delete: T.deleteNode,
  influxqlFunction, stateDuration: T.stateDuration, stateCount: T.stateCount, flatten: T.flatten, join: T.join,
  combine: T.combine, sideload: T.sideload, barrier: T.barrier,
  from, query, stats,
  httpPost, influxDBOut, kapacitorLoopback, alert,
  k8sAutoscale, swarmAutoscale, ec2Autoscale,
};

export type SettingsKind = keyof typeof SETTINGS_SPECS;

/** The settings object of a node runtime reading kind K's settings (e.g. a helper taking `Settings<'alert'>`). */
export type Settings<K extends SettingsKind> = SettingsOf<(typeof SETTINGS_SPECS)[K]>;

/**
 * The settings k8sAutoscale, swarmAutoscale and ec2Autoscale share (catalog/autoscale.ts `autoscaleShared`): the
 * type their shared runtime (nodes/support/autoscale-node.ts) reads; each kind's own settings are assignable to it.
 */
export type AutoscaleSettings = SettingsOf<typeof autoscaleShared>;

/**
 * A node's typed settings, read once at construction from its definition and checked against the catalog entry of
 * `def.kind` (settings.ts says what each property's setting is). Node runtimes read properties only through this.
 */
export function settingsOf<K extends SettingsKind>(kind: K, def: PipelineNode): Settings<K> {
  return buildSettings(SETTINGS_SPECS[kind], def, CATALOG.get(def.kind)?.props);
}
