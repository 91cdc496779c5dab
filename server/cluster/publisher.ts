/**
 * The /write side of a cluster (a PointSink): each point goes to subject `<stream>.<partition>`; one message per
 * partition per request (split past MAX_MESSAGE_BYTES), all published at once, and the request is answered
 * after JetStream acknowledged every message — an acknowledged write is stored (at-least-once ingest).
 * With a duplicate window the message id is a hash of subject, db, rp and body, so a client retrying the same
 * write (to any instance) within the window is stored once.
 */
import { createHash } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { Point } from '../../model/point.ts';
import type { ClusterNats } from './nats.ts';
import { DB_HEADER, RP_HEADER, encodePoint } from './codec.ts';
import { partitionOf } from './partition.ts';

/** NATS' default max_payload is 1 MiB; stay well below it. */
export const MAX_MESSAGE_BYTES = 512 * 1024;

/** A failed publish: /write answers 503 with this message (the client may retry). */
export class PublishError extends Error {
  override name = 'PublishError';
  readonly statusCode = 503;
}

export interface PublisherOptions {
  readonly nats: ClusterNats;
  readonly partitions: number;
  readonly partitionTag: string;
  readonly dedup: boolean;
  /** per publish, ms */
  readonly timeoutMs?: number;
}

export class ClusterPublisher {
  published = 0;
  messages = 0;

  constructor(private readonly opts: PublisherOptions) {}

  /** Resolves once every point is stored in the stream; rejects with a PublishError otherwise. */
  writePoints(db: string, rp: string, points: Point[]): Promise<void> {
    const { partitions, partitionTag } = this.opts;
    const bodies = new Map<number, string[]>();
    const sizes = new Map<number, number>();
    let lastName = '';
    let lastTags: object | undefined;
    let lastPart = 0;
    for (const p of points) {
      let part: number;
      if (p.name === lastName && p.tags === lastTags) part = lastPart;
      else {
        part = partitionOf(partitions, db, rp, p.name, p.tags[partitionTag]);
        lastName = p.name; lastTags = p.tags; lastPart = part;
      }
      const line = encodePoint(p);
      let chunks = bodies.get(part);
      if (chunks === undefined) { chunks = ['']; bodies.set(part, chunks); sizes.set(part, 0); }
      const size = sizes.get(part)! + line.length;
      if (size > MAX_MESSAGE_BYTES && chunks[chunks.length - 1] !== '') {
        chunks.push(line);
        sizes.set(part, line.length);
      } else {
        chunks[chunks.length - 1] += line;
        sizes.set(part, size);
      }
    }
    const acks: Promise<unknown>[] = [];
    for (const [part, chunks] of bodies) {
      const subject = this.opts.nats.subject(part);
      for (const body of chunks) acks.push(this.publish(subject, db, rp, body));
    }
    this.published += points.length;
    return Promise.all(acks).then(() => undefined);
  }

  private async publish(subject: string, db: string, rp: string, body: string): Promise<void> {
    const h = natsHeaders();
    h.set(DB_HEADER, db);
    h.set(RP_HEADER, rp);
    const data = Buffer.from(body);
    const msgID = this.opts.dedup
      ? createHash('sha1').update(subject).update('\0').update(db).update('\0').update(rp).update('\0').update(data).digest('base64url')
      : undefined;
    try {
      await this.opts.nats.js.publish(subject, data, { headers: h, ...(msgID ? { msgID } : {}), timeout: this.opts.timeoutMs ?? 10_000 });
      this.messages++;
    } catch (err) {
      throw new PublishError(`cluster: publishing to ${subject} failed, the write was not acknowledged: ${(err as Error).message}`);
    }
  }
}
