/**
 * Canonical TICKscript formatter (SPEC 2.8; Kapacitor `tick/fmt.go` and the Format methods of `tick/ast/node.go`).
 * Comments attached to statements, chain links and the arguments of multi-line calls are re-emitted; comments
 * written elsewhere inside expressions are not kept.
 */
import type * as A from './ast.ts';
import { parse } from './parser.ts';
import { TickscriptError } from './errors.ts';
import { formatFloatF } from './lambda/values.ts';

const STEP = '    ';

function comments(lines: readonly string[] | undefined, indent: string): string {
  if (!lines || lines.length === 0) return '';
  return lines.map((c) => {
    const t = c.trim();
    return t === '' ? `${indent}//\n` : `${indent}// ${t}\n`;
  }).join('');
}

/** float literal: shortest form, `.0` appended when integral (`5.` → `5.0`, `.5` → `0.5`) */
export function formatFloatLiteral(f: number): string {
  const s = formatFloatF(f);
  return /^[+-]?\d+$/.test(s) ? s + '.0' : s;
}

/** the node holding the expression's first token (where its comment is attached) */
function leaf(e: A.Expr): A.Expr {
  let l = e;
  while (l.kind === 'chain' || l.kind === 'binary') l = l.left;
  return l;
}

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "\\'")}'`;
}

export function formatExpr(e: A.Expr, indent = ''): string {
  switch (e.kind) {
    case 'number': return e.isInt ? e.literal : formatFloatLiteral(e.float);
    case 'string': return e.triple ? `'''${e.value}'''` : quoteString(e.value);
    case 'bool': return e.value ? 'TRUE' : 'FALSE';
    case 'duration': return e.literal;
    case 'regex': return `/${e.source.replace(/\//g, '\\/')}/`;
    case 'star': return '*';
    case 'reference': return `"${e.name.replace(/"/g, '\\"')}"`;
    case 'ident': return e.name;
    case 'unary': return e.op + formatExpr(e.operand, indent);
    case 'binary': {
      const l = formatExpr(e.left, indent);
      // a binary expression that spanned lines breaks after the operator, right operand indented one step
      const s = e.multiline
        ? `${l} ${e.op}\n${indent}${STEP}${formatExpr(e.right, indent + STEP)}`
        : `${l} ${e.op} ${formatExpr(e.right, indent)}`;
      return e.parens ? `(${s})` : s;
    }
    case 'function': {
      if (e.args.length === 0) return `${e.name}()`;
      if (!e.multiline) return `${e.name}(${e.args.map((a) => formatExpr(a, indent)).join(', ')})`;
      const inner = indent + STEP;
      // a comment written before an argument is kept on its own line(s) above it
      return `${e.name}(\n${e.args.map((a) => comments(leaf(a).comments, inner) + inner + formatExpr(a, inner)).join(',\n')}\n${indent})`;
    }
    case 'lambda': return `lambda: ${formatExpr(e.expr, indent)}`;
    case 'list': return `[${e.items.map((i) => formatExpr(i, indent)).join(', ')}]`;
    case 'chain': {
      const left = formatExpr(e.left, indent);
      const linkIndent = indent + STEP + (e.op === '.' ? STEP : '');
      return `${left}\n${comments(e.comments, linkIndent)}${linkIndent}${e.op}${formatExpr(e.right, linkIndent)}`;
    }
  }
}

function formatStatement(st: A.Statement): string {
  const c = comments(st.comments, '');
  switch (st.kind) {
    case 'declaration': return `${c}var ${st.name} = ${formatExpr(st.value, '')}\n`;
    case 'typeDeclaration': return `${c}var ${st.name} ${st.type}\n`;
    case 'dbrp': return `${c}dbrp "${st.db.replace(/"/g, '\\"')}"."${st.rp.replace(/"/g, '\\"')}"\n`;
    case 'expression': return `${c}${formatExpr(st.expr, '')}\n`;
  }
}

export function formatProgram(p: A.Program): string {
  const parts = p.statements.map(formatStatement);
  if (p.trailingComments?.length) parts.push(comments(p.trailingComments, ''));
  return parts.join('\n');
}

/** Canonical format of a script; throws TickscriptError on parse errors. */
export function formatScript(script: string): string {
  const program = parse(script);
  try {
    return formatProgram(program);
  } catch (e) {
    if (e instanceof RangeError) throw new TickscriptError('script nesting too deep to format');
    throw e;
  }
}
