/**
 * Task variables as the API carries them (client/v1 `Var`: `{"type", "value", "description"}`): validation of
 * request bodies, and conversion of a template's declared vars to that JSON form.
 */
import type { TickValue, DeclaredVar } from '../../tickscript/pipeline.ts';
import type { VarRecord, VarsRecord } from '../store/types.ts';
import { compileGoRegex } from '../../tickscript/regex.ts';
import { parseInfluxqlDuration } from '../../gocompat/duration.ts';

export const VAR_TYPES = ['bool', 'int', 'float', 'string', 'regex', 'duration', 'lambda', 'list', 'star'] as const;

export class VarError extends Error {
  override name = 'VarError';
}

// Kapacitor decodes int and duration vars into int64 (client/v1 Vars.UnmarshalJSON: json.Number.Int64), so a
// value outside [-2^63, 2^63) is an error there, not a silently wrapped or rounded number.
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const inInt64 = (v: bigint): boolean => v >= INT64_MIN && v <= INT64_MAX;
/** A JSON number that is an integer within int64 (doubles: -2^63 is exact, 2^63 is the first value beyond). */
const isInt64Number = (v: number): boolean => Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63;


/** Validates one var from a request and returns its normalised form (durations as integer ns). */
export function normalizeVar(name: string, raw: unknown): VarRecord {
  const where = `invalid var ${JSON.stringify(name)}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new VarError(`${where}: must be an object {"type", "value"}`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'type' && k !== 'value' && k !== 'description') throw new VarError(`${where}: unknown field ${JSON.stringify(k)}`);
  }
  const type = o['type'];
  const value = o['value'];
  const description = o['description'];
  if (description !== undefined && typeof description !== 'string') throw new VarError(`${where}: description must be a string`);
  // client/v1 Var marshals all three fields (no omitempty)
  const out = (v: unknown): VarRecord => ({ type: type as string, value: v, description: (description as string | undefined) ?? '' });
  const bad = (want: string): VarError => new VarError(`${where}: value ${JSON.stringify(value) ?? 'missing'} is not ${want}`);
  switch (type) {
    case 'bool':
      if (typeof value !== 'boolean') throw bad('a bool');
      return out(value);
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad('an int');
      if (!isInt64Number(value)) throw new VarError(`${where}: value ${JSON.stringify(value)} is out of the int64 range`);
      return out(value);
    case 'float':
      if (typeof value !== 'number') throw bad('a float');
      return out(value);
    case 'string':
      if (typeof value !== 'string') throw bad('a string');
      return out(value);
    case 'regex':
      if (typeof value !== 'string') throw bad('a regex string');
      // the same Go-regex translation scripts use (SPEC 2.1), so `(?i)web` and `\pL` mean what they mean there
      try { compileGoRegex(value); } catch (e) { throw new VarError(`${where}: ${(e as Error).message}`); }
      return out(value);
    case 'duration': {
      const range = (): VarError => new VarError(`${where}: duration ${JSON.stringify(value)} is out of the int64 nanosecond range (about ±292 years)`);
      if (typeof value === 'number' && Number.isInteger(value)) {
        if (!isInt64Number(value)) throw range();
        return out(value);
      }
      if (typeof value === 'string') {
        const ns = parseInfluxqlDuration(value);
        if (ns === undefined) throw bad('a duration (e.g. "10s" or integer nanoseconds)');
        // stored as a JSON number: the double must still be an int64 (2^63-1 ns rounds up to 2^63)
        if (!inInt64(ns) || !isInt64Number(Number(ns))) throw range();
        return out(Number(ns));
      }
      throw bad('a duration (e.g. "10s" or integer nanoseconds)');
    }
    case 'lambda':
      if (typeof value !== 'string' || value.trim() === '') throw bad('a lambda expression string');
      return out(value);
    case 'star':
      return out(null);
    case 'list': {
      if (!Array.isArray(value)) throw bad('a list of vars');
      return out(value.map((el, i) => {
        const v = normalizeVar(`${name}[${i}]`, el);
        if (v.type === 'list') throw new VarError(`${where}: a list cannot contain a list`);
        return v;
      }));
    }
    default:
      throw new VarError(`${where}: unknown type ${JSON.stringify(type)}, want one of ${VAR_TYPES.join(', ')}`);
  }
}

/** Validates the `vars` object of a request body. */
export function normalizeVars(raw: unknown): VarsRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new VarError('invalid vars: must be an object of name → {"type", "value"}');
  const out: Record<string, VarRecord> = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) out[name] = normalizeVar(name, v);
  return out;
}

/**
 * A var as a TickValue for the evaluator. `parseLambda` turns a lambda's source into the evaluator's
 * LambdaExpression (it belongs to the TICKscript front end).
 */
export function varToTickValue(v: VarRecord, parseLambda: (src: string) => TickValue): TickValue {
  switch (v.type) {
    case 'bool': return { type: 'bool', value: v.value as boolean };
    case 'int': return { type: 'int', value: BigInt(v.value as number) };
    case 'float': return { type: 'float', value: v.value as number };
    case 'string': return { type: 'string', value: v.value as string };
    case 'regex': return { type: 'regex', value: compileGoRegex(v.value as string), source: v.value as string };
    case 'duration': return { type: 'duration', value: BigInt(v.value as number) };
    case 'lambda': return parseLambda(v.value as string);
    case 'star': return { type: 'star' };
    case 'list': return { type: 'list', value: (v.value as VarRecord[]).map((e) => varToTickValue(e, parseLambda)) };
    default: throw new VarError(`unknown var type ${JSON.stringify(v.type)}`);
  }
}

/** JSON value of a TickValue (Go marshals int64/durations as integers, regexes as their source). */
function tickValueToJson(v: TickValue, lambdaSource: (v: TickValue) => string): unknown {
  switch (v.type) {
    case 'int': case 'duration': return Number(v.value);
    case 'regex': return v.source;
    case 'lambda': return lambdaSource(v);
    case 'star': return null;
    case 'list': return v.value.map((e) => ({ type: e.type, value: tickValueToJson(e, lambdaSource) }));
    default: return v.value;
  }
}

/** A template's declared vars in the API form (value null when the declaration is typed without a value). */
export function declaredVarsToRecord(vars: Readonly<Record<string, DeclaredVar>>, lambdaSource: (v: TickValue) => string): VarsRecord {
  const out: Record<string, VarRecord> = {};
  for (const name of Object.keys(vars).sort()) {
    const d = vars[name]!;
    out[name] = { type: d.type, value: d.value === undefined ? null : tickValueToJson(d.value, lambdaSource), description: d.description };
  }
  return out;
}
