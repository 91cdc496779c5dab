/**
 * Script evaluation (Kapacitor `tick/eval.go` + `pipeline/pipeline.go`): walks the AST, creates pipeline nodes
 * through the catalog, records property calls, inlines vars into lambdas, and validates the result.
 */
import type * as A from './ast.ts';
import { parse } from './parser.ts';
import type { ScriptLimits } from './limits.ts';
import { TickscriptError, positioned } from './errors.ts';
import { CATALOG, CHAIN_METHODS, chainMethodsOf } from './catalog/index.ts';
import type { ArgType, HandlerSpec, NodeSpec, Param, PropSpec, Signature } from './catalog/types.ts';
import type { DBRP, DeclaredVar, EdgeType, Pipeline, PipelineNode, PropertyCall, TickValue } from './pipeline.ts';
import { validatePipeline } from './validate.ts';
import { foldConstant } from './lambda/fold.ts';
import { formatInfluxqlDuration } from '../gocompat/duration.ts';
import { suggest } from './suggest.ts';

export interface EvaluateOptions {
  /** task vars (templates, `vars` in task JSON): override declared defaults, type-checked */
  vars?: Record<string, TickValue>;
  /** templates: typed vars without a value evaluate to zero values instead of failing */
  allowMissingVars?: boolean;
  /** configured UDFs, callable with `@name()` */
  udfs?: Record<string, UdfInfo>;
  /** configured UDFs that cannot be used, with the reason (their Info request failed at startup) */
  udfErrors?: Record<string, string>;
  /** script size and nesting limits ([limits]); default DEFAULT_SCRIPT_LIMITS */
  limits?: ScriptLimits;
}

export interface UdfInfo {
  readonly wants: 'stream' | 'batch';
  readonly provides: 'stream' | 'batch';
  /** option name → accepted argument types (each option may take several arguments) */
  readonly options: Record<string, readonly ArgType[]>;
}

interface MutableNode {
  id: number; kind: string; name: string; args: TickValue[]; calls: PropertyCall[]; parents: number[];
  children: number[]; wants: EdgeType; provides: EdgeType; pos: { line: number; column: number }; watches?: number;
}

/** what an expression evaluates to at script level */
type Value =
  | TickValue
  | { readonly type: 'node'; readonly node: MutableNode; readonly spec: NodeSpec; readonly handler?: { name: string; spec: HandlerSpec } }
  | { readonly type: 'reference'; readonly name: string }
  | { readonly type: 'globalFunc'; readonly name: 'time' }
  | { readonly type: 'ident'; readonly name: string; readonly pos: A.Pos }
  | { readonly type: 'none' };

type VarType = DeclaredVar['type'];
const VAR_TYPES: readonly VarType[] = ['int', 'float', 'bool', 'string', 'regex', 'duration', 'lambda', 'list', 'star'];

/** ast.ValueType names as Kapacitor prints them (SPEC 2.5) */
function typeName(t: TickValue['type']): string {
  return t === 'bool' ? 'boolean' : t;
}

/** Go type names of the value kinds that are also parameter types (Kapacitor's reflection-style messages) */
const GO_TYPES: Readonly<Record<Exclude<ArgType, 'node'>, string>> = {
  int: 'int64', float: 'float64', string: 'string', bool: 'bool', duration: 'time.Duration', regex: '*regexp.Regexp',
  lambda: '*ast.LambdaNode', star: '*ast.StarNode', timeDimension: 'pipeline.TimeDimension',
};

/** Go type names of values, for reflection-style messages */
function goTypeOf(v: Value): string {
  switch (v.type) {
    case 'list': return '[]interface {}';
    case 'node': return v.handler ? v.handler.spec.goType : v.spec.goType;
    case 'reference': return '*ast.ReferenceNode';
    case 'globalFunc': return 'func(time.Duration) pipeline.TimeDimension';
    case 'ident': return '*ast.IdentifierNode';
    case 'none': return '<nil>';
    default: return GO_TYPES[v.type];
  }
}

/** The Go type a parameter expects: a list of accepted types is an interface {} in Go */
function goTypeOfParam(p: Param): string {
  if (Array.isArray(p)) return 'interface {}';
  const t = p as ArgType;
  return t === 'node' ? 'pipeline.Node' : GO_TYPES[t];
}

function zeroValue(t: VarType): TickValue {
  switch (t) {
    case 'int': return { type: 'int', value: 0n };
    case 'float': return { type: 'float', value: 0 };
    case 'bool': return { type: 'bool', value: false };
    case 'string': return { type: 'string', value: '' };
    case 'regex': return { type: 'regex', value: new RegExp(''), source: '' };
    case 'duration': return { type: 'duration', value: 0n };
    case 'lambda': return { type: 'lambda', value: { kind: 'lambda', expr: { kind: 'bool', value: false, pos: { line: 0, column: 0, index: 0 } }, pos: { line: 0, column: 0, index: 0 } } as A.LambdaNode };
    case 'list': return { type: 'list', value: [] };
    case 'star': return { type: 'star' };
  }
}

const lowerFirst = (s: string): string => (s.length ? s[0]!.toLowerCase() + s.slice(1) : s);

class Evaluator {
  readonly nodes: MutableNode[] = [];
  readonly dbrps: DBRP[] = [];
  readonly vars: Record<string, DeclaredVar> = {};
  private readonly scope = new Map<string, Value>();

  constructor(readonly type: 'stream' | 'batch', private readonly opts: EvaluateOptions) {
    const spec = CATALOG.get(type)!;
    const src = this.newNode(spec, [], [], { line: 1, column: 1 });
    this.scope.set(type, { type: 'node', node: src, spec });
    this.scope.set('time', { type: 'globalFunc', name: 'time' });
  }

  private newNode(spec: NodeSpec, parents: MutableNode[], args: TickValue[], pos: { line: number; column: number }): MutableNode {
    const id = this.nodes.length;
    const wants: EdgeType = spec.wants === 'parent' ? (parents[0]?.provides ?? 'noedge') : spec.wants;
    const provides: EdgeType = spec.provides === 'parent' ? wants : spec.provides;
    const n: MutableNode = {
      id, kind: spec.kind, name: `${spec.desc}${id}`, args, calls: [], parents: parents.map((p) => p.id), children: [],
      wants, provides, pos: { line: pos.line, column: pos.column },
    };
    this.nodes.push(n);
    for (const p of parents) p.children.push(id);
    return n;
  }

  private namesInScope(): string {
    return [...this.scope.keys()].sort().join(',');
  }

  private lookup(name: string): Value {
    const v = this.scope.get(name);
    if (v === undefined) throw new TickscriptError(`name "${name}" is undefined. Names in scope: ${this.namesInScope()}`);
    return v;
  }

  run(program: A.Program): void {
    for (const st of program.statements) this.statement(st);
  }

  private statement(st: A.Statement): void {
    switch (st.kind) {
      case 'dbrp':
        this.dbrps.push({ db: st.db, rp: st.rp });
        return;
      case 'expression':
        this.expr(st.expr);
        return;
      case 'typeDeclaration':
        return this.typeDeclaration(st);
      case 'declaration':
        return this.declaration(st);
    }
  }

  private description(st: A.Statement): string {
    // Kapacitor's CommentNode.CommentString: the comment lines, trimmed, joined by a space
    return (st.comments ?? []).map((c) => c.trim()).join(' ');
  }

  private typeDeclaration(st: A.TypeDeclarationNode): void {
    if (this.scope.has(st.name)) throw new TickscriptError(`attempted to redefine ${st.name}, vars are immutable`);
    const t = st.type as VarType;
    if (!VAR_TYPES.includes(t)) throw new TickscriptError(`invalid var type "${st.type}"`);
    const supplied = this.opts.vars?.[st.name];
    let value: TickValue | undefined;
    if (supplied !== undefined) {
      if (supplied.type !== t) throw new TickscriptError(`invalid type supplied for ${st.name}, got ${typeName(supplied.type)} exp ${typeName(t)}`);
      value = supplied;
    } else if (!this.opts.allowMissingVars) {
      throw new TickscriptError(`missing value for var "${st.name}".`, { hint: `supply it in the task's vars, e.g. {"${st.name}": {"type": "${t}", "value": …}}` });
    }
    this.vars[st.name] = { type: t, value, description: this.description(st) };
    this.scope.set(st.name, value ?? zeroValue(t));
  }

  private declaration(st: A.DeclarationNode): void {
    let value = this.expr(st.value);
    if (value.type === 'ident') value = this.lookup(value.name);
    if (this.scope.has(st.name)) throw new TickscriptError(`attempted to redefine ${st.name}, vars are immutable`);
    if (isTickValue(value) && value.type !== 'timeDimension') {
      const t = value.type as VarType;
      this.vars[st.name] = { type: t, value, description: this.description(st) };
      const supplied = this.opts.vars?.[st.name];
      if (supplied !== undefined) {
        if (supplied.type !== t) throw new TickscriptError(`invalid type supplied for ${st.name}, got ${typeName(supplied.type)} exp ${typeName(t)}`);
        this.vars[st.name] = { type: t, value: supplied, description: this.description(st) };
        value = supplied;
      }
    }
    this.scope.set(st.name, value);
  }

  /** evaluate an expression at script level */
  private expr(e: A.Expr): Value {
    switch (e.kind) {
      case 'number': return e.isInt ? { type: 'int', value: e.int } : { type: 'float', value: e.float };
      case 'string': return { type: 'string', value: e.value };
      case 'bool': return { type: 'bool', value: e.value };
      case 'duration': return { type: 'duration', value: e.ns };
      case 'regex': return { type: 'regex', value: e.regex, source: e.source };
      case 'star': return { type: 'star' };
      case 'reference': return { type: 'reference', name: e.name };
      // a bare identifier is resolved lazily (Kapacitor pushes the node itself): `var x = 1.5s` leaves a bare `s`
      case 'ident': return { type: 'ident', name: e.name, pos: e.pos };
      case 'lambda': return { type: 'lambda', value: this.resolveLambda(e) };
      case 'list': return this.list(e);
      case 'unary':
      case 'binary':
        return this.fold(e);
      case 'function': return this.globalCall(e);
      case 'chain': return this.chain(e);
    }
  }

  private list(e: A.ListNode): Value {
    const items: TickValue[] = [];
    for (const it of e.items) {
      if (it.kind === 'string') items.push({ type: 'string', value: it.value });
      else if (it.kind === 'star') items.push({ type: 'star' });
      else {
        const v = this.lookup(it.name);
        if (!isTickValue(v)) throw positioned(it.pos, `cannot use ${goTypeOf(v)} "${it.name}" in a list`);
        items.push(v);
      }
    }
    return { type: 'list', value: items };
  }

  /** constant binary/unary expressions at script level (e.g. `shift(-5m)`, `var x = 2 * 3`) */
  private fold(e: A.Expr): Value {
    try {
      return foldConstant(this.inline(e));
    } catch (err) {
      if (err instanceof TickscriptError) throw err;
      throw positioned(e.pos, (err as Error).message);
    }
  }

  private resolveLambda(l: A.LambdaNode): A.LambdaNode {
    return { kind: 'lambda', expr: this.inline(l.expr), pos: l.pos, comments: undefined };
  }

  /** Replace identifiers inside a lambda by the literal values of the vars they name (tick/eval.go resolveIdents). */
  private inline(e: A.Expr): A.Expr {
    switch (e.kind) {
      case 'ident': {
        const v = this.lookup(e.name);
        return literalNode(v, e);
      }
      case 'unary': return { ...e, operand: this.inline(e.operand) };
      case 'binary': return { ...e, left: this.inline(e.left), right: this.inline(e.right) };
      case 'function': return { ...e, args: e.args.map((a) => this.inline(a)) };
      case 'lambda': return this.inline(e.expr);
      default: return e;
    }
  }

  private globalCall(f: A.FunctionNode): Value {
    const fn = this.lookup(f.name);
    if (fn.type !== 'globalFunc') throw positioned(f.pos, `${f.name} is not a function`);
    const args = this.args(f);
    if (args.length !== 1 || args[0]!.type !== 'duration') {
      throw positioned(f.pos, `error calling func "time": time requires one duration argument, got (${args.map(goTypeOf).join(', ')})`);
    }
    return { type: 'timeDimension', value: (args[0] as { value: bigint }).value };
  }

  private args(f: A.FunctionNode): Value[] {
    const out: Value[] = [];
    for (const a of f.args) {
      let v = this.expr(a);
      if (v.type === 'ident') v = this.lookup(v.name);
      out.push(v);
    }
    // a single list argument is spread as the argument list (SPEC 2.2)
    if (out.length === 1 && out[0]!.type === 'list') return [...(out[0] as { value: readonly TickValue[] }).value];
    return out;
  }

  private chain(c: A.ChainNode): Value {
    let recv = this.expr(c.left);
    if (recv.type === 'ident') recv = this.lookup(recv.name);
    if (recv.type !== 'node') {
      throw positioned(c.right.pos, `cannot call method "${c.right.name}" on ${goTypeOf(recv)}, it is not a node`);
    }
    if (c.right.kind === 'ident') return this.readProperty(recv, c.right);
    const f = c.right;
    const name = lowerFirst(f.name);
    if (c.op === '@') return this.udf(recv, f);
    const spec = recv.spec;
    const chains = chainMethodsOf(spec);
    const prop = this.findProp(recv, name);
    if (c.op === '|') {
      if (!chains.includes(name)) {
        if (prop) {
          throw positioned(f.pos, `no chaining method "${f.name}" on ${goTypeOf(recv)}, but property does exist. Use '.' operator instead: 'node.${f.name}(..)'.`);
        }
        throw this.noMethod(recv, f, chains);
      }
      return this.chainCall(recv, f, name);
    }
    if (!prop) {
      if (chains.includes(name)) {
        throw positioned(f.pos, `no property method "${f.name}" on ${goTypeOf(recv)}, but chaining method does exist. Use '|' operator instead: 'node|${f.name}(..)'.`);
      }
      throw this.noMethod(recv, f, chains);
    }
    return this.propertyCall(recv, f, name, prop);
  }

  private findProp(recv: Extract<Value, { type: 'node' }>, name: string): { spec: PropSpec; handler: boolean } | undefined {
    const hp = recv.handler?.spec.props[name];
    if (hp && Object.prototype.hasOwnProperty.call(recv.handler!.spec.props, name)) return { spec: hp, handler: true };
    if (Object.prototype.hasOwnProperty.call(recv.spec.props, name)) return { spec: recv.spec.props[name]!, handler: false };
    return undefined;
  }

  private noMethod(recv: Extract<Value, { type: 'node' }>, f: A.FunctionNode, chains: readonly string[]): TickscriptError {
    const candidates = [...chains, ...Object.keys(recv.spec.props), ...Object.keys(recv.handler?.spec.props ?? {})];
    const s = suggest(f.name, candidates);
    let hint = s ? `did you mean "${s}"?` : undefined;
    // stream and batch only offer their selector (SPEC 3.1): point at it
    const name = lowerFirst(f.name);
    if (!hint && (recv.spec.kind === 'stream' || recv.spec.kind === 'batch') && CHAIN_METHODS.includes(name)) {
      hint = recv.spec.kind === 'stream' ? `select the data first: stream|from()|${name}(…)` : `query the data first: batch|query('…')|${name}(…)`;
    }
    return positioned(f.pos, `no method or property "${f.name}" on ${goTypeOf(recv)}`, hint);
  }

  /** check and convert call arguments against a signature (reflection rules of tick/eval.go) */
  private checkArgs(recv: Extract<Value, { type: 'node' }>, f: A.FunctionNode, sigs: Signature, args: Value[], field: boolean): TickValue[] {
    const obj = goTypeOf(recv);
    const pre = `error calling func "${f.name}" on obj ${obj}: `;
    const min = sigs.params.length;
    if (args.length < min) throw positioned(f.pos, `${pre}reflect: Call with too few input arguments`, `${f.name}() takes ${describeSig(sigs)}`);
    if (!sigs.rest && args.length > min) {
      throw positioned(f.pos, field && min === 1 ? `${pre}too many arguments to set property ${f.name}` : `${pre}reflect: Call with too many input arguments`,
        `${f.name}() takes ${describeSig(sigs)}`);
    }
    const out: TickValue[] = [];
    args.forEach((a, i) => {
      const p = i < min ? sigs.params[i]! : sigs.rest!;
      const ok = coerce(a, p);
      if (ok) { out.push(ok); return; }
      const expGo = goTypeOfParam(p);
      if (a.type === 'reference' && accepts(p, 'string')) {
        throw positioned(f.pos, `cannot assign *ast.ReferenceNode to type string, did you use double quotes instead of single quotes?`,
          `write '${a.name}'`);
      }
      const hint = hintForType(a, p);
      if (Array.isArray(p)) {
        // Go takes interface{} here and checks the type afterwards: name the accepted types
        const names = (p as readonly ArgType[]).map((t) => goTypeOfParam(t)).join(' or ');
        throw positioned(f.pos, `${pre}argument ${i + 1} must be ${names}, got ${goTypeOf(a)}`, hint);
      }
      if (field) throw positioned(f.pos, `${pre}reflect.Set: value of type ${goTypeOf(a)} is not assignable to type ${expGo}`, hint);
      throw positioned(f.pos, `${pre}reflect: Call using ${goTypeOf(a)} as type ${expGo}`, hint);
    });
    return out;
  }

  private chainCall(recv: Extract<Value, { type: 'node' }>, f: A.FunctionNode, name: string): Value {
    const parent = recv.node;
    const args = this.args(f);
    if (name === 'deadman') return this.deadman(recv, f, args);
    const spec = CATALOG.get(name)!;
    const targs = this.checkArgs(recv, f, spec.args, args, false);
    if (name === 'window' && parent.provides !== 'stream') throw positioned(f.pos, `cannot Window batch edge`);
    if (name === 'stats') {
      const n = this.newNode(spec, [], targs, f.pos);
      n.watches = parent.id;
      return { type: 'node', node: n, spec };
    }
    const others: MutableNode[] = [];
    if (spec.args.rest === 'node') {
      for (const a of args) others.push((a as Extract<Value, { type: 'node' }>).node);
    }
    const parents = [parent, ...others];
    const fixedWants = spec.wants === 'stream' || spec.wants === 'batch' ? spec.wants : undefined;
    for (const p of parents) {
      const w = fixedWants ?? parent.provides;
      if (p.provides !== w) {
        const childName = `${spec.desc}${this.nodes.length}`;
        throw positioned(f.pos, `cannot add child mismatched edges: ${p.name}:${p.provides} -> ${childName}:${w}`);
      }
    }
    const n = this.newNode(spec, parents, spec.args.rest === 'node' ? [] : targs, f.pos);
    return { type: 'node', node: n, spec };
  }

  private propertyCall(recv: Extract<Value, { type: 'node' }>, f: A.FunctionNode, name: string, prop: { spec: PropSpec; handler: boolean }): Value {
    if (recv.spec.kind === 'udf') return this.udfOption(recv, f, name, prop.spec.sig.params as readonly ArgType[]);
    const args = this.checkArgs(recv, f, prop.spec.sig, this.args(f), !!prop.spec.field);
    const method = prop.handler ? `${recv.handler!.name}.${name}` : name;
    recv.node.calls.push({ method, args, pos: { line: f.pos.line, column: f.pos.column } });
    if (prop.spec.handler) return { type: 'node', node: recv.node, spec: recv.spec, handler: { name, spec: prop.spec.handler } };
    if (prop.handler) return recv;
    return { type: 'node', node: recv.node, spec: recv.spec };
  }

  private readProperty(recv: Extract<Value, { type: 'node' }>, id: A.IdentNode): Value {
    const name = lowerFirst(id.name);
    if (!this.findProp(recv, name)) throw this.noMethod(recv, { kind: 'function', name: id.name, args: [], multiline: false, pos: id.pos }, chainMethodsOf(recv.spec));
    for (let i = recv.node.calls.length - 1; i >= 0; i--) {
      const c = recv.node.calls[i]!;
      if (c.method === name) return c.args.length === 1 ? c.args[0]! : { type: 'list', value: c.args };
    }
    const d = recv.spec.defaults?.[name];
    if (typeof d === 'string') return { type: 'string', value: d };
    if (typeof d === 'bigint') return { type: 'int', value: d };
    if (typeof d === 'number') return { type: 'float', value: d };
    if (typeof d === 'boolean') return { type: 'bool', value: d };
    return { type: 'none' };
  }

  private udf(recv: Extract<Value, { type: 'node' }>, f: A.FunctionNode): Value {
    const info = this.opts.udfs !== undefined && Object.prototype.hasOwnProperty.call(this.opts.udfs, f.name) ? this.opts.udfs[f.name] : undefined;
    const why = this.opts.udfErrors !== undefined && Object.prototype.hasOwnProperty.call(this.opts.udfErrors, f.name) ? this.opts.udfErrors[f.name] : undefined;
    if (why !== undefined) throw positioned(f.pos, `UDF "${f.name}" is configured but unavailable: ${why}`, 'fix the agent or its [udf.functions.' + f.name + '] section and restart kapacitord');
    if (!info) throw positioned(f.pos, `no UDF named "${f.name}" is configured`, 'UDFs are declared in the [udf] section of the configuration');
    if (recv.node.provides !== info.wants) {
      throw positioned(f.pos, `cannot add child mismatched edges: ${recv.node.name}:${recv.node.provides} -> ${f.name}${this.nodes.length}:${info.wants}`);
    }
    const props: Record<string, PropSpec> = {};
    for (const [k, types] of Object.entries(info.options)) props[k] = { sig: { params: types } };
    const spec: NodeSpec = {
      kind: 'udf', desc: f.name, goType: '*pipeline.UDFNode', wants: info.wants, provides: info.provides,
      args: { params: [] }, props, chains: 'all',
    };
    const args = this.checkArgs(recv, f, spec.args, this.args(f), false);
    const n = this.newNode(spec, [recv.node], args, f.pos);
    n.args = [{ type: 'string', value: f.name }];
    return { type: 'node', node: n, spec };
  }

  /**
   * `@udf().option(values…)` (pipeline/udf.go SetProperty): the agent's Info fixes each option's argument count and
   * types exactly; an int literal is not taken for a DOUBLE (no conversion, unlike node properties).
   */
  private udfOption(recv: Extract<Value, { type: 'node' }>, f: A.FunctionNode, name: string, types: readonly ArgType[]): Value {
    const args = this.args(f);
    if (args.length !== types.length) {
      throw positioned(f.pos, `unexpected number of args to ${name}, got ${args.length} expected ${types.length}`,
        `${name}() takes ${types.length === 0 ? 'no arguments' : types.map(udfTypeName).join(', ')}`);
    }
    const values: TickValue[] = [];
    args.forEach((a, i) => {
      const exp = types[i]!;
      const got = isTickValue(a) && UDF_TYPE_NAMES[a.type as ArgType] !== undefined ? a.type as ArgType : undefined;
      if (got !== exp) {
        const gotName = got !== undefined ? udfTypeName(got) : goTypeOf(a);
        throw positioned(f.pos, `unexpected arg to ${name}, got ${gotName} expected ${udfTypeName(exp)}`,
          exp === 'float' && got === 'int' ? 'write a float literal, e.g. 3.0'
            : exp === 'int' && got === 'float' ? 'write an integer literal (no decimal point)'
              : exp === 'string' && a.type === 'reference' ? `write '${(a as { name: string }).name}'` : undefined);
      }
      values.push(a as TickValue);
    });
    recv.node.calls.push({ method: name, args: values, pos: { line: f.pos.line, column: f.pos.column } });
    return { type: 'node', node: recv.node, spec: recv.spec };
  }

  /** node.deadman(threshold, interval, expr...) = stats(interval)|derivative('emitted').nonNegative().unit(interval)|alert().crit(emitted <= threshold AND expr...) */
  private deadman(recv: Extract<Value, { type: 'node' }>, f: A.FunctionNode, args: Value[]): Value {
    const sigs: Signature = { params: ['float', 'duration'], rest: 'lambda' };
    const [threshold, interval, ...exprs] = this.checkArgs(recv, f, sigs, args, false) as [
      Extract<TickValue, { type: 'float' }>, Extract<TickValue, { type: 'duration' }>, ...Extract<TickValue, { type: 'lambda' }>[]];
    const pos = { line: f.pos.line, column: f.pos.column };
    const stats = this.newNode(CATALOG.get('stats')!, [], [interval], pos);
    stats.watches = recv.node.id;
    const der = this.newNode(CATALOG.get('derivative')!, [stats], [{ type: 'string', value: 'emitted' }], pos);
    der.calls.push({ method: 'nonNegative', args: [], pos }, { method: 'unit', args: [interval], pos });
    const alertSpec = CATALOG.get('alert')!;
    const al = this.newNode(alertSpec, [der], [], pos);
    let crit: A.Expr = {
      kind: 'binary', op: '<=', parens: false, multiline: false, pos: f.pos,
      left: { kind: 'reference', name: 'emitted', pos: f.pos },
      right: { kind: 'number', isInt: false, int: 0n, float: threshold.value, literal: String(threshold.value), pos: f.pos },
    };
    for (const e of exprs) {
      const inner = (e.value as A.LambdaNode).expr;
      crit = { kind: 'binary', op: 'AND', parens: false, multiline: false, pos: f.pos, left: crit, right: inner.kind === 'binary' ? { ...inner, parens: true } : inner };
    }
    const every = formatInfluxqlDuration(interval.value);
    al.calls.push(
      { method: 'crit', args: [{ type: 'lambda', value: { kind: 'lambda', expr: crit, pos: f.pos } as A.LambdaNode }], pos },
      { method: 'id', args: [{ type: 'string', value: `node '${recv.node.name}' in task '{{ .TaskName }}'` }], pos },
      { method: 'message', args: [{ type: 'string', value: `{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: {{ index .Fields "emitted" | printf "%0.3f" }} points/${every}.` }], pos },
    );
    return { type: 'node', node: al, spec: alertSpec };
  }
}

/** agent.ValueType names of the TICKscript value types a UDF option can take */
const UDF_TYPE_NAMES: Partial<Record<ArgType, string>> = { bool: 'BOOL', int: 'INT', float: 'DOUBLE', string: 'STRING', duration: 'DURATION' };

function udfTypeName(t: ArgType): string {
  return UDF_TYPE_NAMES[t] ?? t;
}

function isTickValue(v: Value): v is TickValue {
  return !['node', 'reference', 'globalFunc', 'ident', 'none'].includes(v.type);
}

function accepts(p: Param, t: ArgType): boolean {
  return Array.isArray(p) ? p.includes(t) : p === t;
}

/** value → TickValue for a parameter, or undefined when not assignable. int → float is allowed. */
function coerce(v: Value, p: Param): TickValue | undefined {
  if (v.type === 'node') return accepts(p, 'node') ? ({ type: 'int', value: BigInt(v.node.id) } as TickValue) : undefined;
  if (!isTickValue(v)) return undefined;
  if (v.type === 'list') return undefined;
  if (accepts(p, v.type as ArgType)) return v;
  if (v.type === 'int' && accepts(p, 'float')) return { type: 'float', value: Number(v.value) };
  return undefined;
}

function describeSig(s: Signature): string {
  const parts = s.params.map(goTypeOfParam);
  if (s.rest) parts.push(`...${goTypeOfParam(s.rest)}`);
  return parts.length ? `(${parts.join(', ')})` : 'no arguments';
}

function hintForType(a: Value, p: Param): string | undefined {
  if (a.type === 'int' && accepts(p, 'duration')) return `write a duration literal such as ${a.value}s or ${a.value}ms`;
  if (a.type === 'string' && accepts(p, 'lambda')) return 'pass a lambda expression, e.g. lambda: "field" > 0';
  if (a.type === 'float' && accepts(p, 'int')) return 'write an integer literal (no decimal point)';
  return undefined;
}

/** a var's value as a literal node inside a lambda */
function literalNode(v: Value, at: A.IdentNode): A.Expr {
  const pos = at.pos;
  switch (v.type) {
    case 'int': return { kind: 'number', isInt: true, int: v.value, float: Number(v.value), literal: v.value.toString(), pos };
    case 'float': return { kind: 'number', isInt: false, int: 0n, float: v.value, literal: String(v.value), pos };
    case 'string': return { kind: 'string', value: v.value, triple: false, pos };
    case 'bool': return { kind: 'bool', value: v.value, pos };
    case 'duration': return { kind: 'duration', ns: v.value, literal: formatInfluxqlDuration(v.value), pos };
    case 'regex': return { kind: 'regex', source: v.source, regex: v.value, pos };
    case 'lambda': {
      const e = (v.value as A.LambdaNode).expr;
      return e.kind === 'binary' ? { ...e, parens: true } : e;
    }
    default:
      throw positioned(pos, `cannot use var "${at.name}" of type ${goTypeOf(v)} inside a lambda expression`);
  }
}

/** stream or batch: the source the script's chains start from (Kapacitor 1.8 infers the task type from the script) */
export function inferType(program: A.Program): 'stream' | 'batch' {
  let stream = false;
  let batch = false;
  const visit = (e: A.Expr): void => {
    if (e.kind === 'chain') visit(e.left);
    else if (e.kind === 'ident') { if (e.name === 'stream') stream = true; if (e.name === 'batch') batch = true; }
  };
  for (const st of program.statements) {
    if (st.kind === 'expression') visit(st.expr);
    else if (st.kind === 'declaration') visit(st.value);
  }
  return batch && !stream ? 'batch' : 'stream';
}

export function evaluateProgram(program: A.Program, opts: EvaluateOptions = {}): Pipeline {
  const ev = new Evaluator(inferType(program), opts);
  ev.run(program);
  if (ev.nodes.length === 1) throw new TickscriptError('task does nothing', { hint: `chain nodes from ${ev.type}, e.g. ${ev.type === 'stream' ? "stream|from().measurement('m')|httpOut('out')" : "batch|query('SELECT …')|httpOut('out')"}` });
  const pipeline: Pipeline = { type: ev.type, nodes: ev.nodes as PipelineNode[], dbrps: ev.dbrps, vars: ev.vars };
  // templates (missing vars allowed) hold zero values that real tasks replace: validated when a task is made
  if (!opts.allowMissingVars) validatePipeline(pipeline);
  return pipeline;
}

export function evaluateScript(script: string, opts: EvaluateOptions = {}): Pipeline {
  try {
    return evaluateProgram(parse(script, opts.limits), opts);
  } catch (e) {
    // the evaluator recurses over the AST: absurdly deep nesting must still end in a TickscriptError
    if (e instanceof RangeError) throw new TickscriptError('script nesting too deep to evaluate');
    throw e;
  }
}
