/**
 * Alternative lambda compiler that generates one JavaScript function per lambda from the AST (measured against the
 * closure compiler in bench/lambda.ts; the closure compiler stays the production one, see docs/tickscript.md).
 *
 * Safety: no user text is ever spliced into the generated source. Every name, string, regex, float and duration
 * goes through the constants array `k`; the source contains only generated temporaries, operators, integer
 * indexes into `k` and bigint literals printed from parsed BigInts. Semantics are shared with the closure compiler:
 * the slow paths call the same helpers (ops.ts, functions.ts).
 */
import type * as A from '../ast.ts';
import { Duration, LambdaError, TimeValue, type CompiledLambda, type LambdaExpression } from '../lambda-contract.ts';
import { formatExpr } from '../format.ts';
import { suggest } from '../suggest.ts';
import { FUNCTIONS } from './functions.ts';
import { arith, compare, logicalOperand, negate, not, regexMatch } from './ops.ts';
import { compiledLambda, lambdaBody, type LambdaFn as Fn } from './evaluator.ts';
import { MISSING, TYPE_BIT, typeBit, typeOf, type TypeName, type Val } from './values.ts';

const isFieldValue = (v: unknown): boolean => {
  const t = typeof v;
  return t === 'number' || t === 'bigint' || t === 'string' || t === 'boolean';
};

/** helpers the generated code calls (passed in as `rt`) */
const RT = {
  MISSING, TimeValue, arith, compare, regexMatch, logicalOperand, negate, not, typeBit, isFieldValue,
  conflict(name: string): never {
    throw new LambdaError(`cannot have field and tags with same name ${JSON.stringify(name)}`);
  },
  sigError(name: string, args: readonly A.Expr[], vals: Val[], sigs: readonly (readonly TypeName[])[]): never {
    const got = args.map((a, i) => `${formatExpr(a)}: ${typeOf(vals[i]!)}`).join(', ');
    const avail = sigs.map((s) => `(${s.join(',')})`).sort().join(', ');
    throw new LambdaError(`Cannot call function ${JSON.stringify(name)} with args (${got}), available signatures are [${avail}].`);
  },
};

class Gen {
  readonly k: unknown[] = [];
  private n = 0;
  slots = 0;
  lines: string[] = [];

  konst(v: unknown): string {
    this.k.push(v);
    return `k[${this.k.length - 1}]`;
  }
  tmp(): string {
    return `v${this.n++}`;
  }

  /** emit code computing e; returns the temporary holding the value */
  expr(e: A.Expr): string {
    const out = this.tmp();
    switch (e.kind) {
      case 'number':
        this.lines.push(`const ${out} = ${e.isInt ? `${e.int.toString()}n` : this.konst(e.float)};`);
        return out;
      case 'string': this.lines.push(`const ${out} = ${this.konst(e.value)};`); return out;
      case 'bool': this.lines.push(`const ${out} = ${e.value ? 'true' : 'false'};`); return out;
      case 'duration': this.lines.push(`const ${out} = ${this.konst(new Duration(e.ns))};`); return out;
      case 'regex': this.lines.push(`const ${out} = ${this.konst(e.regex)};`); return out;
      case 'reference': {
        if (e.name === 'time') { this.lines.push(`const ${out} = new rt.TimeValue(s.time);`); return out; }
        const nm = this.konst(e.name);
        this.lines.push(
          `let ${out};`,
          `{ const e = x === undefined ? undefined : x[${nm}];`,
          `  if (e !== undefined && rt.isFieldValue(e)) ${out} = e; else {`,
          `    const f = s.fields[${nm}]; const t = s.tags[${nm}]; const ht = typeof t === 'string';`,
          `    if (f !== undefined && rt.isFieldValue(f)) { if (ht) rt.conflict(${nm}); ${out} = f; }`,
          `    else ${out} = ht ? t : rt.MISSING; } }`,
        );
        return out;
      }
      case 'unary': {
        const o = this.expr(e.operand);
        const src = this.konst(formatExpr(e.operand));
        this.lines.push(e.op === '-' ? `const ${out} = typeof ${o} === 'number' ? -${o} : rt.negate(${o}, ${src});` : `const ${out} = rt.not(${o}, ${src});`);
        return out;
      }
      case 'binary': return this.binary(e, out);
      case 'function': return this.call(e, out);
      case 'lambda': return this.expr(e.expr);
      default:
        throw new LambdaError(`unsupported expression in lambda: ${formatExpr(e)}`);
    }
  }

  private binary(e: A.BinaryNode, out: string): string {
    const ls = this.konst(formatExpr(e.left));
    const rs = this.konst(formatExpr(e.right));
    const op = this.konst(e.op);
    if (e.op === 'AND' || e.op === 'OR') {
      const l = this.expr(e.left);
      const short = e.op === 'AND' ? 'false' : 'true';
      const other = e.op === 'AND' ? 'true' : 'false';
      this.lines.push(`let ${out};`, `if (${l} === ${short}) ${out} = ${short}; else {`,
        `if (${l} !== ${other}) rt.logicalOperand(${op}, 'left', ${l}, undefined, ${ls});`);
      const r = this.expr(e.right);
      this.lines.push(`if (typeof ${r} !== 'boolean') rt.logicalOperand(${op}, 'right', ${r}, ${l}, ${rs});`, `${out} = ${r}; }`);
      return out;
    }
    const l = this.expr(e.left);
    const r = this.expr(e.right);
    const fast = `typeof ${l} === 'number' && typeof ${r} === 'number'`;
    switch (e.op) {
      case '+': case '-': case '*': case '/':
        this.lines.push(`const ${out} = ${fast} ? ${l} ${e.op} ${r} : rt.arith(${op}, ${l}, ${r}, ${ls}, ${rs});`);
        break;
      case '%': this.lines.push(`const ${out} = rt.arith(${op}, ${l}, ${r}, ${ls}, ${rs});`); break;
      case '<': case '<=': case '>': case '>=':
        this.lines.push(`const ${out} = ${fast} ? ${l} ${e.op} ${r} : rt.compare(${op}, ${l}, ${r}, ${ls}, ${rs});`);
        break;
      case '==': case '!=': this.lines.push(`const ${out} = rt.compare(${op}, ${l}, ${r}, ${ls}, ${rs});`); break;
      case '=~': case '!~': this.lines.push(`const ${out} = rt.regexMatch(${op}, ${l}, ${r}, ${ls}, ${rs});`); break;
    }
    return out;
  }

  private call(e: A.FunctionNode, out: string): string {
    const def = FUNCTIONS[e.name];
    if (!def) {
      const s = suggest(e.name, Object.keys(FUNCTIONS));
      throw new LambdaError(`undefined function: ${JSON.stringify(e.name)}${s ? `; hint: did you mean "${s}"?` : ''}`);
    }
    const args = e.args.map((a) => this.expr(a));
    const slot = def.stateful ? this.slots++ : -1;
    const name = this.konst(e.name);
    const argNodes = this.konst(e.args);
    const sigs = this.konst(def.sigs);
    const st = slot >= 0 ? `st[${slot}]` : 'undefined';
    if (args.length === 1) {
      let mask = 0;
      for (const sg of def.sigs) if (sg.length === 1) mask |= TYPE_BIT[sg[0]!];
      const a = args[0]!;
      this.lines.push(`if ((rt.typeBit(${a}) & ${mask}) === 0) rt.sigError(${name}, ${argNodes}, [${a}], ${sigs});`);
      if (def.call1 && slot < 0) this.lines.push(`const ${out} = ${this.konst(def.call1)}(${a});`);
      else this.lines.push(`const ${out} = ${this.konst(def.call)}([${a}], ${st});`);
      return out;
    }
    const accepted = this.konst(new Set(def.sigs.map((s) => s.join(','))));
    // the accepted set is keyed by type names joined with ',', like the closure compiler
    const names = args.length === 0 ? "''" : args.map((a) => `${this.konst(typeOf)}(${a})`).join(" + ',' + ");
    this.lines.push(`if (!${accepted}.has(${names})) rt.sigError(${name}, ${argNodes}, [${args.join(', ')}], ${sigs});`,
      `const ${out} = ${this.konst(def.call)}([${args.join(', ')}], ${st});`);
    return out;
  }
}

export function compileLambdaCodegen(expr: LambdaExpression): CompiledLambda {
  const body = lambdaBody(expr);
  const g = new Gen();
  const result = g.expr(body);
  const src = `return function lambda(s, x, st) {\n${g.lines.join('\n')}\nreturn ${result};\n};`;
  // the source is built from the AST only (see the header): no user text reaches it
  const fn = new Function('rt', 'k', src)(RT, g.k) as Fn;
  return compiledLambda(fn, g.slots, body);
}
