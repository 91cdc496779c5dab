/**
 * Between the agent's Info and TICKscript: option types as the script evaluator checks them (UdfInfo), and the
 * options a script set, as the Init request carries them (pipeline/udf.go SetProperty builds agent.Options in call
 * order, one per call).
 */
import type { ArgType } from '../tickscript/catalog/types.ts';
import type { UdfInfo } from '../tickscript/evaluate.ts';
import type { UdfOptionSetting } from '../tickscript/catalog/udf.ts';
import type { InfoResponse, Option, OptionValue, ValueTypeName } from './messages.ts';

const ARG_TYPES: Readonly<Record<ValueTypeName, ArgType>> = {
  BOOL: 'bool', INT: 'int', DOUBLE: 'float', STRING: 'string', DURATION: 'duration',
};

export function udfInfoOf(info: InfoResponse): UdfInfo {
  const options: Record<string, readonly ArgType[]> = {};
  for (const [name, types] of Object.entries(info.options)) options[name] = types.map((t) => ARG_TYPES[t]);
  return { wants: info.wants, provides: info.provides, options };
}

/** The Init options of a UDF node: its option settings (tickscript/catalog/udf.ts), one agent Option per call. */
export function initOptions(options: readonly UdfOptionSetting[]): Option[] {
  return options.map((o) => ({
    name: o.name,
    values: o.values.map((a): OptionValue => {
      switch (a.type) {
        case 'bool': return { type: 'BOOL', value: a.value };
        case 'int': return { type: 'INT', value: a.value };
        case 'float': return { type: 'DOUBLE', value: a.value };
        case 'string': return { type: 'STRING', value: a.value };
        case 'duration': return { type: 'DURATION', value: a.value };
      }
    }),
  }));
}
