// Lambda semantics (lambda-semantics.ts) against the closure compiler (the reference implementation).
import { compileLambdaClosures } from '../../tickscript/lambda/compile.ts';
import { lambdaSemantics } from './lambda-semantics.ts';

lambdaSemantics(compileLambdaClosures);
