/**
 * The /write side of a cluster (a PointSink): each point goes to subject `<stream>.<partition>`, and the request
 * is answered after JetStream acknowledged every message holding its points — an acknowledged write is stored
 * (at-least-once ingest).
 *
 * A write's points are encoded per partition as line protocol straight into bytes (server/cluster/codec.ts LineEncoder),
 * one record per partition (split past MAX_MESSAGE_BYTES). Records go to a per-partition queue: a partition has
 * at most MAX_IN_FLIGHT messages awaiting their acknowledgement; records arriving meanwhile (other concurrent
 * writes) are sent together as the partition's next message (group commit). All partitions publish at once.
 * With a duplicate window the record id is a hash of subject, db, rp and lines, so a client retrying the same
 * write (to any instance) within the window is processed once: the partition's consumer skips a record id it
 * has seen within the window (server/cluster/codec.ts RecordDedup); a message of a single record also carries the id
 * as its JetStream message id (stored once).
 */
import { hash } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { Point } from '../../model/point.ts';
import type { ClusterNats } from './nats.ts';
import { FORMAT_HEADER, FORMAT_RECORDS, LineEncoder, type SeriesRoute, recordHeader, seriesRoute } from './codec.ts';
import { partitionOf } from './partition.ts';

/** NATS' default max_payload is 1 MiB; stay well below it. */
export const MAX_MESSAGE_BYTES = 512 * 1024;
/** messages of one partition awaiting their acknowledgement at a time (more records wait and are batched) */
export const MAX_IN_FLIGHT = 1;

/** A failed publish: /write answers 503 with this message (the client may retry). */
export class PublishError extends Error {
  override name = 'PublishError';
  readonly statusCode = 503;
}

export interface PublisherOptions {
  readonly nats: ClusterNats;
  readonly partitions: number;
  /** the tag whose value picks the partition ('' = none); changed with setPartitionTag */
  readonly partitionTag: string;
  readonly dedup: boolean;
  /** per publish, ms */
  readonly timeoutMs?: number;
}

/** One message being filled: records of one or more writes. */
interface Batch {
  readonly parts: Buffer[];
  bytes: number;
  records: number;
  /** the id of its only record (JetStream msg id) */
  firstId: string;
  readonly done: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

interface PartitionQueue {
  readonly subject: string;
  readonly batches: Batch[];
  inFlight: number;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { parts: [], bytes: 0, records: 0, firstId: '', done, resolve, reject };
}

export class ClusterPublisher {
  published = 0;
  messages = 0;
  /** records sent (one per write and partition); records / messages = how much concurrent writes were batched */
  records = 0;
  private readonly queues: (PartitionQueue | undefined)[];
  /** partitions with batches not yet sent */
  private readonly ready = new Set<PartitionQueue>();
  private flushScheduled = false;
  /** per-partition encoders, reused across writes */
  private readonly encoders: (LineEncoder | undefined)[];
  private readonly touched: number[] = [];
  private readonly prefixes: ({ db: string; rp: string; bytes: Buffer } | undefined)[] = [];
  private readonly flushNow = (): void => { this.flushScheduled = false; this.flush(); };

  /** the tag routing points now: [cluster] partition-tag, or derived from the tasks (server/cluster/partition-tag.ts) */
  partitionTag: string;

  constructor(private readonly opts: PublisherOptions) {
    this.partitionTag = opts.partitionTag;
    this.queues = new Array(opts.partitions).fill(undefined);
    this.encoders = new Array(opts.partitions).fill(undefined);
  }

  /** Resolves once every point is stored in the stream; rejects with a PublishError otherwise. */
  writePoints(db: string, rp: string, points: Point[]): Promise<void> {
    const { partitions } = this.opts;
    const partitionTag = this.partitionTag;
    const touched = this.touched;
    touched.length = 0;
    let lastTags: object | undefined;
    let lastName = '';
    let enc: LineEncoder | undefined;
    let route: SeriesRoute | undefined;
    try {
      for (let i = 0; i < points.length; i++) {
        const p = points[i]!;
        if (p.tags !== lastTags || p.name !== lastName) {
          route = seriesRoute(p, db, rp, partitions, partitionTag, partitionOf);
          lastTags = p.tags; lastName = p.name;
          const part = route.partition;
          enc = this.encoders[part];
          if (enc === undefined) enc = this.encoders[part] = new LineEncoder();
          if (enc.len === 0) {
            touched.push(part);
            // the record id hashes subject, db, rp and lines: they go first, the lines follow (see enqueue)
            if (this.opts.dedup) enc.raw(this.idPrefix(part, db, rp));
          }
        }
        enc!.raw(route!.bytes);
        enc!.fieldsAndTime(p);
      }
    } catch (err) {
      for (const part of touched) this.encoders[part]!.reset();
      touched.length = 0;
      return Promise.reject(err);
    }
    const waits: Promise<void>[] = [];
    for (const part of touched) {
      const e = this.encoders[part]!;
      const prefix = this.opts.dedup ? this.idPrefix(part, db, rp).length : 0;
      this.enqueue(part, db, rp, e.view(), prefix, waits);
      e.reset();
    }
    touched.length = 0;
    this.published += points.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // after the writes that arrived in this turn of the event loop: they share messages
      setImmediate(this.flushNow);
    }
    return waits.length === 1 ? waits[0]! : Promise.all(waits).then(() => undefined);
  }

  /** `subject\0db\0rp\0`, the start of what a record id hashes; cached for the last db and rp */
  private idPrefix(part: number, db: string, rp: string): Buffer {
    let c = this.prefixes[part];
    if (c === undefined || c.db !== db || c.rp !== rp) {
      c = { db, rp, bytes: Buffer.from(`${this.opts.nats.subject(part)}\0${db}\0${rp}\0`) };
      this.prefixes[part] = c;
    }
    return c.bytes;
  }

  /**
   * Queues a write's lines for a partition (split into records of at most MAX_MESSAGE_BYTES, at line ends).
   * `encoded` is the id prefix (`prefix` bytes, with de-duplication) followed by the lines.
   */
  private enqueue(part: number, db: string, rp: string, encoded: Buffer, prefix: number, waits: Promise<void>[]): void {
    let q = this.queues[part];
    if (q === undefined) q = this.queues[part] = { subject: this.opts.nats.subject(part), batches: [], inFlight: 0 };
    const lines = encoded.subarray(prefix);
    let start = 0;
    while (start < lines.length) {
      let end = lines.length;
      if (end - start > MAX_MESSAGE_BYTES) {
        end = lines.lastIndexOf(0x0a, start + MAX_MESSAGE_BYTES - 1) + 1;
        if (end <= start) end = lines.indexOf(0x0a, start + MAX_MESSAGE_BYTES) + 1 || lines.length; // one huge line
      }
      let id = '';
      if (prefix > 0) {
        // sha1(subject \0 db \0 rp \0 lines): the message id of earlier versions for the same write
        id = start === 0 && end === lines.length
          ? hash('sha1', encoded, 'base64url')
          : hash('sha1', Buffer.concat([encoded.subarray(0, prefix), lines.subarray(start, end)]), 'base64url');
      }
      const chunk = Buffer.from(lines.subarray(start, end)); // a copy: the encoder's buffer is reused
      start = end;
      const head = recordHeader(id, db, rp, chunk.length);
      const size = head.length + chunk.length;
      let b = q.batches[q.batches.length - 1];
      if (b === undefined || (b.bytes > 0 && b.bytes + size > MAX_MESSAGE_BYTES)) q.batches.push(b = newBatch());
      b.parts.push(head, chunk);
      b.bytes += size;
      if (b.records++ === 0) b.firstId = id;
      if (waits[waits.length - 1] !== b.done) waits.push(b.done);
    }
    this.ready.add(q);
  }

  private flush(): void {
    for (const q of this.ready) {
      while (q.inFlight < MAX_IN_FLIGHT && q.batches.length > 0) this.send(q, q.batches.shift()!);
      if (q.batches.length === 0) this.ready.delete(q);
    }
  }

  private send(q: PartitionQueue, b: Batch): void {
    q.inFlight++;
    const h = natsHeaders();
    h.set(FORMAT_HEADER, FORMAT_RECORDS);
    const data = b.parts.length === 1 ? b.parts[0]! : Buffer.concat(b.parts, b.bytes);
    const msgID = b.records === 1 && b.firstId !== '' ? b.firstId : undefined;
    this.opts.nats.js.publish(q.subject, data, { headers: h, ...(msgID ? { msgID } : {}), timeout: this.opts.timeoutMs ?? 10_000 }).then(
      () => {
        this.messages++;
        this.records += b.records;
        b.resolve();
      },
      (err: unknown) => {
        b.reject(new PublishError(`cluster: publishing to ${q.subject} failed, the write was not acknowledged: ${(err as Error).message}`));
      },
    ).finally(() => {
      q.inFlight--;
      if (q.batches.length > 0) {
        this.ready.add(q);
        this.flush();
      }
    });
  }
}
