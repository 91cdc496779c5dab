/** Source nodes and their selectors: stream, batch, from, query, stats (SPEC 3.3, 3.16; pipeline/stream.go, batch.go, query.go, stats.go). */
import { prop, type PipelineNode } from '../pipeline.ts';
import { appending, field, flag, method, sig, varMethod, type NodeSpec } from './types.ts';
import { validateDimensions } from './dimensions.ts';

export const stream: NodeSpec = {
  kind: 'stream', desc: 'stream', goType: '*pipeline.StreamNode', wants: 'stream', provides: 'stream',
  args: sig(), props: {}, chains: ['from', 'stats', 'deadman'],
};

export const batch: NodeSpec = {
  kind: 'batch', desc: 'batch', goType: '*pipeline.BatchNode', wants: 'batch', provides: 'batch',
  args: sig(), props: {}, chains: ['query', 'stats', 'deadman'],
};

export const from = {
  kind: 'from', desc: 'from', goType: '*pipeline.FromNode', wants: 'stream', provides: 'stream', args: sig(),
  props: {
    database: field('string'), retentionPolicy: field('string'), measurement: field('string'),
    where: appending('lambda'), groupBy: varMethod(['string', 'star']), groupByMeasurement: flag,
    truncate: field('duration'), round: field('duration'), quiet: flag,
  },
  chains: 'all',
  validate: (n) => validateDimensions(n, 'groupBy'),
  defaults: { database: '', retentionPolicy: '', measurement: '', truncate: 0n, round: 0n },
} satisfies NodeSpec;

export const query = {
  kind: 'query', desc: 'query', goType: '*pipeline.QueryNode', wants: 'batch', provides: 'batch', args: sig('string'),
  props: {
    period: field('duration'), every: field('duration'), align: flag, alignGroup: flag, offset: field('duration'),
    fill: method(['string', 'int', 'float']), cluster: field('string'), groupBy: varMethod(['string', 'star', 'timeDimension']),
    groupByMeasurement: flag, cron: field('string'), quiet: flag,
  },
  chains: 'all',
  validate: (n: PipelineNode) => {
    if (prop<bigint>(n, 'every', 0n) !== 0n && prop(n, 'cron', '') !== '') return "must not set both 'every' and 'cron' properties";
    const fill = prop<unknown>(n, 'fill', undefined);
    if (typeof fill === 'string' && !['null', 'none', 'previous', 'linear'].includes(fill)) {
      return `unexpected fill option ${fill}`;
    }
    return undefined;
  },
  defaults: { period: 0n, every: 0n, offset: 0n, cluster: '', cron: '' },
} satisfies NodeSpec;

/** node|stats(interval): a source that emits the watched node's counters (SPEC 3.16) */
export const stats = {
  kind: 'stats', desc: 'stats', goType: '*pipeline.StatsNode', wants: 'noedge', provides: 'stream',
  args: sig('duration'), props: { align: flag }, chains: 'all',
} satisfies NodeSpec;
