/**
 * Size and nesting limits of a TICKscript (issue 17, [limits] max-tickscript-size / max-tickscript-depth).
 * The parser (peggy), the evaluator and the lambda compiler recurse over expressions; a 10,000-deep lambda would
 * overflow the stack and a 100,000-term sum takes a minute to evaluate. Both limits are checked on the source and
 * its tokens, before anything recursive runs, and fail with a TickscriptError naming the limit and the position.
 */
import { TickscriptError } from './errors.ts';
import type { Token, TokenType } from './lexer.ts';

export interface ScriptLimits {
  /** bytes of script; 0 = no limit */
  readonly maxBytes: number;
  /** expression nesting depth (see nestingDepthError); 0 = no limit */
  readonly maxDepth: number;
}

/** The defaults of [limits] (config/schema.ts); what every parse uses unless the server configures others. */
export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = { maxBytes: 1024 * 1024, maxDepth: 256 };

/** A script over one of the limits; `limit` is the config key (counted by the server under that name). */
export class ScriptLimitError extends TickscriptError {
  constructor(readonly limit: 'max-tickscript-size' | 'max-tickscript-depth', message: string, opts: { hint?: string; line?: number; column?: number } = {}) {
    super(message, opts);
  }
}

export function checkScriptSize(src: string, limits: ScriptLimits): void {
  if (limits.maxBytes <= 0 || src.length <= limits.maxBytes / 3) return; // a UTF-16 unit is at most 3 UTF-8 bytes
  const bytes = Buffer.byteLength(src);
  if (bytes > limits.maxBytes) {
    throw new ScriptLimitError('max-tickscript-size', `script is ${bytes} bytes, larger than [limits] max-tickscript-size (${limits.maxBytes} bytes)`);
  }
}

/** Tokens that add a level to the expression tree: every unary and binary operator. */
const OPERATORS: ReadonlySet<TokenType> = new Set<TokenType>([
  '!', '+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '=~', '!~', 'AND', 'OR',
]);

/**
 * The first token at which an expression gets deeper than `maxDepth`, or undefined. The depth counted is an upper
 * bound of the expression tree's depth: an opening parenthesis or bracket starts a level one deeper than the
 * point it opens at, each operator adds one within its level (a chain `a + b + c` nests to the left), a comma
 * starts the next argument afresh, and a `var` statement starts again from zero.
 */
export function tooDeepToken(tokens: readonly Token[], maxDepth: number): Token | undefined {
  if (maxDepth <= 0) return undefined;
  const opened: number[] = [];
  let depth = 0;
  for (const t of tokens) {
    switch (t.type) {
      case '(': case '[':
        opened.push(depth);
        depth++;
        break;
      case ')': case ']':
        depth = opened.pop() ?? 0;
        break;
      case ',':
        depth = (opened[opened.length - 1] ?? -1) + 1;
        break;
      case 'var':
        if (opened.length === 0) depth = 0;
        break;
      default:
        if (OPERATORS.has(t.type)) depth++;
    }
    if (depth > maxDepth) return t;
  }
  return undefined;
}

export function tooDeepError(pos: { line: number; column: number }, maxDepth: number): ScriptLimitError {
  return new ScriptLimitError('max-tickscript-depth', `line ${pos.line} char ${pos.column}: expression nested deeper than [limits] max-tickscript-depth (${maxDepth})`, {
    hint: 'split the expression into vars', line: pos.line, column: pos.column,
  });
}
