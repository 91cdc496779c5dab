/**
 * The real ScriptPort: tickstream's TICKscript front end (tickscript/) and the runtime's static DOT.
 * Task vars arrive as API JSON (server/store VarRecord) and become typed TickValues; lambda vars are parsed with
 * the TICKscript parser (`"x" > 10` or `lambda: "x" > 10`).
 */
import type { Pipeline, TickValue } from '../../tickscript/pipeline.ts';
import type * as A from '../../tickscript/ast.ts';
import type { LambdaExpression } from '../../tickscript/lambda-contract.ts';
import { DEFAULT_SCRIPT_LIMITS, evaluateScript, formatScript, parse, TickscriptError, type ScriptLimits, type UdfInfo } from '../../tickscript/index.ts';
import { formatExpr } from '../../tickscript/format.ts';
import { staticDot } from '../../runtime/dot.ts';
import type { VarsRecord } from '../store/types.ts';
import type { ScriptPort } from './ports.ts';
import { varToTickValue } from './vars.ts';

/** Parses the source of a lambda var into the evaluator's lambda value. */
export function parseLambdaVar(src: string, limits: ScriptLimits = DEFAULT_SCRIPT_LIMITS): TickValue {
  const body = src.trim().replace(/^lambda:\s*/, '');
  let program: A.Program;
  try {
    program = parse(`var v = lambda: ${body}\n`, limits);
  } catch (e) {
    throw new TickscriptError(`invalid lambda var ${JSON.stringify(src)}: ${(e as Error).message}`);
  }
  const st = program.statements[0];
  if (program.statements.length !== 1 || st?.kind !== 'declaration' || st.value.kind !== 'lambda') {
    throw new TickscriptError(`invalid lambda var ${JSON.stringify(src)}: not a single lambda expression`);
  }
  // the evaluator's lambda values are the parser's LambdaNodes (tickscript/evaluate.ts)
  return { type: 'lambda', value: st.value as LambdaExpression };
}

function tickVars(vars: VarsRecord, limits: ScriptLimits): Record<string, TickValue> {
  const out: Record<string, TickValue> = {};
  for (const [name, v] of Object.entries(vars)) out[name] = varToTickValue(v, (src) => parseLambdaVar(src, limits));
  return out;
}

/** What the configured UDFs look like to scripts (udf/service.ts UdfService). */
export interface UdfCatalog {
  available(): Record<string, UdfInfo>;
  unavailable(): Record<string, string>;
}

/**
 * The ScriptPort with the server's [limits] on script size and expression depth; with `udfs`, scripts may call the
 * configured UDFs (`@name()`), checked against their Info.
 */
export function createTickscriptPort(limits: ScriptLimits, udfs?: UdfCatalog): ScriptPort {
  const udfOpts = (): { udfs?: Record<string, UdfInfo>; udfErrors?: Record<string, string> } =>
    udfs ? { udfs: udfs.available(), udfErrors: udfs.unavailable() } : {};
  return {
    ...tickscriptPort,
    evaluate(script: string, vars: VarsRecord): Pipeline {
      return evaluateScript(script, { vars: tickVars(vars, limits), limits, ...udfOpts() });
    },
    evaluateTemplate(script: string): Pipeline {
      return evaluateScript(script, { allowMissingVars: true, limits, ...udfOpts() });
    },
  };
}

export const tickscriptPort: ScriptPort = {
  evaluate(script: string, vars: VarsRecord): Pipeline {
    return evaluateScript(script, { vars: tickVars(vars, DEFAULT_SCRIPT_LIMITS) });
  },
  evaluateTemplate(script: string): Pipeline {
    return evaluateScript(script, { allowMissingVars: true });
  },
  format(script: string): string {
    return formatScript(script);
  },
  lambdaSource(v: TickValue): string {
    if (v.type !== 'lambda') return '';
    const node = v.value as unknown as A.LambdaNode;
    return formatExpr(node.expr);
  },
  staticDot(taskId: string, pipeline: Pipeline): string {
    return staticDot(taskId, pipeline);
  },
};
