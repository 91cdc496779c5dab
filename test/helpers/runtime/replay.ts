/**
 * In-process test harness: start one task on a fresh TaskMaster, replay timestamped line protocol into it, read
 * its httpOut JSON, stats, DOT and logs. Node tests read as: pipeline + input lines → expected JSON.
 */
import pino from 'pino';
import type { Pipeline } from '../../../tickscript/pipeline.ts';
import { evaluateScript } from '../../../tickscript/index.ts';
import { TaskMaster, type RunningTask, type RuntimeServices } from '../../../runtime/task-master.ts';
import { LineParser } from './line-protocol.ts';
import { builtinNodes } from '../../../nodes/index.ts';

export interface HarnessOptions {
  taskId?: string;
  db?: string;
  rp?: string;
  services?: RuntimeServices;
  /** timing-sample-rate (default 0.10) */
  timingSampleRate?: number;
}

export interface Harness {
  readonly tm: TaskMaster;
  readonly task: RunningTask;
  readonly taskId: string;
  /** error-level log records written by the task (parsed pino JSON) */
  readonly logs: Record<string, unknown>[];
  /** Write lines (each may carry its own timestamp; `precision` as on /write). One writePoints call. */
  write(lines: string | readonly string[], precision?: string, db?: string, rp?: string): void;
  /** Raw httpOut body (SPEC 3.12) or undefined when no such endpoint. */
  httpOut(endpoint: string): string | undefined;
  stop(): void;
}

/** A pino logger that collects records into `sink` (silent otherwise). */
export function collectingLogger(sink: Record<string, unknown>[]): pino.Logger {
  return pino({ level: 'debug' }, { write: (line: string) => { sink.push(JSON.parse(line) as Record<string, unknown>); } });
}

export function startTask(pipeline: Pipeline, opts: HarnessOptions = {}): Harness {
  const taskId = opts.taskId ?? 'test';
  const db = opts.db ?? 'db';
  const rp = opts.rp ?? 'rp';
  const logs: Record<string, unknown>[] = [];
  const tm = new TaskMaster({ nodes: builtinNodes, logger: collectingLogger(logs), services: opts.services, timingSampleRate: opts.timingSampleRate });
  const task = tm.startTask(taskId, pipeline, [{ db, rp }]);
  const parser = new LineParser();
  return {
    tm, task, taskId, logs,
    write(lines, precision = '', wdb = db, wrp = rp) {
      const text = typeof lines === 'string' ? lines : lines.join('\n');
      tm.writePoints(wdb, wrp, parser.parse(text, wdb, wrp, precision));
    },
    httpOut(endpoint) {
      return tm.httpOut(taskId, endpoint);
    },
    stop() {
      tm.stopAll();
    },
  };
}

/** Evaluate a TICKscript (tickscript/index.ts evaluateScript) and start it as a task. */
export function startScript(script: string, opts: HarnessOptions = {}): Harness {
  return startTask(evaluateScript(script), opts);
}
