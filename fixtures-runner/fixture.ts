/**
 * A fixture file (YAML, or JSON — parsed as YAML so errors carry lines too): read and validated completely
 * before anything runs. Every error is a FixtureError naming the file, the line and the key that is wrong.
 * The format is documented in docs/testing-tasks.md.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, Scalar, type Document } from 'yaml';
import { parseWorkloadKey } from './sim-scale-client.ts';

export class FixtureError extends Error {
  override name = 'FixtureError';
  constructor(readonly file: string, message: string, readonly line?: number) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
  }
}

/** Where the input line protocol comes from; `firstLine` maps its line 1 to a line of `file` (inline input). */
export interface FixtureInput {
  readonly precision: string;
  readonly text: string;
  /** the file named in errors: the line-protocol file, or the fixture for inline lines */
  readonly file: string;
  /** inline lines: the fixture line of input line 1 when known (block scalars); undefined for a separate file */
  readonly firstLine: number | undefined;
  /** inline lines: what errors call the input (`input.lines`) */
  readonly label: string;
}

/**
 * Input from a recording file (recordings/, `.tsrec`, as `[replay] dir` holds them): read streaming, its points go
 * to the db/rp they were recorded for (those of none of the task's dbrps are skipped, as a replay does), with their
 * recorded times.
 */
export interface RecordingInput {
  /** absolute path of the recording */
  readonly recording: string;
  /** the fixture (named in errors) */
  readonly file: string;
  /** the fixture line of `input.recording` */
  readonly line: number | undefined;
}

export function isRecordingInput(input: FixtureInput | RecordingInput): input is RecordingInput {
  return 'recording' in input;
}

export interface Fixture {
  /** the fixture file as given */
  readonly file: string;
  readonly name: string;
  readonly taskId: string;
  readonly script: string;
  /** the file named in script errors (the .tick file or the fixture) */
  readonly scriptFile: string;
  /** inline script in a block scalar: the fixture line of the script's line 1 (maps script errors to the fixture) */
  readonly scriptFirstLine: number | undefined;
  /** Kapacitor's task vars JSON form `{name: {type, value}}` (validated when the task is built) */
  readonly vars: Record<string, unknown>;
  /** undefined: the script must declare its dbrp */
  readonly dbrp: { db: string; rp: string } | undefined;
  readonly input: FixtureInput | RecordingInput;
  /** canonical namespace/kind/name → replicas */
  readonly initialReplicas: ReadonlyMap<string, number>;
  readonly expect: Expectations;
}

export interface Expectations {
  /** endpoint → JSON body as GET /kapacitor/v1/tasks/<id>/<endpoint> returns it */
  readonly httpOut: ReadonlyMap<string, unknown>;
  /** node name → stat → value (only the listed stats are compared) */
  readonly stats: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** canonical namespace/kind/name → decided replica counts, in decision order */
  readonly replicas: ReadonlyMap<string, readonly number[]>;
  /** canonical namespace/kind/name → spec.replicas in the simulated cluster at the end */
  readonly cluster: ReadonlyMap<string, number>;
}

const TOP_KEYS = ['name', 'id', 'script', 'tickscript', 'vars', 'dbrp', 'input', 'initialReplicas', 'expect'];
const INPUT_KEYS = ['precision', 'lines', 'file', 'recording'];
const EXPECT_KEYS = ['httpOut', 'stats', 'replicas', 'cluster'];
const PRECISIONS = ['', 'n', 'ns', 'u', 'us', 'µ', 'ms', 's', 'm', 'h'];

type Path = (string | number)[];

/** Positions of the parsed document, for messages. */
class Source {
  constructor(readonly file: string, private readonly doc: Document, private readonly lines: LineCounter) {}

  /** the line of the value at `path` (or, with `key`, of its key) */
  line(path: Path, key = false): number | undefined {
    if (key && path.length > 0) {
      const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const last = path[path.length - 1];
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
        const r = (pair?.key as Scalar | undefined)?.range;
        if (r) return this.lines.linePos(r[0]).line;
      }
    }
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    const r = (node as { range?: [number, number, number] } | null)?.range;
    return r ? this.lines.linePos(r[0]).line : undefined;
  }

  /** the fixture line of the first content line of a block scalar (`lines: |`), else undefined */
  blockStart(path: Path): number | undefined {
    const node = this.doc.getIn(path, true);
    if (!isScalar(node) || (node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED) || !node.range) return undefined;
    return this.lines.linePos(node.range[0]).line + 1;
  }

  error(path: Path, message: string, key = false): FixtureError {
    return new FixtureError(this.file, `${pathText(path)}: ${message}`, this.line(path, key));
  }
}

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** A recording is read while the fixture runs (streaming); here only that it is there and is a file. */
function checkRecordingFile(path: string, file: string, line: number | undefined): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FixtureError(file, `input.recording: cannot read recording ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, line);
  }
  if (!isFile) throw new FixtureError(file, `input.recording: cannot read recording ${path}: not a file`, line);
}

function readFile(path: string, what: string, file: string, line?: number): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new FixtureError(file, `cannot read ${what} ${path}: ${reason}`, line);
  }
}

function checkKeys(src: Source, obj: Record<string, unknown>, allowed: readonly string[], path: Path): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw src.error([...path, k], `unknown key ${JSON.stringify(k)} (allowed here: ${allowed.join(', ')})`, true);
    }
  }
}

function str(src: Source, v: unknown, path: Path): string {
  if (typeof v !== 'string') throw src.error(path, `must be a string, got ${describe(v)}`);
  return v;
}

function replicaCount(src: Source, v: unknown, path: Path): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw src.error(path, `must be a replica count (an integer >= 0), got ${describe(v)}`);
  return v;
}

function workload(src: Source, key: string, path: Path): string {
  try {
    return parseWorkloadKey(key);
  } catch (e) {
    throw src.error(path, (e as Error).message, true);
  }
}

/** `db.rp` (no quoting needed in a fixture). */
function dbrp(src: Source, v: unknown): { db: string; rp: string } {
  const s = str(src, v, ['dbrp']);
  const i = s.indexOf('.');
  if (i <= 0 || i === s.length - 1) throw src.error(['dbrp'], `must be "db.rp", got ${JSON.stringify(s)}`);
  return { db: s.slice(0, i), rp: s.slice(i + 1) };
}

/** The default task id: the file name without `.fixture`, `.yaml`/`.yml`/`.json`. */
function defaultTaskId(file: string): string {
  return basename(file).replace(/\.(ya?ml|json)$/i, '').replace(/\.fixture$/i, '') || 'fixture';
}

/** Read and validate a fixture file; throws FixtureError. */
export function loadFixture(file: string): Fixture {
  const text = readFile(file, 'fixture', file);
  const lines = new LineCounter();
  if (/\.json$/i.test(file)) {
    // YAML would accept some broken JSON (`"a": }` is a null): hold .json files to JSON's own syntax
    try {
      JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const at = /at position (\d+)/.exec(msg);
      const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
      throw new FixtureError(file, `not valid JSON: ${msg}`, line);
    }
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new FixtureError(file, `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}`, lines.linePos(e.pos[0]).line);
  }
  const src = new Source(file, doc, lines);
  const root = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isObject(root)) throw new FixtureError(file, `a fixture is a mapping of ${TOP_KEYS.join(', ')}; got ${describe(root)}`, 1);
  checkKeys(src, root, TOP_KEYS, []);
  const dir = dirname(file);

  // the script: inline or a file next to the fixture
  let script: string;
  let scriptFile = file;
  let scriptFirstLine: number | undefined;
  if (root['script'] !== undefined && root['tickscript'] !== undefined) {
    throw src.error(['tickscript'], 'give either script (a path) or tickscript (inline), not both', true);
  }
  if (root['script'] !== undefined) {
    const rel = str(src, root['script'], ['script']);
    scriptFile = resolve(dir, rel);
    script = readFile(scriptFile, 'script', file, src.line(['script']));
  } else if (root['tickscript'] !== undefined) {
    script = str(src, root['tickscript'], ['tickscript']);
    scriptFirstLine = src.blockStart(['tickscript']);
  } else {
    throw new FixtureError(file, 'missing the TICKscript: add script: <path relative to the fixture> or tickscript: <inline script>', 1);
  }

  const vars = root['vars'] ?? {};
  if (!isObject(vars)) throw src.error(['vars'], `must be a mapping of name → {type, value} (Kapacitor's task vars), got ${describe(vars)}`);

  const name = root['name'] === undefined ? basename(file) : str(src, root['name'], ['name']);
  const taskId = root['id'] === undefined ? defaultTaskId(file) : str(src, root['id'], ['id']);
  if (taskId === '') throw src.error(['id'], 'must not be empty');

  // input
  const inp = root['input'];
  if (inp === undefined) throw new FixtureError(file, 'missing input: add input: {precision: s, lines: | <line protocol>}, input: {file: data.lp} or input: {recording: data.tsrec}', 1);
  if (!isObject(inp)) throw src.error(['input'], `must be a mapping of ${INPUT_KEYS.join(', ')}, got ${describe(inp)}`);
  checkKeys(src, inp, INPUT_KEYS, ['input']);
  const sources = ['lines', 'file', 'recording'].filter((k) => inp[k] !== undefined);
  if (sources.length > 1) throw src.error(['input', sources[1]!], `give only one of lines (inline), file or recording, not ${sources.join(' and ')}`, true);
  let input: FixtureInput | RecordingInput;
  if (inp['recording'] !== undefined) {
    if (inp['precision'] !== undefined) {
      throw src.error(['input', 'precision'], 'does not apply to a recording (its points carry nanosecond timestamps); remove it', true);
    }
    const rec = resolve(dir, str(src, inp['recording'], ['input', 'recording']));
    const line = src.line(['input', 'recording']);
    checkRecordingFile(rec, file, line);
    input = { recording: rec, file, line };
  } else {
    const precision = inp['precision'] === undefined ? '' : str(src, inp['precision'], ['input', 'precision']);
    if (!PRECISIONS.includes(precision)) throw src.error(['input', 'precision'], `must be one of n, ns, u, us, µ, ms, s, m, h, got ${JSON.stringify(precision)}`);
    if (inp['lines'] !== undefined) {
      input = { precision, text: str(src, inp['lines'], ['input', 'lines']), file, firstLine: src.blockStart(['input', 'lines']), label: 'input.lines' };
    } else if (inp['file'] !== undefined) {
      const lp = resolve(dir, str(src, inp['file'], ['input', 'file']));
      input = { precision, text: readFile(lp, 'input file', file, src.line(['input', 'file'])), file: lp, firstLine: undefined, label: lp };
    } else {
      throw src.error(['input'], 'needs lines (inline line protocol), file (a line-protocol file relative to the fixture) or recording (a .tsrec recording relative to the fixture)');
    }
  }

  // the simulated cluster
  const initialReplicas = new Map<string, number>();
  const init = root['initialReplicas'];
  if (init !== undefined) {
    if (!isObject(init)) throw src.error(['initialReplicas'], `must be a mapping of namespace/kind/name → replicas, got ${describe(init)}`);
    for (const [k, v] of Object.entries(init)) initialReplicas.set(workload(src, k, ['initialReplicas', k]), replicaCount(src, v, ['initialReplicas', k]));
  }

  return {
    file, name, taskId, script, scriptFile, scriptFirstLine, vars, input, initialReplicas,
    dbrp: root['dbrp'] === undefined ? undefined : dbrp(src, root['dbrp']),
    expect: expectations(src, root['expect']),
  };
}

function expectations(src: Source, e: unknown): Expectations {
  if (e === undefined) throw new FixtureError(src.file, `missing expect: a fixture needs at least one expectation (${EXPECT_KEYS.join(', ')})`, 1);
  if (!isObject(e)) throw src.error(['expect'], `must be a mapping of ${EXPECT_KEYS.join(', ')}, got ${describe(e)}`);
  checkKeys(src, e, EXPECT_KEYS, ['expect']);
  const httpOut = new Map<string, unknown>();
  const stats = new Map<string, Map<string, number>>();
  const replicas = new Map<string, number[]>();
  const cluster = new Map<string, number>();
  const section = (key: string): Record<string, unknown> => {
    const v = e[key];
    if (v === undefined) return {};
    if (!isObject(v)) throw src.error(['expect', key], `must be a mapping, got ${describe(v)}`);
    return v;
  };
  for (const [endpoint, body] of Object.entries(section('httpOut'))) httpOut.set(endpoint, body);
  for (const [node, values] of Object.entries(section('stats'))) {
    if (!isObject(values)) throw src.error(['expect', 'stats', node], `must be a mapping of stat → number (e.g. increase_events: 5), got ${describe(values)}`);
    const m = new Map<string, number>();
    for (const [stat, v] of Object.entries(values)) {
      if (typeof v !== 'number') throw src.error(['expect', 'stats', node, stat], `must be a number, got ${describe(v)}`);
      m.set(stat, v);
    }
    stats.set(node, m);
  }
  for (const [k, v] of Object.entries(section('replicas'))) {
    const path = ['expect', 'replicas', k];
    if (!Array.isArray(v)) throw src.error(path, `must be the list of decided replica counts in order (e.g. [3, 4, 6]), got ${describe(v)}`);
    replicas.set(workload(src, k, path), v.map((x, i) => replicaCount(src, x, [...path, i])));
  }
  for (const [k, v] of Object.entries(section('cluster'))) cluster.set(workload(src, k, ['expect', 'cluster', k]), replicaCount(src, v, ['expect', 'cluster', k]));
  if (httpOut.size + stats.size + replicas.size + cluster.size === 0) {
    throw src.error(['expect'], `has no expectations: add at least one of ${EXPECT_KEYS.join(', ')}`);
  }
  return { httpOut, stats, replicas, cluster };
}
