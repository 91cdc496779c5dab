// Runs the lambda semantics table of lambda.test.ts against the closure compiler (the reference implementation);
// lambda.test.ts itself runs against the production (generated-code) compiler.
process.env.TICK_LAMBDA_COMPILER = 'closures';
await import('./lambda.test.ts');
