/** Binary and unary operators with Kapacitor's type rules (SPEC 2.5; tick/stateful/evaluation_funcs.go). */
import { Duration, LambdaError } from '../lambda-contract.ts';
import type { BinaryOp } from '../ast.ts';
import { MISSING, floatToDuration, typeOf, wrap64, type Val } from './values.ts';

export function mismatched(op: string, l: Val, r: Val, lsrc?: string, rsrc?: string): LambdaError {
  const msg = `mismatched type to binary operator. got ${typeOf(l)} ${op} ${typeOf(r)}. see bool(), int(), float(), string(), duration()`;
  // the classic TICKscript mistake: 'field' (a string literal) where "field" (a reference) was meant
  const lit = [lsrc, rsrc].find((s) => s !== undefined && /^'[A-Za-z_][\w.-]*'$/.test(s));
  if (lit) {
    const name = lit.slice(1, -1);
    return new LambdaError(`${msg}; hint: ${lit} is a string literal; write "${name}" (double quotes) to read the field or tag ${name}`);
  }
  return new LambdaError(msg);
}

function missingErr(side: 'left' | 'right', src: string): LambdaError {
  const msg = `${side} reference value ${src} is missing value`;
  // "x" reads a field or tag; when the point has neither, a string literal 'x' may have been meant
  if (/^"[^"\\']*"$/.test(src)) {
    return new LambdaError(`${msg}; hint: the point has no field or tag ${src}; for the string use single quotes: '${src.slice(1, -1)}'`);
  }
  return new LambdaError(msg);
}

/** `+ - * / %` on any operand types */
export function arith(op: '+' | '-' | '*' | '/' | '%', l: Val, r: Val, lsrc: string, rsrc: string): Val {
  if (l === MISSING) throw missingErr('left', lsrc);
  if (r === MISSING) throw missingErr('right', rsrc);
  const lt = typeof l;
  const rt = typeof r;
  if (lt === 'number' && rt === 'number') {
    const a = l as number;
    const b = r as number;
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return a / b;
      default: throw new LambdaError(`invalid math operator ${op} for type float`);
    }
  }
  if (lt === 'bigint' && rt === 'bigint') {
    const a = l as bigint;
    const b = r as bigint;
    switch (op) {
      case '+': return wrap64(a + b);
      case '-': return wrap64(a - b);
      case '*': return wrap64(a * b);
      case '/':
        if (b === 0n) throw new LambdaError('runtime error: integer divide by zero');
        return wrap64(a / b); // BigInt division truncates toward zero like Go
      case '%':
        if (b === 0n) throw new LambdaError('runtime error: integer divide by zero');
        return a % b; // sign of the dividend, like Go
    }
  }
  if (lt === 'string' && rt === 'string') {
    if (op === '+') return (l as string) + (r as string);
    throw new LambdaError(`invalid math operator ${op} for type string`);
  }
  if (l instanceof Duration) {
    if (r instanceof Duration) {
      switch (op) {
        case '+': return new Duration(wrap64(l.ns + r.ns));
        case '-': return new Duration(wrap64(l.ns - r.ns));
        case '/':
          if (r.ns === 0n) throw new LambdaError('runtime error: integer divide by zero');
          return wrap64(l.ns / r.ns);
        default: throw new LambdaError(`invalid math operator ${op} for type duration`);
      }
    }
    if (rt === 'bigint') {
      if (op === '*') return new Duration(wrap64(l.ns * (r as bigint)));
      if (op === '/') {
        if (r === 0n) throw new LambdaError('runtime error: integer divide by zero');
        return new Duration(wrap64(l.ns / (r as bigint)));
      }
    }
    if (rt === 'number') {
      if (op === '*') return new Duration(floatToDuration(Number(l.ns) * (r as number)));
      if (op === '/') return new Duration(floatToDuration(Number(l.ns) / (r as number)));
    }
  } else if (r instanceof Duration && op === '*') {
    if (lt === 'bigint') return new Duration(wrap64((l as bigint) * r.ns));
    if (lt === 'number') return new Duration(floatToDuration((l as number) * Number(r.ns)));
  }
  if (typeOf(l) === typeOf(r)) throw new LambdaError(`invalid math operator ${op} for type ${typeOf(l)}`);
  throw mismatched(op, l, r, lsrc, rsrc);
}

/** `== != < <= > >=` */
export function compare(op: '==' | '!=' | '<' | '<=' | '>' | '>=', l: Val, r: Val, lsrc: string, rsrc: string): boolean {
  if (l === MISSING) throw missingErr('left', lsrc);
  if (r === MISSING) throw missingErr('right', rsrc);
  let a: number | bigint | string;
  let b: number | bigint | string;
  const lt = typeof l;
  const rt = typeof r;
  if ((lt === 'number' || lt === 'bigint') && (rt === 'number' || rt === 'bigint')) {
    // int and float may be compared: the int is converted to float
    if (lt !== rt) { a = Number(l); b = Number(r); } else { a = l as number; b = r as number; }
  } else if (lt === 'string' && rt === 'string') {
    a = l as string; b = r as string;
    if (op !== '==' && op !== '!=') { a = Buffer.compare(Buffer.from(a), Buffer.from(b)); b = 0; }
  } else if (l instanceof Duration && r instanceof Duration) {
    a = l.ns; b = r.ns;
  } else if (lt === 'boolean' && rt === 'boolean') {
    if (op === '==') return l === r;
    if (op === '!=') return l !== r;
    throw new LambdaError(`invalid comparison operator ${op} for type boolean`);
  } else if (typeOf(l) === typeOf(r)) {
    throw new LambdaError(`invalid comparison operator ${op} for type ${typeOf(l)}`);
  } else {
    throw mismatched(op, l, r, lsrc, rsrc);
  }
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}

export function regexMatch(op: '=~' | '!~', l: Val, r: Val, lsrc: string, rsrc: string): boolean {
  if (l === MISSING) throw missingErr('left', lsrc);
  if (r === MISSING) throw missingErr('right', rsrc);
  if (typeof l !== 'string' || !(r instanceof RegExp)) {
    if (typeOf(l) === typeOf(r)) throw new LambdaError(`invalid comparison operator ${op} for type ${typeOf(l)}`);
    throw mismatched(op, l, r, lsrc, rsrc);
  }
  const m = r.test(l);
  return op === '=~' ? m : !m;
}

/** the type check of AND/OR operands (evaluation itself short-circuits in the compiler) */
export function logicalOperand(op: 'AND' | 'OR', side: 'left' | 'right', v: Val, other: Val | undefined, src: string): never {
  if (v === MISSING) throw missingErr(side, src);
  if (side === 'left') throw new LambdaError(`invalid logical operator ${op} for type ${typeOf(v)}`);
  throw mismatched(op, other!, v);
}

export function negate(v: Val, src: string): Val {
  switch (typeof v) {
    case 'number': return -v;
    case 'bigint': return wrap64(-v);
    default:
      if (v instanceof Duration) return new Duration(wrap64(-v.ns));
      if (v === MISSING) throw new LambdaError(`reference value ${src} is missing value`);
      throw new LambdaError(`invalid math operator - for type ${typeOf(v)}`);
  }
}

export function not(v: Val, src: string): boolean {
  if (typeof v === 'boolean') return !v;
  if (v === MISSING) throw new LambdaError(`reference value ${src} is missing value`);
  throw new LambdaError(`invalid logical operator ! for type ${typeOf(v)}`);
}
