/**
 * Lambda compiler: the lambda AST (vars already inlined) → a tree of closures, built once per task node
 * (compileLambdaClosures), or generated code (codegen.ts, what compileLambda uses).
 * Each evaluator instance owns the state of the stateful calls (count, sigma, spread), SPEC 2.4.
 * Per evaluation nothing is allocated except results (and a TimeValue when `"time"` is read).
 */
import type * as A from '../ast.ts';
import { Duration, LambdaError, TimeValue, type CompiledLambda, type LambdaExpression } from '../lambda-contract.ts';
import { formatExpr } from '../format.ts';
import { suggest } from '../suggest.ts';
import { FUNCTIONS, newCallState } from './functions.ts';
import { arith, compare, logicalOperand, negate, not, regexMatch } from './ops.ts';
import { compileLambdaCodegen } from './codegen.ts';
import { compiledLambda, lambdaBody, type LambdaFn as Fn } from './evaluator.ts';
import { MISSING, TYPE_BIT, typeBit, typeOf, type TypeName, type Val } from './values.ts';

interface Ctx { slots: number }

function isFieldValue(v: unknown): boolean {
  const t = typeof v;
  return t === 'number' || t === 'bigint' || t === 'string' || t === 'boolean';
}

function reference(name: string): Fn {
  if (name === 'time') return (s) => new TimeValue(s.time);
  const conflict = `cannot have field and tags with same name ${JSON.stringify(name)}`;
  return (s, x) => {
    if (x !== undefined) {
      const e = x[name];
      if (e !== undefined && isFieldValue(e)) return e;
    }
    const f = s.fields[name];
    const t = s.tags[name];
    const hasT = t !== undefined && typeof t === 'string';
    if (f !== undefined && isFieldValue(f)) {
      if (hasT) throw new LambdaError(conflict);
      return f;
    }
    return hasT ? t : MISSING;
  };
}

function sigError(name: string, args: readonly A.Expr[], vals: Val[], sigs: readonly (readonly TypeName[])[]): LambdaError {
  const got = args.map((a, i) => `${formatExpr(a)}: ${typeOf(vals[i]!)}`).join(', ');
  const avail = sigs.map((s) => `(${s.join(',')})`).sort().join(', ');
  return new LambdaError(`Cannot call function ${JSON.stringify(name)} with args (${got}), available signatures are [${avail}].`);
}

function call(e: A.FunctionNode, ctx: Ctx): Fn {
  const def = FUNCTIONS[e.name];
  if (!def) {
    const s = suggest(e.name, Object.keys(FUNCTIONS));
    throw new LambdaError(`undefined function: ${JSON.stringify(e.name)}${s ? `; hint: did you mean "${s}"?` : ''}`);
  }
  const args = e.args.map((a) => compile(a, ctx));
  const slot = def.stateful ? ctx.slots++ : -1;
  const sigs = def.sigs;
  const accepted = new Set(sigs.map((s) => s.join(',')));
  const impl = def.call;
  const buf: Val[] = new Array<Val>(args.length);
  const n = args.length;
  if (n === 1) {
    const a0 = args[0]!;
    // one-argument signatures as a bit mask of accepted types
    let mask = 0;
    for (const sg of sigs) if (sg.length === 1) mask |= TYPE_BIT[sg[0]!];
    const f1 = def.call1;
    if (f1 && slot < 0) {
      return (s, x, st) => {
        const v = a0(s, x, st);
        if ((typeBit(v) & mask) === 0) throw sigError(e.name, e.args, [v], sigs);
        return f1(v);
      };
    }
    return (s, x, st) => {
      const v = a0(s, x, st);
      if ((typeBit(v) & mask) === 0) throw sigError(e.name, e.args, [v], sigs);
      buf[0] = v;
      return impl(buf, slot >= 0 ? st[slot] : undefined);
    };
  }
  return (s, x, st) => {
    let key = '';
    for (let i = 0; i < n; i++) {
      const v = args[i]!(s, x, st);
      buf[i] = v;
      key = i === 0 ? typeOf(v) : key + ',' + typeOf(v);
    }
    if (!accepted.has(key)) throw sigError(e.name, e.args, buf.slice(), sigs);
    return impl(buf, slot >= 0 ? st[slot] : undefined);
  };
}

function binary(e: A.BinaryNode, ctx: Ctx): Fn {
  const L = compile(e.left, ctx);
  const R = compile(e.right, ctx);
  const ls = formatExpr(e.left);
  const rs = formatExpr(e.right);
  switch (e.op) {
    case 'AND':
      return (s, x, st) => {
        const l = L(s, x, st);
        if (l === false) return false;
        if (l !== true) logicalOperand('AND', 'left', l, undefined, ls);
        const r = R(s, x, st);
        if (typeof r !== 'boolean') logicalOperand('AND', 'right', r, l, rs);
        return r;
      };
    case 'OR':
      return (s, x, st) => {
        const l = L(s, x, st);
        if (l === true) return true;
        if (l !== false) logicalOperand('OR', 'left', l, undefined, ls);
        const r = R(s, x, st);
        if (typeof r !== 'boolean') logicalOperand('OR', 'right', r, l, rs);
        return r;
      };
    case '+':
      return (s, x, st) => {
        const l = L(s, x, st);
        const r = R(s, x, st);
        return typeof l === 'number' && typeof r === 'number' ? l + r : arith('+', l, r, ls, rs);
      };
    case '-':
      return (s, x, st) => {
        const l = L(s, x, st);
        const r = R(s, x, st);
        return typeof l === 'number' && typeof r === 'number' ? l - r : arith('-', l, r, ls, rs);
      };
    case '*':
      return (s, x, st) => {
        const l = L(s, x, st);
        const r = R(s, x, st);
        return typeof l === 'number' && typeof r === 'number' ? l * r : arith('*', l, r, ls, rs);
      };
    case '/':
      return (s, x, st) => {
        const l = L(s, x, st);
        const r = R(s, x, st);
        return typeof l === 'number' && typeof r === 'number' ? l / r : arith('/', l, r, ls, rs);
      };
    case '%': return (s, x, st) => arith('%', L(s, x, st), R(s, x, st), ls, rs);
    case '==': case '!=': {
      const op = e.op;
      return (s, x, st) => compare(op, L(s, x, st), R(s, x, st), ls, rs);
    }
    case '<':
      return (s, x, st) => {
        const l = L(s, x, st);
        const r = R(s, x, st);
        return typeof l === 'number' && typeof r === 'number' ? l < r : compare('<', l, r, ls, rs);
      };
    case '<=':
      return (s, x, st) => {
        const l = L(s, x, st);
        const r = R(s, x, st);
        return typeof l === 'number' && typeof r === 'number' ? l <= r : compare('<=', l, r, ls, rs);
      };
    case '>':
      return (s, x, st) => {
        const l = L(s, x, st);
        const r = R(s, x, st);
        return typeof l === 'number' && typeof r === 'number' ? l > r : compare('>', l, r, ls, rs);
      };
    case '>=':
      return (s, x, st) => {
        const l = L(s, x, st);
        const r = R(s, x, st);
        return typeof l === 'number' && typeof r === 'number' ? l >= r : compare('>=', l, r, ls, rs);
      };
    case '=~': case '!~': {
      const op = e.op;
      return (s, x, st) => regexMatch(op, L(s, x, st), R(s, x, st), ls, rs);
    }
  }
}

function compile(e: A.Expr, ctx: Ctx): Fn {
  switch (e.kind) {
    case 'number': { const v = e.isInt ? e.int : e.float; return () => v; }
    case 'string': { const v = e.value; return () => v; }
    case 'bool': { const v = e.value; return () => v; }
    case 'duration': { const v = new Duration(e.ns); return () => v; }
    case 'regex': { const v = e.regex; return () => v; }
    case 'reference': return reference(e.name);
    case 'unary': {
      const o = compile(e.operand, ctx);
      const src = formatExpr(e.operand);
      return e.op === '-' ? (s, x, st) => negate(o(s, x, st), src) : (s, x, st) => not(o(s, x, st), src);
    }
    case 'binary': return binary(e, ctx);
    case 'function': return call(e, ctx);
    case 'lambda': return compile(e.expr, ctx);
    case 'ident':
      throw new LambdaError(`name "${e.name}" is undefined inside the lambda (vars are inlined when the script is evaluated)`);
    case 'star': case 'list': case 'chain':
      throw new LambdaError(`unsupported expression in lambda: ${formatExpr(e)}`);
  }
}

/**
 * Compile a lambda (a LambdaNode, or its expression) once; create one evaluator per group.
 * Production uses the generated-code compiler (codegen.ts): 1.3–3× faster than closures in bench/lambda.ts, and
 * test/tickscript/codegen.test.ts checks that both agree on values and errors.
 */
export function compileLambda(expr: LambdaExpression): CompiledLambda {
  return compileLambdaCodegen(expr);
}

/** The closure compiler: the reference implementation the generated code is checked against. */
export function compileLambdaClosures(expr: LambdaExpression): CompiledLambda {
  const body = lambdaBody(expr);
  const ctx: Ctx = { slots: 0 };
  const fn = compile(body, ctx);
  return compiledLambda(fn, ctx.slots, body);
}

/** Evaluate a constant expression (no references) at script level, e.g. `-5m` or `2 * 3`. */
export function evalConstant(e: A.Expr): Val {
  const ctx: Ctx = { slots: 0 };
  const fn = compile(e, ctx);
  const st = Array.from({ length: ctx.slots }, newCallState);
  return fn({ time: 0n, fields: {}, tags: {} }, undefined, st);
}
