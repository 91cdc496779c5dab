/**
 * The arguments every node that computes over one field checks at task start (influxql functions, the stream
 * transformations, movingAverage, derivative): the field name, and the output name `.as()` when it is given.
 * A bad one fails the task's start with an error naming the node.
 */
import { plain, type PipelineNode } from '../../tickscript/pipeline.ts';

/** The field the node reads: `value` (default: the first argument) as a non-empty string. */
export function fieldArgument(d: PipelineNode, value: unknown = d.args[0] ? plain(d.args[0]) : undefined): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${d.name}: ${d.kind} needs a field name`);
  return value;
}

/** The output field name (`.as()` or the node's default), which must not be empty. */
export function outputName(d: PipelineNode, as: string): string {
  if (as === '') throw new Error(`${d.name}: .as() must not be empty`);
  return as;
}
