/**
 * TICKscript AST (Kapacitor `tick/ast/node.go`). Every node carries the position of its first token; comment
 * blocks attach to statements and chain links (SPEC 2.1 "comments attach to the next token").
 */

export interface Pos {
  /** 1-based line */
  readonly line: number;
  /** 1-based column, counted in bytes since the last newline (Kapacitor's `char`) */
  readonly column: number;
  /** UTF-16 index in the source */
  readonly index: number;
}

interface Base {
  readonly pos: Pos;
  /** comment lines (text after `//`) written directly before this node */
  comments?: readonly string[] | undefined;
}

export interface NumberNode extends Base {
  readonly kind: 'number';
  readonly isInt: boolean;
  readonly int: bigint;
  readonly float: number;
  /** literal as written (ints keep their base when formatted) */
  readonly literal: string;
}
export interface StringNode extends Base { readonly kind: 'string'; readonly value: string; readonly triple: boolean }
export interface BoolNode extends Base { readonly kind: 'bool'; readonly value: boolean }
export interface DurationNode extends Base { readonly kind: 'duration'; readonly ns: bigint; readonly literal: string }
export interface RegexNode extends Base { readonly kind: 'regex'; readonly source: string; readonly regex: RegExp }
export interface StarNode extends Base { readonly kind: 'star' }
export interface ReferenceNode extends Base { readonly kind: 'reference'; readonly name: string }
export interface IdentNode extends Base { readonly kind: 'ident'; readonly name: string }
export interface UnaryNode extends Base { readonly kind: 'unary'; readonly op: '-' | '!'; readonly operand: Expr }
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~' | 'AND' | 'OR';
export interface BinaryNode extends Base {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** written inside parentheses */
  parens: boolean;
  /** the right operand started on a later line than the operator (formatter keeps the break) */
  readonly multiline: boolean;
}
export interface FunctionNode extends Base {
  readonly kind: 'function';
  readonly name: string;
  readonly args: readonly Expr[];
  /** the call spanned several lines (formatter puts one argument per line) */
  readonly multiline: boolean;
}
export interface ChainNode extends Base {
  readonly kind: 'chain';
  readonly op: '|' | '.' | '@';
  readonly left: Expr;
  readonly right: FunctionNode | IdentNode;
}
export interface LambdaNode extends Base { readonly kind: 'lambda'; readonly expr: Expr }
export interface ListNode extends Base { readonly kind: 'list'; readonly items: readonly (StringNode | IdentNode | StarNode)[] }

export type Expr =
  | NumberNode | StringNode | BoolNode | DurationNode | RegexNode | StarNode | ReferenceNode | IdentNode
  | UnaryNode | BinaryNode | FunctionNode | ChainNode | LambdaNode | ListNode;

export interface DeclarationNode extends Base { readonly kind: 'declaration'; readonly name: string; readonly namePos: Pos; readonly value: Expr }
export interface TypeDeclarationNode extends Base {
  readonly kind: 'typeDeclaration'; readonly name: string; readonly type: string; readonly typePos: Pos;
}
export interface DBRPNode extends Base { readonly kind: 'dbrp'; readonly db: string; readonly rp: string }
export interface ExpressionStatement extends Base { readonly kind: 'expression'; readonly expr: Expr }

export type Statement = DeclarationNode | TypeDeclarationNode | DBRPNode | ExpressionStatement;

export interface Program {
  readonly kind: 'program';
  readonly statements: readonly Statement[];
  /** comments after the last statement */
  readonly trailingComments: readonly string[] | undefined;
}
