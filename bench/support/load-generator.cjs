// The /write load generator of the ingest and replay benchmarks. It runs as a child process (plain CommonJS, no
// tsx), so it neither shares the server's event loop nor counts in the server's CPU time.
// Arguments (JSON in argv[2]): { port, path, connections, warmupMs, measureMs, lines, hosts, mode, batches, replicasets }
//  mode "batches": `batches` bodies of `lines` lines `requests,host=app-N,replicaset=app value=Ni <ns>` over `hosts`;
//  mode "seed":    hosts/lines bodies per second of data, every line `requests,host=hH,replicaset=rs(H % replicasets)`
//                  with a 10-digit counter and a 10-digit seconds timestamp patched per request: host h's counter
//                  grows by 100 + h % 7 per second (request k carries second T0 + floor(k / bodies)).
// Messages to the parent: { phase: 'measuring' }, then { phase: 'done', requests, seconds, p50, p99, failures }.
'use strict';
const http = require('node:http');
const o = JSON.parse(process.argv[2]);
const T0 = 1700000000;
const bodies = [];
const stampAt = [];
if (o.mode === 'seed') {
  for (let b = 0; b * o.lines < o.hosts; b++) {
    let s = '';
    const offs = [];
    for (let i = 0; i < o.lines; i++) {
      const h = b * o.lines + i;
      s += 'requests,host=h' + h + ',replicaset=rs' + (h % o.replicasets) + ' value=';
      offs.push(s.length, 100 + (h % 7)); // ASCII: characters = bytes
      s += '0000000000i ' + T0 + '\n';
    }
    bodies.push(Buffer.from(s));
    stampAt.push(offs);
  }
} else {
  let t = 1700000000000000000n, n = 0;
  for (let b = 0; b < o.batches; b++) {
    let s = '';
    for (let i = 0; i < o.lines; i++, n++) { s += 'requests,host=app-' + (n % o.hosts) + ',replicaset=app value=' + n + 'i ' + t + '\n'; t += 1000n; }
    bodies.push(Buffer.from(s));
  }
}
/** seed mode: request k in a copy of its body (earlier requests may still be in flight) */
function seedBody(k) {
  const b = k % bodies.length;
  const sec = T0 + Math.floor(k / bodies.length);
  const body = Buffer.from(bodies[b]);
  const offs = stampAt[b];
  const ts = String(sec);
  for (let i = 0; i < offs.length; i += 2) {
    body.write(String((sec - T0) * offs[i + 1]).padStart(10, '0'), offs[i], 'latin1');
    body.write(ts, offs[i] + 12, 'latin1');
  }
  return body;
}
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
const latencies = [];
let requests = 0, failures = 0, next = 0, measuring = false;
function post(body) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: o.port, path: o.path, method: 'POST', agent,
      headers: { 'content-type': 'text/plain', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
async function loop(deadline) {
  while (Date.now() < deadline) {
    const k = next++;
    const body = o.mode === 'seed' ? seedBody(k) : bodies[k % bodies.length];
    const t0 = process.hrtime.bigint();
    const status = await post(body);
    if (!measuring) continue;
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    requests++;
    if (status !== 204) failures++;
  }
}
(async () => {
  const warm = Date.now() + o.warmupMs;
  await Promise.all(Array.from({ length: o.connections }, () => loop(warm)));
  measuring = true;
  process.send({ phase: 'measuring' });
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: o.connections }, () => loop(Date.now() + o.measureMs)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  agent.destroy();
  process.send({ phase: 'done', requests, seconds, p50: q(0.5), p99: q(0.99), failures }, () => process.exit(0));
})();
