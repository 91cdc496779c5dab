// The field-name and `.as()` checks every one-field node makes at task start (nodes/support/field-arguments.ts):
// the task does not start, and the error names the node and what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, int } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';

function start(kind: string, args: unknown[], as?: string): void {
  const b = new PipelineBuilder();
  const n = b.stream().chain('from').prop('measurement', 'cpu').chain(kind, ...args);
  if (as !== undefined) n.prop('as', as);
  startTask(b.build()).stop();
}

test('an empty field name stops the task start, naming the node and its kind', () => {
  for (const [kind, args] of [['mean', ['']], ['top', [int(2), '']], ['difference', ['']], ['movingAverage', ['', int(2)]], ['derivative', ['']]] as const) {
    assert.throws(() => start(kind, [...args]), { message: `${kind}2: ${kind} needs a field name` }, kind);
  }
});

test('an empty .as() stops the task start; a given one is accepted', () => {
  for (const [kind, args] of [['mean', ['v']], ['cumulativeSum', ['v']], ['movingAverage', ['v', int(2)]], ['derivative', ['v']]] as const) {
    assert.throws(() => start(kind, [...args], ''), { message: `${kind}2: .as() must not be empty` }, kind);
    assert.doesNotThrow(() => start(kind, [...args], 'out'), kind);
  }
});
