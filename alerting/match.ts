/**
 * Topic handler `match` expressions (Kapacitor services/alert/handlers.go matchHandler): a TICKscript lambda,
 * written without `lambda:`, that decides per event whether the handler gets it. It may call `changed()` (the level
 * differs from the event's previous level in the topic), `level()` (int), `name()`, `taskName()`,
 * `alertDuration()` (duration), use the identifiers OK, INFO, WARNING, CRITICAL (ints 0-3), and reference tags as
 * `"host"`. Compiled once when the handler is defined, with the same lambda compiler tasks use: the five calls
 * become references to reserved names handed to the evaluator per event (`alertDuration()` through
 * `duration(<ns>, 1ns)`), so evaluation adds no per-event closure.
 *
 * A bad expression is a MatchError naming the field and the position in the expression; an event the expression
 * cannot be evaluated for (a referenced tag is missing, a type error) is logged and not handled, as in Kapacitor.
 */
import type * as A from '../tickscript/ast.ts';
import { parse } from '../tickscript/parser.ts';
import { TickscriptError } from '../tickscript/errors.ts';
import { compileLambda } from '../tickscript/lambda/compile.ts';
import { referenceNames } from '../tickscript/lambda/references.ts';
import type { Fields } from '../model/point.ts';
import type { LambdaEvaluator } from '../tickscript/lambda-contract.ts';
import type { AlertEvent } from './event.ts';

export class MatchError extends Error {
  override name = 'MatchError';
}

const PREFIX = 'lambda: ';
const IDENTS: Readonly<Record<string, bigint>> = { OK: 0n, INFO: 1n, WARNING: 2n, CRITICAL: 3n };
// reserved names: "\0" cannot appear in a TICKscript reference
const VAR = { changed: '\0changed', level: '\0level', name: '\0name', taskName: '\0taskName', alertDuration: '\0alertDuration' } as const;
type MatchFunc = keyof typeof VAR;
const NO_FIELDS: Fields = Object.freeze({}) as Fields;

/** Kapacitor's `ast.ParseLambda` error, with the position and excerpt of the expression itself. */
function parseError(src: string, e: TickscriptError): MatchError {
  let msg = e.kapacitorMessage;
  if (e.line !== undefined && e.column !== undefined) {
    const line = e.line;
    // columns are bytes (Kapacitor's char); on line 1 the `lambda: ` we parse with comes first
    const col = line === 1 ? e.column - PREFIX.length : e.column;
    const lines = src.split('\n');
    const bytes = Buffer.from(lines[line - 1] ?? '', 'utf8');
    const at = Math.max(0, Math.min(col - 1, bytes.length));
    const excerpt = bytes.subarray(Math.max(0, at - 10), Math.min(bytes.length, at + 10)).toString('utf8');
    msg = msg.replace(/line \d+ char \d+ in ".*?"\./s, `line ${line} char ${col} in ${JSON.stringify(excerpt)}.`);
  }
  return new MatchError(`invalid match expression: ${msg}`);
}

/** Replaces identifiers and the match functions; throws MatchError for anything else Kapacitor refuses. */
function rewrite(e: A.Expr, used: Set<MatchFunc>): A.Expr {
  switch (e.kind) {
    case 'ident': {
      const v = IDENTS[e.name];
      if (v === undefined) throw new MatchError(`unknown identifier ${JSON.stringify(e.name)}`);
      return { kind: 'number', isInt: true, int: v, float: Number(v), literal: String(v), pos: e.pos } as unknown as A.Expr;
    }
    case 'function': {
      if (Object.hasOwn(VAR, e.name)) {
        const f = e.name as MatchFunc;
        if (e.args.length !== 0) throw new MatchError(`invalid match expression: ${f} takes no arguments`);
        used.add(f);
        const ref: A.ReferenceNode = { kind: 'reference', name: VAR[f], pos: e.pos };
        if (f !== 'alertDuration') return ref;
        const unit: A.DurationNode = { kind: 'duration', ns: 1n, literal: '1ns', pos: e.pos };
        return { ...e, name: 'duration', args: [ref, unit] };
      }
      return { ...e, args: e.args.map((a) => rewrite(a, used)) };
    }
    case 'unary': return { ...e, operand: rewrite(e.operand, used) };
    case 'binary': return { ...e, left: rewrite(e.left, used), right: rewrite(e.right, used) };
    case 'lambda': return { ...e, expr: rewrite(e.expr, used) };
    default: return e;
  }
}

export class MatchExpression {
  private readonly evaluator: LambdaEvaluator;
  private readonly tagRefs: readonly string[];
  private readonly used: ReadonlySet<MatchFunc>;
  private readonly extra: Record<string, string | bigint | boolean> = {};

  private constructor(readonly source: string, expr: A.Expr, tagRefs: string[], used: Set<MatchFunc>) {
    this.evaluator = compileLambda(expr).newEvaluator();
    this.tagRefs = tagRefs;
    this.used = used;
  }

  /** Parses and compiles `src`; throws MatchError with Kapacitor's message (and the position for parse errors). */
  static compile(src: string): MatchExpression {
    let program: A.Program;
    try {
      program = parse(PREFIX + src);
    } catch (e) {
      if (e instanceof TickscriptError) throw parseError(src, e);
      throw new MatchError(`invalid match expression: ${(e as Error).message}`);
    }
    const st = program.statements;
    const first = st[0];
    if (st.length !== 1 || first?.kind !== 'expression' || first.expr.kind !== 'lambda') {
      throw new MatchError('invalid match expression: expected a single expression');
    }
    const used = new Set<MatchFunc>();
    const expr = rewrite(first.expr, used);
    const refs = referenceNames(expr as never).filter((n) => !n.startsWith('\0'));
    try {
      return new MatchExpression(src, expr, refs, used);
    } catch (e) {
      throw new MatchError(`invalid match expression: ${(e as Error).message}`);
    }
  }

  /** True when the handler gets the event; throws (Kapacitor's messages) when it cannot be evaluated. */
  matches(ev: AlertEvent): boolean {
    const x = this.extra;
    const u = this.used;
    if (u.has('changed')) x[VAR.changed] = ev.state.level !== ev.previousLevel;
    if (u.has('level')) x[VAR.level] = BigInt(ev.state.level);
    if (u.has('name')) x[VAR.name] = ev.data.name;
    if (u.has('taskName')) x[VAR.taskName] = ev.data.taskName;
    if (u.has('alertDuration')) x[VAR.alertDuration] = ev.state.duration;
    const tags = ev.data.tags;
    for (const t of this.tagRefs) if (tags[t] === undefined) throw new Error(`no tag exists for ${t}`);
    return this.evaluator.evalBool({ time: ev.state.time, fields: NO_FIELDS, tags }, x);
  }
}
