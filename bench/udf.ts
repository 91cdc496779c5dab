/**
 * UDF benchmark (npm run bench:udf): `stream|from()@echo()|httpOut('x')` where `echo` is a child-process agent
 * (bench/support/udf-echo-agent.mjs) that writes every point frame straight back, so the numbers are tickstream's
 * side of the protocol: encoding points, pipe writes, framing and decoding answers, emitting them downstream.
 * Prints wall-clock points/s until the last answer arrived and this process's CPU per point (the agent runs in its
 * own process). BENCH_POINTS (default 200000) sets the number of points; BENCH_GROUPS (default 1000) the hosts.
 */
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import { LineParser } from '../test/helpers/runtime/line-protocol.ts';
import { evaluateScript } from '../tickscript/index.ts';
import { builtinNodes } from '../nodes/index.ts';
import { UdfService } from '../udf/service.ts';
import type { Point } from '../model/point.ts';

const POINTS = Number(process.env['BENCH_POINTS'] ?? 200_000);
const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 1000);
const BATCH = 5_000;
const T0 = 1_478_629_267n * 1_000_000_000n;
const logger = pino({ level: 'silent' });

const agent = fileURLToPath(new URL('./support/udf-echo-agent.mjs', import.meta.url));
const udf = new UdfService({ echo: { prog: process.execPath, args: [agent], env: {}, socket: '', timeout: 60_000_000_000n } }, logger);
await udf.open();
if (Object.keys(udf.unavailable()).length > 0) throw new Error(JSON.stringify(udf.unavailable()));

const parser = new LineParser();
const writes: Point[][] = [];
for (let i = 0; i < POINTS; i += BATCH) {
  const lines: string[] = [];
  for (let j = i; j < Math.min(POINTS, i + BATCH); j++) lines.push(`m,host=h${j % GROUPS} value=${j}i,f=${j / 7} ${T0 + BigInt(j)}`);
  writes.push(parser.parse(lines.join('\n'), 'bench', 'autogen', 'ns'));
}

const tm = new TaskMaster({ nodes: builtinNodes, logger, services: { udf } });
const pipeline = evaluateScript("stream|from().measurement('m').groupBy('host')@echo()|httpOut('x')", { udfs: udf.available() });
const task = tm.startTask('bench', pipeline, [{ db: 'bench', rp: 'autogen' }]);
const emitted = (): number => task.stats()['node-stats']['echo2']!['emitted']!;

const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const w of writes) tm.writePoints('bench', 'autogen', w);
const fed = performance.now();
while (emitted() < POINTS) {
  if (task.error) throw new Error(task.error);
  await new Promise((r) => setTimeout(r, 1));
}
const t1 = performance.now();
const cpu = process.cpuUsage(cpu0);
const cpuNsPerPoint = ((cpu.user + cpu.system) * 1000) / POINTS;
console.log(`udf echo (child process): ${POINTS} points, ${GROUPS} groups`);
console.log(`  fed in ${(fed - t0).toFixed(0)} ms; last answer after ${(t1 - t0).toFixed(0)} ms → ${Math.round(POINTS / ((t1 - t0) / 1000))} points/s`);
console.log(`  tickstream CPU ${cpuNsPerPoint.toFixed(0)} ns/point (encode + write + read + decode + emit)`);
tm.stopAll();
await udf.close();
