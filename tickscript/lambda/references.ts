/**
 * The field/tag names a lambda reads (Kapacitor's `ast.FindReferenceVariables`): every `"name"` reference except
 * `"time"`, in first-seen order, without duplicates. eval uses it for `.keep()`: a kept name the expressions
 * referenced resolves through the lambda scope (field, else tag), so a kept tag yields its string value.
 */
import type * as A from '../ast.ts';
import type { LambdaExpression } from '../lambda-contract.ts';

export function referenceNames(expr: LambdaExpression): string[] {
  const out: string[] = [];
  walk(expr as A.Expr, out);
  return out;
}

function walk(e: A.Expr, out: string[]): void {
  switch (e.kind) {
    case 'reference':
      if (e.name !== 'time' && !out.includes(e.name)) out.push(e.name);
      return;
    case 'unary': walk(e.operand, out); return;
    case 'binary': walk(e.left, out); walk(e.right, out); return;
    case 'function': for (const a of e.args) walk(a, out); return;
    case 'lambda': walk(e.expr, out); return;
    case 'chain': walk(e.left, out); walk(e.right, out); return;
    default: return;
  }
}
