/**
 * A tiny UDF agent runtime for the tests, speaking Kapacitor's protocol the way Kapacitor's agent libraries do:
 * read length-prefixed Requests, answer Info/Init/Keepalive, hand data to the agent's handler, write Responses.
 * It reuses tickstream's codec (udf/codec.ts); the codec itself is checked byte for byte against hand-derived
 * encodings in test/udf/codec.test.ts, and against the real protobuf library by the optional Python agent.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { appendResponse, decodeRequest } from '../../../udf/codec.ts';
import { FrameReader } from '../../../udf/framing.ts';
import type { BeginBatch, EndBatch, InfoResponse, InitRequest, Response, UdfPoint } from '../../../udf/messages.ts';
import { ProtoWriter } from '../../../udf/wire.ts';

export interface Agent {
  info(): InfoResponse;
  /** '' = accepted, otherwise the reason it is refused */
  init(r: InitRequest): string;
  point?(p: UdfPoint, send: (r: Response) => void): void;
  begin?(b: BeginBatch, send: (r: Response) => void): void;
  end?(e: EndBatch, send: (r: Response) => void): void;
  /** sees each KeepaliveRequest (the kit answers it) */
  keepalive?(time: bigint): void;
}

/** Serve one conversation on a pair of streams; resolves when the input ends. */
export function serve(input: Readable, output: Writable, agent: Agent): Promise<void> {
  const frames = new FrameReader();
  const w = new ProtoWriter();
  const send = (r: Response): void => {
    w.reset();
    appendResponse(w, r);
    output.write(Buffer.from(w.bytes()));
  };
  return new Promise((resolve) => {
    input.on('data', (chunk: Buffer) => {
      for (const m of frames.push(chunk)) {
        const req = decodeRequest(m);
        switch (req.kind) {
          case 'info': send({ kind: 'info', info: agent.info() }); break;
          case 'init': { const err = agent.init(req.init); send({ kind: 'init', success: err === '', error: err }); break; }
          case 'keepalive': agent.keepalive?.(req.time); send({ kind: 'keepalive', time: req.time }); break;
          case 'snapshot': send({ kind: 'snapshot', snapshot: new Uint8Array(0) }); break;
          case 'restore': send({ kind: 'restore', success: true, error: '' }); break;
          case 'point': agent.point?.(req.point, send); break;
          case 'begin': agent.begin?.(req.begin, send); break;
          case 'end': agent.end?.(req.end, send); break;
        }
      }
    });
    input.on('end', () => resolve());
  });
}

/** Run as a child process: stdin/stdout; exits 0 when stdin closes (Kapacitor closes it to stop the agent). */
export function runStdio(agent: Agent): void {
  void serve(process.stdin, process.stdout, agent).then(() => process.exit(0));
}

/** Serve on a unix socket: one fresh agent per connection (Kapacitor opens one per task node). */
export function socketServer(path: string, makeAgent: () => Agent): Promise<Server> {
  const server = createServer((conn: Socket) => {
    void serve(conn, conn, makeAgent()).then(() => conn.end());
    conn.on('error', () => {});
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

/** The option values of an Init request by name (last call wins), for agents reading their settings. */
export function optionMap(r: InitRequest): Map<string, readonly (string | number | bigint | boolean)[]> {
  const m = new Map<string, readonly (string | number | bigint | boolean)[]>();
  for (const o of r.options) m.set(o.name, o.values.map((v) => v.value));
  return m;
}
