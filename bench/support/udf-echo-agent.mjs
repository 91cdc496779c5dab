// Benchmark UDF agent: Info (stream → stream, no options), Init accepted, keepalives answered, and every
// Request.point frame written back unchanged as a Response.point (both are field 17 of their wrapper, so the bytes
// are the same). It does no decoding, so the benchmark measures tickstream's side of the protocol.
const INFO = Buffer.from([0x02, 0x0a, 0x00]); // Response.info {} = wants STREAM, provides STREAM, no options
const INIT_OK = Buffer.from([0x04, 0x12, 0x02, 0x08, 0x01]);
const KEEPALIVE = Buffer.from([0x02, 0x1a, 0x00]);
let buf = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
  const out = [];
  let pos = 0;
  for (;;) {
    let len = 0, mul = 1, p = pos, done = false;
    while (p < buf.length) { const b = buf[p++]; len += (b & 0x7f) * mul; mul *= 128; if (b < 0x80) { done = true; break; } }
    if (!done || p + len > buf.length) break;
    const tag = buf[p];
    if (tag === 0x8a) out.push(buf.subarray(pos, p + len));
    else if (tag === 0x0a) out.push(INFO);
    else if (tag === 0x12) out.push(INIT_OK);
    else if (tag === 0x1a) out.push(KEEPALIVE);
    pos = p + len;
  }
  buf = buf.subarray(pos);
  if (out.length > 0) process.stdout.write(Buffer.concat(out));
});
process.stdin.on('end', () => process.exit(0));
