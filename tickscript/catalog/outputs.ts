/** Output nodes: httpOut, httpPost, influxDBOut, kapacitorLoopback (SPEC 3.12–3.14). */
import { allCalls, prop } from '../pipeline.ts';
import { field, flag, method, sig, variadic, type NodeSpec } from './types.ts';

export const httpOut: NodeSpec = {
  kind: 'httpOut', desc: 'http_out', goType: '*pipeline.HTTPOutNode', wants: 'parent', provides: 'parent',
  args: sig('string'), props: {}, chains: 'all',
};

export const httpPost = {
  kind: 'httpPost', desc: 'http_post', goType: '*pipeline.HTTPPostNode', wants: 'parent', provides: 'parent',
  args: variadic('string'),
  props: {
    endpoint: method('string'), header: method('string', 'string'), codeField: field('string'),
    captureResponse: flag, timeout: field('duration'), skipSSLVerification: flag,
  },
  chains: 'all',
  // SPEC 3.13: exactly one of a URL argument or .endpoint(); no Authenticate header
  validate: (n) => {
    const endpoints = allCalls(n, 'endpoint');
    if (n.args.length > 1) return `httpPost expects 0 or 1 arguments, got ${n.args.length}`;
    if (endpoints.length > 1) return `httpPost expects 0 or 1 endpoints, got ${endpoints.length}`;
    if (n.args.length === 0 && endpoints.length === 0) return 'must provide url or endpoint';
    if (n.args.length > 0 && endpoints.length > 0) return 'only one endpoint and url may be specified';
    for (const [k] of allCalls(n, 'header')) {
      if (k?.type === 'string' && k.value.toLowerCase() === 'authenticate') return 'cannot set \'authenticate\' header';
    }
    return undefined;
  },
  defaults: { codeField: '', timeout: 0n },
} satisfies NodeSpec;

export const influxDBOut = {
  kind: 'influxDBOut', desc: 'influxdb_out', goType: '*pipeline.InfluxDBOutNode', wants: 'parent', provides: 'noedge',
  args: sig(),
  props: {
    cluster: field('string'), database: field('string'), retentionPolicy: field('string'), measurement: field('string'),
    writeConsistency: field('string'), precision: field('string'), buffer: field('int'), flushInterval: field('duration'),
    tag: method('string', 'string'), create: flag, quiet: flag,
  },
  chains: 'none',
  validate: (n) => {
    const p = prop(n, 'precision', '');
    if (p !== '' && !['n', 'ns', 'u', 'us', 'µ', 'ms', 's', 'm', 'h'].includes(p)) return `invalid precision ${p}`;
    return undefined;
  },
  defaults: { buffer: 1000n, flushInterval: 10000000000n },
} satisfies NodeSpec;

export const kapacitorLoopback = {
  kind: 'kapacitorLoopback', desc: 'kapacitor_loopback', goType: '*pipeline.KapacitorLoopbackNode', wants: 'parent',
  provides: 'noedge', args: sig(),
  props: { database: field('string'), retentionPolicy: field('string'), measurement: field('string'), tag: method('string', 'string') },
  chains: 'none',
  validate: (n) => {
    if (prop(n, 'database', '') === '') return 'must specify a database';
    if (prop(n, 'retentionPolicy', '') === '') return 'must specify a retention policy';
    return undefined;
  },
} satisfies NodeSpec;
