/**
 * Public API of the TICKscript package (issue 3). Other parts of tickstream import from here only.
 *   evaluateScript(script, opts) → Pipeline     (parse + evaluate + validate; throws TickscriptError)
 *   formatScript(script) → canonical text        (SPEC 2.8)
 *   compileLambda(expr) → CompiledLambda         (see lambda-contract.ts)
 *   validatePipeline(p)                          (node validation, already done by evaluateScript)
 */
export { TickscriptError } from './errors.ts';
export { evaluateScript, type EvaluateOptions, type UdfInfo } from './evaluate.ts';
export { formatScript } from './format.ts';
export { compileLambda } from './lambda/compile.ts';
export { validatePipeline } from './validate.ts';
export { parse } from './parser.ts';
export { CATALOG, nodeDefaults, K8S_KINDS, ALERT_HANDLERS } from './catalog/index.ts';
export type { Pipeline, PipelineNode, TickValue, PropertyCall, DeclaredVar, DBRP } from './pipeline.ts';
export { DEFAULT_SCRIPT_LIMITS, ScriptLimitError, type ScriptLimits } from './limits.ts';
