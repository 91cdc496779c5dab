/**
 * The hot-path caches keep exact semantics: group IDs memoised on the parser's shared tags objects
 * (model/series.ts, runtime/grouping.ts) and per-group node state found through them (runtime/group-state.ts).
 * Expected group IDs follow Kapacitor's models.ToGroupID (model/point.ts groupId; SPEC 3.9); expected
 * derivatives follow SPEC 3.8. Points built by the ingest parser (memo path) must give the same results as the
 * same points with plain tags objects (fallback path).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { GroupStateMap } from '../../runtime/group-state.ts';
import { FixedGrouper, StarGrouper } from '../../runtime/grouping.ts';
import { Node, DeleteGroupMessage, type NodeContext } from '../../runtime/node.ts';
import { groupTags, type Point } from '../../model/point.ts';
import { seriesMemo } from '../../model/series.ts';
import { TaskMaster } from '../../runtime/task-master.ts';
import { nodeFactory, registerNode } from '../../nodes/registry.ts';
import { PipelineBuilder } from '../helpers/runtime/pipeline-builder.ts';
import { seedPipeline } from '../helpers/runtime/seed.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import type { Pipeline } from '../../tickscript/pipeline.ts';
import { builtinNodes } from '../../nodes/index.ts';

const logger = pino({ level: 'silent' });

function parse(lines: string, parser = new LineProtocolParser()): Point[] {
  const r = parser.parse(Buffer.from(lines), { db: 'db', rp: 'rp', precision: 's' });
  assert.deepEqual(r.errors, []);
  return r.points;
}

/** The same points with fresh plain tags objects: no memo, so every cache takes its fallback path. */
function withoutMemo(points: readonly Point[]): Point[] {
  return points.map((p) => ({ ...p, tags: { ...p.tags } }));
}

test('group IDs: one tags object, several dimensions and measurements (models.ToGroupID)', () => {
  const [p] = parse('m,host=a,rs=x,zone=z v=1 1');
  const tags = p!.tags;
  assert.ok(seriesMemo(tags) !== undefined, 'parser-built tags carry a memo');
  const plainTags = { ...tags };
  const byHost = new FixedGrouper(['host'], false);
  const byHostRs = new FixedGrouper(['rs', 'host'], false); // sorted: host, rs
  const byHostName = new FixedGrouper(['host'], true);
  for (const t of [tags, plainTags, tags, plainTags]) { // twice each: computed, then cached
    assert.equal(byHost.group('m', t), 'host=a');
    assert.equal(byHostRs.group('m', t), 'host=a,rs=x');
    // byName: the measurement is part of the ID, also for a name other than the one the tags were parsed with
    assert.equal(byHostName.group('m', t), 'm\nhost=a');
    assert.equal(byHostName.group('other', t), 'other\nhost=a');
    assert.equal(byHostName.group('m', t), 'm\nhost=a');
  }
  // a tag the point lacks contributes `tag=`
  assert.equal(new FixedGrouper(['missing', 'host'], false).group('m', tags), 'host=a,missing=');
  // a second grouper with the same signature shares the memo and agrees
  assert.equal(new FixedGrouper(['host'], false).group('m', tags), 'host=a');
});

test('group IDs: groupBy(*) with exclude, memo and fallback paths agree', () => {
  const [p, q] = parse('m,host=a,rs=x v=1 1\nm,host=b v=1 1');
  const star = new StarGrouper([], false);
  const noHost = new StarGrouper(['host'], true);
  for (const t of [p!.tags, { ...p!.tags }]) {
    assert.equal(star.group('m', t), 'host=a,rs=x');
    assert.deepEqual(star.dims.tagNames, ['host', 'rs']);
    assert.equal(noHost.group('m', t), 'm\nrs=x');
    assert.equal(noHost.group('n', t), 'n\nrs=x');
    assert.deepEqual(noHost.dims.tagNames, ['rs']);
  }
  assert.equal(star.group('m', q!.tags), 'host=b');
  assert.deepEqual(star.dims.tagNames, ['host']);
  assert.equal(noHost.group('m', q!.tags), 'm\n');
  assert.deepEqual(noHost.dims.tagNames, []);
});

test('GroupStateMap.forPoint answers as get(group) through set, replace, delete, clear and slot reuse', () => {
  const [a, b] = parse('m,host=a v=1 1\nm,host=b v=1 1');
  const pa = { ...a!, group: 'host=a' };
  const pb = { ...b!, group: 'host=b' };
  const m = new GroupStateMap<{ n: number }>();
  assert.equal(m.forPoint(pa), undefined);
  const sa = { n: 1 };
  m.set('host=a', sa);
  assert.equal(m.forPoint(pa), sa);
  assert.equal(m.forPoint(pa), sa, 'served from the memo');
  assert.equal(m.forPoint(pb), undefined);
  // the same series seen with another group (another grouping upstream) is not confused
  assert.equal(m.forPoint({ ...pa, group: 'host=b' }), undefined);
  const sa2 = { n: 2 };
  m.set('host=a', sa2); // replace
  assert.equal(m.forPoint(pa), sa2);
  m.delete('host=a');
  assert.equal(m.forPoint(pa), undefined);
  m.set('host=a', sa);
  assert.equal(m.forPoint(pa), sa);
  m.clear();
  assert.equal(m.forPoint(pa), undefined);
  m.set('host=a', sa);
  assert.equal(m.forPoint(pa), sa);
  // another map (another node) on the same series never sees m's state
  const other = new GroupStateMap<{ n: number }>();
  assert.equal(other.forPoint(pa), undefined);
  other.set('host=a', { n: 9 });
  assert.equal(other.forPoint(pa)!.n, 9);
  assert.equal(m.forPoint(pa), sa);
  // m releases its slot; a new map gets it (most recently released first) and must not see m's entries
  m.release();
  const next = new GroupStateMap<{ n: number }>();
  assert.equal(next.forPoint(pa), undefined);
  // the reused slot still holds m's entry for the very same group ID: only the stamp tells the owners apart
  const sn = { n: 3 };
  next.set('host=a', sn);
  assert.equal(next.forPoint(pa), sn);
  assert.equal(next.forPoint(pa), sn, 'served from the memo');
  assert.equal(m.forPoint(pa), sa, 'a released map still answers from the Map itself');
  other.release();
  next.release();
});

/** Turns points with a string field ctl="delete" into DeleteGroup messages for their group. */
class DeleteOnCtl extends Node {
  protected override onPoint(p: Point): void {
    if (p.fields['ctl'] === 'delete') this.emitControl(new DeleteGroupMessage(p.group, p.name, groupTags(p.tags, p.dims), p.dims));
    else this.emitPoint(p);
  }
}
if (!nodeFactory('testDeleteOnCtl')) registerNode('testDeleteOnCtl', (ctx: NodeContext) => new DeleteOnCtl(ctx));

/** httpOut('out') after each write. */
function runEach(pipeline: Pipeline, writes: readonly Point[][]): string[] {
  const tm = new TaskMaster({ nodes: builtinNodes, logger, timingSampleRate: 0 });
  try {
    tm.startTask('t', pipeline, [{ db: 'db', rp: 'rp' }]);
    return writes.map((w) => { tm.writePoints('db', 'rp', w); return tm.httpOut('t', 'out')!; });
  } finally {
    tm.stopAll();
  }
}

function run(pipeline: Pipeline, writes: readonly Point[][]): string {
  return runEach(pipeline, writes).at(-1)!;
}

test('derivative after DeleteGroup starts over, also when its state is found through the series memo (SPEC 3.8)', () => {
  const b = new PipelineBuilder();
  b.stream().chain('from').prop('groupBy', 'host').chain('testDeleteOnCtl').chain('derivative', 'v').chain('httpOut', 'out');
  const pipeline = b.build();
  const parser = new LineProtocolParser();
  const writes = [
    parse('m,host=a v=1 1\nm,host=b v=1 1\nm,host=a v=3 2', parser),
    parse('m,host=a ctl="delete" 3', parser),
    // a's previous point was dropped: 10 at 4 s is a first point again (no output) ...
    parse('m,host=a v=10 4', parser),
    // ... and 16 at 6 s gives (16 - 10) / 2 s = 3
    parse('m,host=a v=16 6', parser),
  ];
  const expected = [
    '{"series":[{"name":"m","tags":{"host":"a"},"columns":["time","v"],"values":[["1970-01-01T00:00:02Z",2]]}]}',
    '{"series":null}',
    '{"series":null}',
    '{"series":[{"name":"m","tags":{"host":"a"},"columns":["time","v"],"values":[["1970-01-01T00:00:06Z",3]]}]}',
  ];
  assert.deepEqual(runEach(pipeline, writes), expected);
  assert.deepEqual(runEach(pipeline, writes.map(withoutMemo)), expected);
});

test('seed pipeline: memo path and fallback path give identical output on shuffled, repeating series', () => {
  let s = 7;
  const rnd = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const parser = new LineProtocolParser();
  const writes: Point[][] = [];
  for (let sec = 0; sec < 30; sec++) {
    const lines: string[] = [];
    for (let h = 0; h < 12; h++) lines.push(`requests,host=h${h},replicaset=rs${h % 3} value=${sec * (10 + h)}i ${1000 + sec}`);
    if (rnd() < 0.3) lines.sort(() => rnd() - 0.5); // break the order the parser guesses
    writes.push(parse(lines.join('\n'), parser));
  }
  const pipeline = seedPipeline(3);
  const viaMemo = run(pipeline, writes);
  const viaMaps = run(pipeline, writes.map(withoutMemo));
  assert.equal(viaMemo, viaMaps);
  // SPEC 3.6-3.8: per replicaset rs0 the hosts h0, h3, h6, h9 each add 10 + h per second: 10+13+16+19 = 58/s
  assert.match(viaMemo, /"tags":\{"replicaset":"rs0"\},"columns":\["time","avg_requests_per_second"\],"values":\[\["[^"]+",58\]\]/);
});

test('a stopped task gives its memo slots back: 100 start/stop cycles keep the fast path available', () => {
  const parser = new LineProtocolParser();
  const w = parse('requests,host=a,replicaset=r value=1i 1\nrequests,host=a,replicaset=r value=3i 2\nrequests,host=a,replicaset=r value=6i 3', parser);
  for (let i = 0; i < 100; i++) {
    const out = run(seedPipeline(1), [w]);
    // derivative 2/s at 2 s, 3/s at 3 s; sum emits 2 at 2 s when 3 s arrives; movingAverage(1) = 2
    assert.equal(out, '{"series":[{"name":"requests","tags":{"replicaset":"r"},"columns":["time","avg_requests_per_second"],"values":[["1970-01-01T00:00:02Z",2]]}]}');
  }
  // the derivative of a fresh task still finds a free slot: its state lands on the series memo
  const m = new GroupStateMap<{ n: number }>();
  const state = { n: 1 };
  m.set('g', state);
  const [p] = w;
  m.forPoint({ ...p!, group: 'g' });
  assert.ok(seriesMemo(p!.tags)!.slots.includes(state));
  m.release();
});
