// nodes/support/reduce-context.ts: the value checks shared by influxql, influxql-multi and the stream transforms.
// Expected texts follow Kapacitor's formats: influxql.go createReduceContext (`field %q missing from point`),
// influxql.gen.go convertXPoint (`field %s missing from point cannot aggregate`, `field %s has wrong type: got %T
// exp <go type>`) and `cannot apply %s to <type> field`, with the per-node wording passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextType, contextValue, GO_TYPES, type CannotApply } from '../../nodes/support/reduce-context.ts';

const PLAIN: CannotApply = { prefix: '', typeNames: { float: 'float', int: 'int', string: 'string', bool: 'boolean' } };
const WRAPPED: CannotApply = { prefix: 'invalid influxql func top with field v: ', typeNames: GO_TYPES };

const message = (r: unknown): string => (r instanceof Error ? r.message : `no error: ${String(r)}`);

test('contextType: the accepted type of the first value; missing or refused values are errors in the node\'s wording', () => {
  assert.equal(contextType(1.5, 'v', 'sum', ['float', 'int'], PLAIN), 'float');
  assert.equal(contextType(2n, 'v', 'sum', ['float', 'int'], PLAIN), 'int');
  assert.equal(message(contextType(undefined, 'v', 'sum', ['float'], PLAIN)), 'field "v" missing from point');
  assert.equal(message(contextType(true, 'v', 'sum', ['float', 'int'], PLAIN)), 'cannot apply sum to boolean field');
  assert.equal(message(contextType('x', 'v', 'top', ['float', 'int'], WRAPPED)), 'invalid influxql func top with field v: cannot apply top to string field');
  assert.equal(message(contextType(true, 'v', 'top', ['float', 'int'], WRAPPED)), 'invalid influxql func top with field v: cannot apply top to bool field');
});

test('contextValue: present and of the context\'s type (any type before the context starts)', () => {
  assert.equal(contextValue(3n, 'v', 'int'), 3n);
  assert.equal(contextValue('s', 'v', undefined), 's');
  assert.equal(message(contextValue(undefined, 'v', 'int')), 'field v missing from point cannot aggregate');
  assert.equal(message(contextValue(undefined, 'v', undefined)), 'field v missing from point cannot aggregate');
  assert.equal(message(contextValue(1.5, 'v', 'int')), 'field v has wrong type: got float64 exp int64');
  assert.equal(message(contextValue(7n, 'v', 'float')), 'field v has wrong type: got int64 exp float64');
  assert.equal(message(contextValue(false, 'v', 'string')), 'field v has wrong type: got bool exp string');
});
