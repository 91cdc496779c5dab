// Test agent that misbehaves on purpose, chosen by its first argument. Plain JavaScript with every response
// written out as bytes by hand from udf.proto's field numbers (not with tickstream's codec), so it starts in
// milliseconds (the hang case runs with a short timeout) and checks tickstream's decoder independently.
// It writes its pid to the file named by the second argument, so tests can check the process is gone afterwards.
//   crash     exits with status 3 on the first point
//   hang      after Init, answers nothing (keepalives included) and ignores stdin EOF: only a kill ends it
//   garbage   answers the first point with a length prefix of 5 and five 0xff bytes (a truncated varint)
//   error     answers the first point with ErrorResponse "bad point: value missing"
//   initfail  refuses Init with "unsupported option value"
//   noinfo    exits with status 2 before answering Info
//   (other)   behaves: answers Info, Init and keepalives, ignores points, exits when stdin closes
// Info: wants STREAM, provides STREAM, options { field: [STRING] }.
import { writeFileSync } from 'node:fs';

const mode = process.argv[2] ?? '';
const pidFile = process.argv[3];
if (pidFile) writeFileSync(pidFile, `${process.pid}\n`, { flag: 'a' });
if (mode === 'noinfo') process.exit(2);

const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
// Response.info (1) { options (3) { key (1) "field", value (2) OptionInfo { valueTypes (1) packed [STRING = 3] } } }
const INFO = bytes([0x10, 0x0a, 0x0e, 0x1a, 0x0c, 0x0a, 0x05], 'field', [0x12, 0x03, 0x0a, 0x01, 0x03]);
// Response.init (2) { success (1) true }
const INIT_OK = bytes([0x04, 0x12, 0x02, 0x08, 0x01]);
// Response.init (2) { error (2) "unsupported option value" (24 bytes) }
const INIT_FAIL = bytes([0x1c, 0x12, 0x1a, 0x12, 0x18], 'unsupported option value');
// Response.keepalive (3) {} (time left out: any response counts as alive)
const KEEPALIVE = bytes([0x02, 0x1a, 0x00]);
// Response.error (6) { error (1) "bad point: value missing" (24 bytes) }
const ERROR = bytes([0x1c, 0x32, 0x1a, 0x0a, 0x18], 'bad point: value missing');
const GARBAGE = bytes([0x05, 0xff, 0xff, 0xff, 0xff, 0xff]);

let hung = false;
let buf = Buffer.alloc(0);
const out = (b) => { if (!hung) process.stdout.write(b); };

process.stdin.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    // length prefix (uvarint), then the Request; its first byte is the tag of the oneof member
    let len = 0, mul = 1, p = 0, done = false;
    while (p < buf.length) { const b = buf[p++]; len += (b & 0x7f) * mul; mul *= 128; if (b < 0x80) { done = true; break; } }
    if (!done || p + len > buf.length) return;
    const tag = buf[p];
    buf = buf.subarray(p + len);
    if (tag === 0x0a) out(INFO);
    else if (tag === 0x12) {
      if (mode === 'initfail') out(INIT_FAIL);
      else { out(INIT_OK); if (mode === 'hang') hung = true; }
    } else if (tag === 0x1a) out(KEEPALIVE);
    else if (tag === 0x8a) { // Request.point (17): two tag bytes 0x8a 0x01
      if (mode === 'crash') process.exit(3);
      if (mode === 'garbage') out(GARBAGE);
      if (mode === 'error') out(ERROR);
    }
  }
});
process.stdin.on('end', () => { if (hung) setInterval(() => {}, 1 << 30); else process.exit(0); });
