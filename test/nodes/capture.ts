/**
 * Test helpers for the node tests: the `testCapture` node (test/helpers/runtime/capture.ts) appended to a script's
 * node, found again in the running task, plus time helpers.
 */
import '../helpers/runtime/capture.ts'; // registers the testCapture kind
import type { TestCaptureNode } from '../helpers/runtime/capture.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { evaluateScript } from '../../tickscript/index.ts';

/** The node instance of kind `kind` (the n-th one) in a running task. */
export function nodeOf<T>(h: Harness, kind: string, nth = 0): T {
  const nodes = (h.task as unknown as { nodes: { def: { kind: string } }[] }).nodes.filter((x) => x.def.kind === kind);
  const n = nodes[nth];
  if (!n) throw new Error(`no ${kind} node #${nth} in the task`);
  return n as unknown as T;
}

export const capture = (h: Harness, nth = 0): TestCaptureNode => nodeOf<TestCaptureNode>(h, 'testCapture', nth);

/** 2016-11-08T18:21:00Z in seconds (a minute boundary) */
export const T0 = Date.UTC(2016, 10, 8, 18, 21, 0) / 1000;
/** RFC3339 of T0 + s seconds */
export const ts = (s: number): string => new Date((T0 + s) * 1000).toISOString().replace('.000Z', 'Z');

/** Starts `script` with a testCapture node appended as a child of `node`; the task stops when the test ends. */
export function runCap(t: { after(fn: () => void): void }, script: string, node: string): Harness {
  const { pipeline } = appendChild(evaluateScript(script), node, 'testCapture');
  const h = startTask(pipeline);
  t.after(() => h.stop());
  return h;
}
