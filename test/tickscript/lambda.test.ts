// Lambda semantics (lambda-semantics.ts) against the production compiler (generated code).
import { compileLambda } from '../../tickscript/lambda/compile.ts';
import { lambdaSemantics } from './lambda-semantics.ts';

lambdaSemantics(compileLambda);
