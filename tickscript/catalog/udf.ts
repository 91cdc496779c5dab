/**
 * A UDF node's options (`@myUDF().field('x').size(10)`, pipeline/udf.go SetProperty). Unlike every other node, a
 * UDF's properties are not in the static catalog: the agent's Info names them and their argument types when the
 * task is defined (tickscript/evaluate.ts checks each call against it then). So their names are honestly dynamic
 * strings, and the settings of a UDF node are this list, read once at node construction, with values typed as the
 * agent protocol carries them — the node never walks its raw property calls.
 */
import type { PipelineNode, TickValue } from '../pipeline.ts';

/** an option value: the five types a UDF option can have (udf.proto ValueType) */
export type UdfOptionValue = Extract<TickValue, { type: 'bool' | 'int' | 'float' | 'string' | 'duration' }>;

/** one option call, in script order (Kapacitor sends one agent Option per call, repeats included) */
export interface UdfOptionSetting {
  readonly name: string;
  readonly values: readonly UdfOptionValue[];
}

function optionValue(v: TickValue, node: string, option: string): UdfOptionValue {
  switch (v.type) {
    case 'bool': case 'int': case 'float': case 'string': case 'duration': return v;
    default: throw new Error(`${node}: option .${option}(): a ${v.type} value cannot be sent to a UDF`);
  }
}

/** The options a script set on UDF node `def`, in call order; a value the protocol cannot carry is an error naming node and option. */
export function udfOptionsOf(def: PipelineNode): readonly UdfOptionSetting[] {
  if (def.kind !== 'udf') throw new Error(`${def.name}: UDF options of a ${def.kind} node`);
  return def.calls.map((c) => ({ name: c.method, values: c.args.map((a) => optionValue(a, def.name, c.method)) }));
}
