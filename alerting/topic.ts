/**
 * One alert topic (Kapacitor `alert/topics.go` Topic): the latest state per event id, the number of events
 * collected, and the handlers events are dispatched to. Dispatch is synchronous and never throws: handlers that
 * do I/O queue the event themselves (alerting/delivery.ts) so a slow receiver never blocks the stream.
 */
import type { Logger } from 'pino';
import type { AlertEvent, EventState } from './event.ts';
import { OK, type Level } from './levels.ts';

/** Something that acts on events of a topic. */
export interface TopicHandler {
  /** Must not throw and must not block: queue the work. */
  handle(event: AlertEvent): void;
  /** Stop delivering (queued work may be dropped); idempotent. */
  close(): void;
  /** Resolves when queued work is done (tests, shutdown). */
  whenIdle?(): Promise<void>;
}

export class Topic {
  readonly events = new Map<string, EventState>();
  collected = 0;
  readonly handlers: TopicHandler[] = [];

  constructor(readonly id: string) {}

  /** The highest level of its events (OK when it has none). */
  maxLevel(): Level {
    let max: Level = OK;
    for (const e of this.events.values()) if (e.level > max) max = e.level;
    return max;
  }

  addHandler(h: TopicHandler): void {
    if (!this.handlers.includes(h)) this.handlers.push(h);
  }

  removeHandler(h: TopicHandler): void {
    const i = this.handlers.indexOf(h);
    if (i >= 0) this.handlers.splice(i, 1);
  }

  /** Records the event's state and returns the previous level of its id (OK when new). */
  update(state: EventState): Level {
    const prev = this.events.get(state.id);
    this.events.set(state.id, state);
    return prev === undefined ? OK : prev.level;
  }

  dispatch(event: AlertEvent, log: Logger): void {
    for (const h of this.handlers) {
      try {
        h.handle(event);
      } catch (err) {
        log.error({ err, topic: this.id, event: event.state.id }, 'alert handler failed');
      }
    }
  }
}
