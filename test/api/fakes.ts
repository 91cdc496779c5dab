/**
 * Small stand-ins for the TICKscript evaluator and the TaskMaster so the API's own rules (status codes, error
 * texts, store consistency) are tested in isolation. The fake script language: the first word is the source
 * (`stream`/`batch`), `dbrp "db"."rp"` lines declare dbrps, `|name()` lines chain nodes, `var x int` declares a
 * var (typed, value from vars), `SYNTAX` anywhere is a parse error.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Pipeline, PipelineNode, TickValue, DeclaredVar } from '../../tickscript/pipeline.ts';
import type { DotView, ExecutionStats, RunningTaskPort, ScriptPort, TaskRunnerPort } from '../../server/api/ports.ts';
import type { VarsRecord } from '../../server/store/types.ts';
import { TaskStore } from '../../server/store/store.ts';
import { TaskService } from '../../server/api/task-service.ts';
import { TemplateService } from '../../server/api/template-service.ts';
import { taskApi } from '../../server/api/index.ts';

export class FakeScript implements ScriptPort {
  evaluate(script: string, vars: VarsRecord): Pipeline {
    return this.build(script, vars, false);
  }
  evaluateTemplate(script: string): Pipeline {
    return this.build(script, {}, true);
  }
  format(script: string): string {
    if (script.includes('SYNTAX')) throw new Error('parser: unexpected SYNTAX');
    return script.split('\n').map((l) => l.trim()).filter((l) => l !== '').join('\n') + '\n';
  }
  lambdaSource(v: TickValue): string {
    return v.type;
  }
  staticDot(taskId: string, p: Pipeline): string {
    return `digraph ${taskId} {\n` + p.nodes.slice(1).map((n) => `${p.nodes[n.parents[0]!]!.name} -> ${n.name};\n`).join('') + '}';
  }
  private build(script: string, vars: VarsRecord, template: boolean): Pipeline {
    if (script.includes('SYNTAX')) throw new Error('parser: unexpected SYNTAX line 1 char 1');
    const lines = script.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const dbrps: { db: string; rp: string }[] = [];
    const declared: Record<string, DeclaredVar> = {};
    const kinds: string[] = [];
    for (const l of lines) {
      let m = /^dbrp "(.+)"\."(.+)"$/.exec(l);
      if (m) { dbrps.push({ db: m[1]!, rp: m[2]! }); continue; }
      m = /^var (\w+) (\w+)$/.exec(l);
      if (m) {
        const v = vars[m[1]!];
        if (!v && !template) throw new Error(`missing value for var "${m[1]}".`);
        declared[m[1]!] = { type: m[2] as DeclaredVar['type'], value: undefined, description: '' };
        continue;
      }
      if (l === 'stream' || l === 'batch') { kinds.push(l); continue; }
      m = /^\|(\w+)\(/.exec(l);
      if (m) { kinds.push(m[1]!); continue; }
      throw new Error(`parser: unexpected ${l}`);
    }
    if (kinds[0] !== 'stream' && kinds[0] !== 'batch') throw new Error('no source node');
    const nodes: PipelineNode[] = kinds.map((k, i) => ({
      id: i, kind: k, name: `${k.toLowerCase()}${i}`, args: [], calls: [],
      parents: i === 0 ? [] : [i - 1], children: i === kinds.length - 1 ? [] : [i + 1],
      wants: 'stream', provides: 'stream', pos: { line: 1, column: 1 },
    }));
    return { type: kinds[0] as 'stream' | 'batch', nodes, dbrps, vars: declared };
  }
}

export class FakeRunning implements RunningTaskPort {
  error: string | undefined = undefined;
  constructor(readonly id: string, readonly pipeline: Pipeline) {}
  dot(view: DotView): string {
    return `digraph ${this.id} {\ngraph [throughput="0.00 points/s"];\n// ${view}\n}`;
  }
  stats(): ExecutionStats {
    return { 'task-stats': { throughput: 0 }, 'node-stats': Object.fromEntries(this.pipeline.nodes.map((n) => [n.name, { errors: 0 }])) };
  }
}

export class FakeRunner implements TaskRunnerPort {
  readonly running = new Map<string, FakeRunning>();
  readonly log: string[] = [];
  /** the fake runtime has no `sideload` node; `failStart` exists but fails every start */
  unsupported(pipeline: Pipeline): string | undefined {
    const bad = pipeline.nodes.find((n) => n.kind === 'sideload');
    return bad ? `line ${bad.pos.line} char ${bad.pos.column}: node "sideload" is not supported yet` : undefined;
  }
  startTask(id: string, pipeline: Pipeline): RunningTaskPort {
    if (this.running.has(id)) throw new Error(`task ${id} is already running`);
    if (pipeline.nodes.some((n) => n.kind === 'failStart')) throw new Error('failStart: cannot start');
    const rt = new FakeRunning(id, pipeline);
    this.running.set(id, rt);
    this.log.push(`start ${id}`);
    return rt;
  }
  stopTask(id: string): void {
    if (this.running.delete(id)) this.log.push(`stop ${id}`);
  }
  getTask(id: string): RunningTaskPort | undefined {
    return this.running.get(id);
  }
  httpOut(taskId: string, endpoint: string): string | undefined {
    const rt = this.running.get(taskId);
    if (!rt || !rt.pipeline.nodes.some((n) => n.kind === 'httpOut') || endpoint !== 'out') return undefined;
    return '{"series":null}';
  }
}

export interface ApiFixture {
  app: FastifyInstance;
  store: TaskStore;
  runner: FakeRunner;
  tasks: TaskService;
  clock: { now: bigint };
  logger: { level: string };
}

/** Builds an app with the task API over an in-memory store (or `dataDir`). */
export async function apiFixture(dataDir = ':memory:'): Promise<ApiFixture> {
  const store = new TaskStore(dataDir);
  const runner = new FakeRunner();
  const clock = { now: 1478629267000000000n }; // 2016-11-08T18:21:07Z
  const now = (): bigint => clock.now;
  const tasks = new TaskService({ store, runner, script: new FakeScript(), now });
  const templates = new TemplateService(tasks, now);
  const app = Fastify();
  const logger = { level: 'info' };
  await app.register(taskApi, {
    tasks, templates, logger, clusterId: store.identity('cluster_id'), serverId: store.identity('server_id'),
    host: 'testhost', version: '1.8.3',
  });
  await app.ready();
  return { app, store, runner, tasks, clock, logger };
}
