/**
 * Messages that travel along task edges besides data. Data messages are plain `Point`s (stream edges) and whole
 * `Batch`es (batch edges, BeginBatch…EndBatch as one message); control messages are instances of the classes
 * below, so a node tells them apart with one `instanceof ControlMessage` check per message.
 */
import type { Batch, Dimensions, Point, Tags } from '../model/point.ts';

export abstract class ControlMessage {
  /** group ID the message applies to */
  abstract readonly group: string;
}

/** Kapacitor's BarrierMessage: no data older than `time` will follow for this group. */
export class BarrierMessage extends ControlMessage {
  constructor(
    readonly group: string,
    readonly name: string,
    readonly tags: Tags,
    readonly dims: Dimensions,
    readonly time: bigint,
  ) { super(); }
}

/** Kapacitor's DeleteGroupMessage: nodes drop all state of `group` (sent after a barrier with `.delete(TRUE)`). */
export class DeleteGroupMessage extends ControlMessage {
  constructor(
    readonly group: string,
    readonly name: string,
    readonly tags: Tags,
    readonly dims: Dimensions,
  ) { super(); }
}

/** Anything that travels along an edge. Which data type (Point or Batch) depends on the edge type. */
export type Message = Point | Batch | ControlMessage;
