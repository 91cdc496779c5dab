/**
 * TickscriptError: every problem with a script (lexing, parsing, evaluation, node validation).
 *
 * `.message` is Kapacitor's text WITHOUT the `invalid TICKscript: ` prefix the HTTP API adds, followed by
 * `; hint: <hint>` when tickstream has an actionable hint for a cryptic message (SPEC "Project decisions":
 * hints may follow Kapacitor's text). `.kapacitorMessage` is Kapacitor's text alone.
 * `.line`/`.column` give the position when the error is tied to one (parse errors, calls).
 */
export class TickscriptError extends Error {
  override name = 'TickscriptError';
  readonly kapacitorMessage: string;
  readonly hint: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, opts: { hint?: string | undefined; line?: number | undefined; column?: number | undefined } = {}) {
    super(opts.hint ? `${message}; hint: ${opts.hint}` : message);
    this.kapacitorMessage = message;
    this.hint = opts.hint;
    this.line = opts.line;
    this.column = opts.column;
  }
}

/** Kapacitor's evaluation-error prefix for errors tied to a node (`tick/eval.go` wrapError). */
export function positioned(pos: { line: number; column: number }, message: string, hint?: string): TickscriptError {
  return new TickscriptError(`line ${pos.line} char ${pos.column}: ${message}`, { hint, line: pos.line, column: pos.column });
}
