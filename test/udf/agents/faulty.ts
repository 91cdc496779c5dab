/**
 * Test agent that misbehaves on purpose, chosen by its first argument; its Info is movingAvg-like
 * (stream → stream, option field(string)) so tasks using it define normally. Before misbehaving it writes its
 * pid to the file named by the second argument, so the test can check the process is gone afterwards.
 *   crash     exits with status 3 on the first point
 *   hang      after Init, stops answering anything (keepalives included) and never exits by itself
 *   garbage   answers the first point with bytes that are not a valid message
 *   error     answers the first point with an ErrorResponse "bad point: <field> missing"
 *   initfail  refuses Init with "unsupported option value"
 *   noinfo    exits with status 2 before answering Info
 */
import { writeFileSync } from 'node:fs';
import { appendResponse } from '../../../udf/codec.ts';
import { ProtoWriter } from '../../../udf/wire.ts';
import { serve } from './kit.ts';

const mode = process.argv[2] ?? '';
const pidFile = process.argv[3];
if (pidFile) writeFileSync(pidFile, `${process.pid}\n`, { flag: 'a' });
if (mode === 'noinfo') process.exit(2);
let hung = false;

// stdout writes bypass the kit while hung: nothing at all goes out
const realWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: Uint8Array | string, ...rest: unknown[]) => (hung ? true : (realWrite as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stdout.write;

const done = serve(process.stdin, process.stdout, {
  info: () => ({ wants: 'stream', provides: 'stream', options: { field: ['STRING'] } }),
  init() {
    if (mode === 'initfail') return 'unsupported option value';
    if (mode === 'hang') setImmediate(() => { hung = true; setInterval(() => {}, 1 << 30); });
    return '';
  },
  point(p, send) {
    switch (mode) {
      case 'crash': process.exit(3); break;
      case 'garbage': realWrite(Buffer.from([0x05, 0xff, 0xff, 0xff, 0xff, 0xff])); break;
      case 'error': send({ kind: 'error', error: 'bad point: value missing' }); break;
      default: {
        const w = new ProtoWriter();
        appendResponse(w, { kind: 'point', point: p });
        realWrite(Buffer.from(w.bytes()));
      }
    }
  },
});
// stdin closed: a well-behaved agent exits; a hung one stays until killed
void done.then(() => { if (!hung) process.exit(0); });
