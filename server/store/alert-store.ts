/**
 * Alert topic event states and topic handler specs in the task store's SQLite file (tables of migration 3).
 * Every method is one statement or one transaction, so a kill -9 leaves either the old or the new state.
 */
import type Database from 'better-sqlite3';
import type { AlertPersistence } from '../../alerting/service.ts';
import type { EventState } from '../../alerting/event.ts';
import type { HandlerSpec } from '../../alerting/handler-spec.ts';
import type { Level } from '../../alerting/levels.ts';
import type { DeliverySpool } from '../../alerting/delivery.ts';
import { decodeEvent, encodeEvent } from '../../alerting/event-codec.ts';
import { StoreError } from './store.ts';
import { insertNew } from './insert-new.ts';

interface EventRow { topic: string; event_id: string; level: bigint; message: string; details: string; time: bigint; duration: bigint }
interface HandlerRow { topic: string; id: string; kind: string; options: string; match: string }

const toState = (r: EventRow): EventState => ({
  id: r.event_id, level: Number(r.level) as Level, message: r.message, details: r.details, time: r.time, duration: r.duration,
});

export class SqliteAlertStore implements AlertPersistence {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      allEvents: db.prepare<[], EventRow>('SELECT * FROM alert_events ORDER BY topic, event_id'),
      topicEvents: db.prepare<[string], EventRow>('SELECT * FROM alert_events WHERE topic = ? ORDER BY event_id'),
      putEvent: db.prepare(`INSERT INTO alert_events (topic, event_id, level, message, details, time, duration)
        VALUES (@topic, @event_id, @level, @message, @details, @time, @duration)
        ON CONFLICT (topic, event_id) DO UPDATE SET level = excluded.level, message = excluded.message,
        details = excluded.details, time = excluded.time, duration = excluded.duration`),
      deleteEvent: db.prepare('DELETE FROM alert_events WHERE topic = ? AND event_id = ?'),
      deleteTopic: db.prepare('DELETE FROM alert_events WHERE topic = ?'),
      handlers: db.prepare<[], HandlerRow>('SELECT * FROM alert_handlers ORDER BY topic, id'),
      insertHandler: db.prepare('INSERT INTO alert_handlers (topic, id, kind, options, match) VALUES (@topic, @id, @kind, @options, @match)'),
      deleteHandler: db.prepare('DELETE FROM alert_handlers WHERE topic = ? AND id = ?'),
      deliveries: db.prepare<[string, string], { seq: bigint; event: string }>('SELECT seq, event FROM alert_deliveries WHERE topic = ? AND handler = ? ORDER BY seq'),
      addDelivery: db.prepare('INSERT INTO alert_deliveries (topic, handler, event) VALUES (?, ?, ?)'),
      removeDelivery: db.prepare('DELETE FROM alert_deliveries WHERE seq = ?'),
      dropDeliveries: db.prepare('DELETE FROM alert_deliveries WHERE topic = ? AND handler = ?'),
    };
  }

  loadAllEvents(): Map<string, EventState[]> {
    const out = new Map<string, EventState[]>();
    for (const r of this.stmts.allEvents.iterate()) {
      let list = out.get(r.topic);
      if (!list) out.set(r.topic, (list = []));
      list.push(toState(r));
    }
    return out;
  }

  loadTopicEvents(topic: string): EventState[] {
    return this.stmts.topicEvents.all(topic).map(toState);
  }

  putEvent(topic: string, s: EventState): void {
    this.stmts.putEvent.run({ topic, event_id: s.id, level: s.level, message: s.message, details: s.details, time: s.time, duration: s.duration });
  }

  deleteEvent(topic: string, id: string): void {
    this.stmts.deleteEvent.run(topic, id);
  }

  deleteTopic(topic: string): void {
    this.stmts.deleteTopic.run(topic);
  }

  loadHandlerSpecs(): HandlerSpec[] {
    return this.stmts.handlers.all().map((r) => ({
      topic: r.topic, id: r.id, kind: r.kind, options: JSON.parse(r.options) as Record<string, unknown>, match: r.match,
    }));
  }

  createHandlerSpec(spec: HandlerSpec): void {
    if (!insertNew(this.stmts.insertHandler, this.params(spec))) throw new StoreError('handler spec already exists');
  }

  replaceHandlerSpec(oldId: string, spec: HandlerSpec): void {
    this.db.transaction(() => {
      if (this.stmts.deleteHandler.run(spec.topic, oldId).changes !== 1) throw new StoreError('no handler spec exists');
      // a renamed handler's waiting deliveries are not the new handler's
      if (oldId !== spec.id) this.stmts.dropDeliveries.run(spec.topic, oldId);
      this.createHandlerSpec(spec);
    })();
  }

  /** Deletes the spec and the deliveries it still had waiting. */
  deleteHandlerSpec(topic: string, id: string): void {
    this.db.transaction(() => {
      this.stmts.deleteHandler.run(topic, id);
      this.stmts.dropDeliveries.run(topic, id);
    })();
  }

  /** The durable delivery queue of one topic handler (each call is one statement: a kill -9 loses nothing written). */
  deliverySpool(topic: string, handler: string): DeliverySpool {
    const st = this.stmts;
    return {
      load: () => st.deliveries.all(topic, handler).map((r) => ({ seq: Number(r.seq), event: decodeEvent(r.event) })),
      add: (ev) => Number(st.addDelivery.run(topic, handler, encodeEvent(ev)).lastInsertRowid),
      remove: (seq) => { st.removeDelivery.run(seq); },
    };
  }

  private params(spec: HandlerSpec): Record<string, unknown> {
    return { topic: spec.topic, id: spec.id, kind: spec.kind, options: JSON.stringify(spec.options), match: spec.match };
  }
}
