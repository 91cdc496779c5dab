/**
 * Filtering / reshaping nodes: where, eval, groupBy, window, derivative, default, delete, log, shift, sample,
 * barrier, changeDetect, stateDuration, stateCount, flatten, union, join, combine, sideload, trickle, noOp
 * (SPEC 3.4, 3.5, 3.8–3.11, 3.16; pipeline/*.go).
 */
import { allCalls, hasCall, lastCall, prop, type PipelineNode, type TickValue } from '../pipeline.ts';
import { ANY_VALUE, appending, field, flag, method, sig, variadic, varMethod, type NodeSpec } from './types.ts';
import { excludes, validateDimensions } from './dimensions.ts';

const base = (kind: string, desc: string, goType: string): Pick<NodeSpec, 'kind' | 'desc' | 'goType' | 'chains'> =>
  ({ kind, desc, goType, chains: 'all' });

export const where = {
  ...base('where', 'where', '*pipeline.WhereNode'), wants: 'parent', provides: 'parent', args: sig('lambda'),
  props: { quiet: flag },
} satisfies NodeSpec;

export const evalNode = {
  ...base('eval', 'eval', '*pipeline.EvalNode'), wants: 'parent', provides: 'parent', args: variadic('lambda'),
  props: { as: varMethod('string'), tags: varMethod('string'), keep: varMethod('string'), quiet: flag },
  validate: (n) => {
    const as = lastCall(n, 'as') ?? [];
    if (as.length !== n.args.length) {
      return `must specify same number of expressions and .as() names: got ${as.length} as names, and ${n.args.length} expressions.`;
    }
    const names = new Set(as.map((a) => (a.type === 'string' ? a.value : '')));
    for (const t of lastCall(n, 'tags') ?? []) {
      if (t.type === 'string' && !names.has(t.value)) return `cannot convert field "${t.value}" to tag, not found in as names`;
    }
    return undefined;
  },
} satisfies NodeSpec;

export const groupBy = {
  ...base('groupBy', 'groupby', '*pipeline.GroupByNode'), wants: 'parent', provides: 'parent',
  args: variadic(['string', 'star', 'timeDimension']),
  props: { exclude: varMethod('string'), byMeasurement: flag },
  validate: (n) => validateDimensions(n, undefined, excludes(n)),
} satisfies NodeSpec;

export const window = {
  ...base('window', 'window', '*pipeline.WindowNode'), wants: 'stream', provides: 'batch', args: sig(),
  props: {
    period: field('duration'), every: field('duration'), align: flag, fillPeriod: flag,
    periodCount: field('int'), everyCount: field('int'),
  },
  // SPEC 3.10
  validate: (n) => {
    const period = prop<bigint>(n, 'period', 0n);
    const every = prop<bigint>(n, 'every', 0n);
    const pc = prop<bigint>(n, 'periodCount', 0n);
    const ec = prop<bigint>(n, 'everyCount', 0n);
    if ((period !== 0n || every !== 0n) && (pc !== 0n || ec !== 0n)) return 'can only use one window type: time or count';
    if (period === 0n && pc === 0n) return 'window node must have either a non zero period or non zero period count';
    if (period < 0n) return `period must be > 0, got ${period}`;
    if (every < 0n) return `every must be >= 0, got ${every}`;
    if (pc < 0n) return 'periodCount must be greater than zero';
    if (pc !== 0n && ec <= 0n) return 'everyCount must be greater than zero';
    if (pc !== 0n && hasCall(n, 'align')) return 'align not supported with count windows';
    return undefined;
  },
  defaults: { period: 0n, every: 0n, periodCount: 0n, everyCount: 0n },
} satisfies NodeSpec;

export const derivative = {
  ...base('derivative', 'derivative', '*pipeline.DerivativeNode'), wants: 'parent', provides: 'parent',
  args: sig('string'),
  props: { unit: field('duration'), nonNegative: flag, as: field('string'), quiet: flag },
  // SPEC 3.8: unit default 1s, as default = the field name
  defaults: { unit: 1000000000n },
} satisfies NodeSpec;

export const defaultNode = {
  ...base('default', 'default', '*pipeline.DefaultNode'), wants: 'parent', provides: 'parent', args: sig(),
  props: {
    field: { ...method('string', ANY_VALUE), argError: ([k, v]) => (k?.type !== 'string' ? '.field() expects a field name as first argument'
      : v === undefined ? `.field('${k.value}') needs a default value`
        : `unsupported type ${v.type} for default field ${k.value}: must be float, int, string or bool`) },
    tag: { ...method('string', 'string'), argError: ([k, v]) => (k?.type !== 'string' ? '.tag() expects a tag name as first argument'
      : `.tag('${k.value}') expects a string value, got ${v ? v.type : 'nothing'}`) },
  },
  validate: (n) => {
    const seen = new Set<string>();
    for (const [k] of allCalls(n, 'field')) {
      const name = k && k.type === 'string' ? k.value : '';
      if (seen.has(name)) return `duplicate field ${name}`;
      seen.add(name);
    }
    return undefined;
  },
} satisfies NodeSpec;

export const deleteNode = {
  ...base('delete', 'delete', '*pipeline.DeleteNode'), wants: 'parent', provides: 'parent', args: sig(),
  // delete.go Field/Tag append: every call names one more field or tag
  props: {
    field: { ...appending('string'), argError: ([a]) => `.field() expects a non-empty field name, got ${a?.type ?? 'nothing'}` },
    tag: { ...appending('string'), argError: ([a]) => `.tag() expects a non-empty tag name, got ${a?.type ?? 'nothing'}` },
  },
} satisfies NodeSpec;

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
export const log: NodeSpec = {
  ...base('log', 'log', '*pipeline.LogNode'), wants: 'parent', provides: 'parent', args: sig(),
  props: { level: field('string'), prefix: field('string') },
  validate: (n) => {
    const level = prop(n, 'level', 'INFO');
    return LOG_LEVELS.includes(level.toUpperCase()) ? undefined : `invalid log level ${level}`;
  },
  defaults: { level: 'INFO', prefix: '' },
};

export const shift: NodeSpec = {
  ...base('shift', 'shift', '*pipeline.ShiftNode'), wants: 'parent', provides: 'parent', args: sig('duration'),
  props: {},
};

export const sample: NodeSpec = {
  ...base('sample', 'sample', '*pipeline.SampleNode'), wants: 'parent', provides: 'parent',
  args: sig(['int', 'duration']), props: {},
  validate: (n) => {
    const r = n.args[0];
    if (r && (r.type === 'int' || r.type === 'duration') && r.value <= 0n) return `sample rate must be positive, got ${r.value}`;
    return undefined;
  },
};

export const barrier = {
  ...base('barrier', 'barrier', '*pipeline.BarrierNode'), wants: 'parent', provides: 'parent', args: sig(),
  props: { idle: field('duration'), period: field('duration'), delete: field('bool') },
  validate: (n) => {
    const idle = prop<bigint>(n, 'idle', 0n);
    const period = prop<bigint>(n, 'period', 0n);
    if (idle !== 0n && period !== 0n) return 'barrier node cannot have both idle and period';
    if (idle === 0n && period === 0n) return 'barrier node must have either a non zero idle or a non zero period';
    if (idle < 0n) return `idle must be greater than zero, got ${idle}`;
    if (period < 0n) return `period must be greater than zero, got ${period}`;
    return undefined;
  },
} satisfies NodeSpec;

export const changeDetect: NodeSpec = {
  ...base('changeDetect', 'changeDetect', '*pipeline.ChangeDetectNode'), wants: 'parent', provides: 'parent',
  // pipeline/change_detect.go has no validation: without fields nothing ever counts as changed
  args: variadic('string'), props: {},
};

export const stateDuration = {
  ...base('stateDuration', 'state_duration', '*pipeline.StateDurationNode'), wants: 'parent', provides: 'parent',
  args: sig('lambda'), props: { unit: field('duration'), as: field('string'), quiet: flag },
  defaults: { unit: 1000000000n, as: 'state_duration' },
} satisfies NodeSpec;

export const stateCount = {
  ...base('stateCount', 'state_count', '*pipeline.StateCountNode'), wants: 'parent', provides: 'parent',
  args: sig('lambda'), props: { as: field('string'), quiet: flag },
  defaults: { as: 'state_count' },
} satisfies NodeSpec;

export const flatten = {
  ...base('flatten', 'flatten', '*pipeline.FlattenNode'), wants: 'parent', provides: 'parent', args: sig(),
  props: { on: varMethod('string'), delimiter: field('string'), tolerance: field('duration'), dropOriginalFieldName: varMethod('bool') },
  defaults: { delimiter: '.', tolerance: 0n },
} satisfies NodeSpec;

/**
 * join's and combine's .as() prefixes, checked in Kapacitor's order: each one non-empty and without the delimiter
 * (`delimiterError`: the two nodes word and test that differently), then no prefix given twice.
 */
function prefixesError(as: readonly TickValue[], kind: 'join' | 'combine', delimiterError: (name: string) => string | undefined): string | undefined {
  for (const a of as) {
    if (a.type !== 'string') continue;
    if (a.value === '') return `must provide a prefix name for the ${kind} node, see .as() property method`;
    const e = delimiterError(a.value);
    if (e !== undefined) return e;
  }
  const seen = new Set<string>();
  for (const a of as) {
    if (a.type !== 'string') continue;
    if (seen.has(a.value)) return 'cannot use the same prefix name see .as() property method';
    seen.add(a.value);
  }
  return undefined;
}

export const union: NodeSpec = {
  ...base('union', 'union', '*pipeline.UnionNode'), wants: 'parent', provides: 'parent', args: variadic('node'),
  props: { rename: field('string') },
};

export const join = {
  ...base('join', 'join', '*pipeline.JoinNode'), wants: 'parent', provides: 'parent', args: variadic('node'),
  props: {
    as: varMethod('string'), on: varMethod('string'), delimiter: field('string'), tolerance: field('duration'),
    fill: method(['string', 'int', 'float']), streamName: field('string'), deleteAll: field('bool'),
  },
  // pipeline/join.go validate (1.8.3 texts; the delimiter message really ends in a tab)
  validate: (n) => {
    const as = lastCall(n, 'as') ?? [];
    if (as.length === 0) return 'a call to join.as() is required to specify the output stream prefixes.';
    if (as.length !== n.parents.length) return 'number of prefixes specified by join.as() must match the number of joined streams';
    const delimiter = prop<string>(n, 'delimiter', '.');
    return prefixesError(as, 'join', (name) => (delimiter !== '' && name.includes(delimiter)
      ? `cannot use name ${name} as field prefix, it contains the delimiter ${JSON.stringify(delimiter)}\t` : undefined));
  },
  defaults: { delimiter: '.', tolerance: 0n },
} satisfies NodeSpec;

export const combine = {
  // pipeline/combine.go: always provides a stream (batches are combined per time into points)
  ...base('combine', 'combine', '*pipeline.CombineNode'), wants: 'parent', provides: 'stream', args: variadic('lambda'),
  props: { as: varMethod('string'), delimiter: field('string'), tolerance: field('duration'), max: field('int') },
  // pipeline/combine.go validate (1.8.3 texts; an empty delimiter is "contained" in every name, as in Go)
  validate: (n) => {
    const as = lastCall(n, 'as') ?? [];
    if (as.length === 0) return 'a call to combine.as() is required to specify the output stream prefixes.';
    if (as.length !== n.args.length) return 'number of prefixes specified by combine.as() must match the number of combine expressions';
    const delimiter = prop<string>(n, 'delimiter', '.');
    return prefixesError(as, 'combine', (name) => (name.includes(delimiter)
      ? `cannot use name ${name} as field prefix, it contains the delimiter character ${delimiter}` : undefined));
  },
  defaults: { delimiter: '.', tolerance: 0n, max: 1000000n },
} satisfies NodeSpec;

export const sideload = {
  ...base('sideload', 'sideload', '*pipeline.SideloadNode'), wants: 'parent', provides: 'parent', args: sig(),
  props: { source: field('string'), order: varMethod('string'), field: method('string', ANY_VALUE), tag: method('string', 'string') },
  validate: (n) => (prop(n, 'source', '') === '' ? 'must specify a source for the sideload node' : undefined),
} satisfies NodeSpec;

export const trickle: NodeSpec = {
  ...base('trickle', 'trickle', '*pipeline.TrickleNode'), wants: 'batch', provides: 'stream', args: sig(), props: {},
};

export const noOp: NodeSpec = {
  ...base('noOp', 'noop', '*pipeline.NoOpNode'), wants: 'parent', provides: 'parent', args: sig(), props: {},
};
