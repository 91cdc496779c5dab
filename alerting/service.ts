/**
 * The alert service (Kapacitor `services/alert/service.go` + `alert/topics.go`): topics and their event states,
 * handler specs, anonymous handlers of alert nodes, inhibitors, and persistence of event states so that a
 * restarted server neither re-fires nor forgets an alert.
 *
 * Persistence follows Kapacitor 1.8 ([alert] persist-topics, default true): a non-OK event state is written when
 * it is collected; an OK event (a recovery) deletes the stored state (the in-memory state keeps it until the
 * topic is closed). Anonymous topics (`main:<task>:<node>`, the handlers written in a script) are closed when
 * their task stops and restored from the store when it starts again; deleting the task deletes them.
 *
 * Nothing here throws into the stream: store and handler errors are logged and counted.
 */
import type { Logger } from 'pino';
import { globMatcher } from '../gocompat/glob.ts';
import { AlertEvent, type EventState } from './event.ts';
import type { HandlerSpec } from './handler-spec.ts';
import { validateHandlerSpec } from './handler-spec.ts';
import { InhibitorLookup } from './inhibit.ts';
import { OK, type Level } from './levels.ts';
import { Topic, type TopicHandler } from './topic.ts';

/** Alert messages and details are cut beyond this many UTF-8 bytes (docs/alerting.md "Limits"). */
export const MAX_TEXT_BYTES = 1 << 20;

/** `s` cut to MAX_TEXT_BYTES on a character boundary, with a marker saying how long it was. */
export function truncateText(s: string): string {
  const b = Buffer.from(s, 'utf8');
  let end = MAX_TEXT_BYTES;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--; // not inside a multi-byte character
  return b.subarray(0, end).toString('utf8') + ` [truncated by tickstream: ${b.length} bytes]`;
}

/** The id prefix of a task's anonymous topics (Kapacitor: `<task master id>:<task>:<node>`). */
export const anonTopicPrefix = (taskId: string): string => `main:${taskId}:`;

/** Where event states and handler specs are kept (server/store/alert-store.ts; absent = memory only). */
export interface AlertPersistence {
  loadAllEvents(): Map<string, EventState[]>;
  loadTopicEvents(topic: string): EventState[];
  putEvent(topic: string, state: EventState): void;
  deleteEvent(topic: string, id: string): void;
  deleteTopic(topic: string): void;
  loadHandlerSpecs(): HandlerSpec[];
  createHandlerSpec(spec: HandlerSpec): void;
  /** replaces (topic, oldId) by spec in one transaction */
  replaceHandlerSpec(oldId: string, spec: HandlerSpec): void;
  deleteHandlerSpec(topic: string, id: string): void;
}

/** A spec whose kind or options cannot make a handler (the API answers 400). */
export class HandlerSpecError extends Error {
  override name = 'HandlerSpecError';
}

/** Creates the handler a spec describes; throws Error naming the bad option. */
export type HandlerFactory = (spec: HandlerSpec) => TopicHandler;

export interface TopicStateView {
  readonly id: string;
  readonly level: Level;
  readonly collected: number;
}

interface SpecEntry {
  spec: HandlerSpec;
  handler: TopicHandler;
}

export interface AlertServiceOptions {
  logger: Logger;
  persistence?: AlertPersistence;
  /** [alert] persist-topics (default true) */
  persistTopics?: boolean;
  /** builds topic handlers from specs; without it, defining a handler fails */
  factory?: HandlerFactory;
}

export class AlertService {
  readonly inhibitors = new InhibitorLookup();
  private readonly topics = new Map<string, Topic>();
  private readonly closed = new Set<string>();
  private readonly specs = new Map<string, Map<string, SpecEntry>>();
  private readonly log: Logger;
  private readonly store: AlertPersistence | undefined;
  private readonly persist: boolean;
  private readonly factory: HandlerFactory | undefined;
  /** store failures (each is logged) */
  storeErrors = 0;
  /** events whose message or details were cut to MAX_TEXT_BYTES */
  truncatedTexts = 0;

  constructor(opts: AlertServiceOptions) {
    this.log = opts.logger;
    this.store = opts.persistence;
    this.persist = (opts.persistTopics ?? true) && this.store !== undefined;
    this.factory = opts.factory;
  }

  /** Loads handler specs (a spec that cannot be built is logged and skipped) and the persisted event states. */
  open(): void {
    if (!this.store) return;
    for (const spec of this.store.loadHandlerSpecs()) {
      try {
        this.addSpec(spec, this.build(spec));
      } catch (err) {
        this.log.error({ err, topic: spec.topic, handler: spec.id }, 'failed to load handler on startup');
      }
    }
    for (const [topic, states] of this.store.loadAllEvents()) {
      const t = this.ensure(topic);
      for (const s of states) t.events.set(s.id, s);
    }
  }

  /** Closes every spec handler (shutdown). */
  close(): void {
    for (const m of this.specs.values()) for (const e of m.values()) e.handler.close();
    this.specs.clear();
    this.topics.clear();
  }

  // ---- events ------------------------------------------------------------------------------------------

  /** Records the event in its topic, persists its state and hands it to the topic's handlers. */
  collect(event: AlertEvent): void {
    event = this.bounded(event);
    const id = event.topic;
    if (this.closed.has(id)) this.restoreTopic(id);
    const t = this.ensure(id);
    const prev = t.update(event.state);
    t.collected++;
    if (this.persist) {
      this.guard(() => {
        if (event.state.level === OK) this.store!.deleteEvent(id, event.state.id);
        else this.store!.putEvent(id, event.state);
      }, 'failed to persist alert event state', id);
    }
    t.dispatch(event.previousLevel === prev ? event : event.forTopic(id, prev), this.log);
  }

  /** True when the topic holds at least one event state (cheap check before rendering an id to restore). */
  hasEvents(topic: string): boolean {
    const t = this.topics.get(topic);
    return t !== undefined && t.events.size > 0;
  }

  eventState(topic: string, event: string): EventState | undefined {
    return this.topics.get(topic)?.events.get(event);
  }

  /** Sets an event's state without dispatching it (restoring one topic's state from another). */
  updateEvent(topic: string, state: EventState): void {
    this.ensure(topic).update(state);
    if (this.persist && state.level !== OK) this.guard(() => this.store!.putEvent(topic, state), 'failed to persist alert event state', topic);
  }

  // ---- topics ------------------------------------------------------------------------------------------

  topicState(id: string): TopicStateView | undefined {
    const t = this.topics.get(id);
    return t && { id, level: t.maxLevel(), collected: t.collected };
  }

  /** Topics matching the glob `pattern` ('' = all) whose level is at least minLevel, sorted by id. */
  topicStates(pattern: string, minLevel: Level): TopicStateView[] {
    const match = globMatcher(pattern);
    const out: TopicStateView[] = [];
    for (const t of this.topics.values()) {
      if (!match(t.id)) continue;
      const level = t.maxLevel();
      if (level >= minLevel) out.push({ id: t.id, level, collected: t.collected });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Event states of a topic with level >= minLevel, sorted by id; undefined for an unknown topic. */
  eventStates(topic: string, minLevel: Level): EventState[] | undefined {
    const t = this.topics.get(topic);
    if (!t) return undefined;
    return [...t.events.values()].filter((e) => e.level >= minLevel).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Re-reads a topic's states from the store (task start), re-creating it with its spec handlers. */
  restoreTopic(topic: string): void {
    this.closed.delete(topic);
    const t = this.ensure(topic);
    if (!this.store) return;
    let states: EventState[] = [];
    this.guard(() => { states = this.store!.loadTopicEvents(topic); }, 'failed to restore alert topic', topic);
    t.events.clear();
    for (const s of states) t.events.set(s.id, s);
  }

  /** Drops a topic from memory but keeps its stored state (task stop); the next event restores it. */
  closeTopic(topic: string): void {
    this.topics.delete(topic);
    this.closed.add(topic);
  }

  /** Deletes a topic and its stored states. Handler specs stay defined and attach again when the topic returns. */
  deleteTopic(topic: string): void {
    this.closed.delete(topic);
    this.topics.delete(topic);
    if (this.store) this.guard(() => this.store!.deleteTopic(topic), 'failed to delete alert topic', topic);
  }

  /** A deleted task's anonymous topics go with it. */
  deleteTaskTopics(taskId: string): void {
    const prefix = anonTopicPrefix(taskId);
    const ids = new Set([...this.topics.keys(), ...this.closed].filter((id) => id.startsWith(prefix)));
    if (this.store) for (const id of this.store.loadAllEvents().keys()) if (id.startsWith(prefix)) ids.add(id);
    for (const id of ids) this.deleteTopic(id);
  }

  registerAnonHandler(topic: string, h: TopicHandler): void {
    this.ensure(topic).addHandler(h);
  }

  deregisterAnonHandler(topic: string, h: TopicHandler): void {
    this.topics.get(topic)?.removeHandler(h);
  }

  // ---- handler specs -----------------------------------------------------------------------------------

  handlerSpec(topic: string, id: string): HandlerSpec | undefined {
    return this.specs.get(topic)?.get(id)?.spec;
  }

  /** Specs of a topic whose id matches `pattern` ('' = all), sorted by id. */
  handlerSpecs(topic: string, pattern: string): HandlerSpec[] {
    const match = globMatcher(pattern);
    const m = this.specs.get(topic);
    if (!m) return [];
    return [...m.values()].map((e) => e.spec).filter((s) => match(s.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Validates, builds, stores and attaches a new handler; throws (nothing changed) on any failure. */
  registerHandlerSpec(spec: HandlerSpec): void {
    validateHandlerSpec(spec);
    if (this.specs.get(spec.topic)?.has(spec.id)) {
      throw new Error(`cannot register handler, handler with ID ${JSON.stringify(spec.id)} already exists`);
    }
    const h = this.build(spec);
    try {
      this.store?.createHandlerSpec(spec);
    } catch (err) {
      h.close();
      throw err;
    }
    this.addSpec(spec, h);
  }

  /** Replaces a handler (its id may change, its topic may not); throws (nothing changed) on any failure. */
  updateHandlerSpec(old: HandlerSpec, spec: HandlerSpec): void {
    validateHandlerSpec(spec);
    if (spec.topic !== old.topic) throw new Error('cannot change topic in update');
    if (spec.id !== old.id && this.specs.get(spec.topic)?.has(spec.id)) throw new Error('handler spec already exists');
    const h = this.build(spec);
    try {
      this.store?.replaceHandlerSpec(old.id, spec);
    } catch (err) {
      h.close();
      throw err;
    }
    this.removeSpec(old.topic, old.id);
    this.addSpec(spec, h);
  }

  /** Deletes a handler; deleting an unknown one is not an error (Kapacitor). */
  deregisterHandlerSpec(topic: string, id: string): void {
    if (!this.specs.get(topic)?.has(id)) return;
    this.store?.deleteHandlerSpec(topic, id);
    this.removeSpec(topic, id);
  }

  // ---- internals ---------------------------------------------------------------------------------------

  /**
   * Message and details beyond MAX_TEXT_BYTES are cut (at a character boundary) and marked, so one huge
   * template output cannot bloat every topic, the store and every handler's request. Counted and logged.
   */
  private bounded(event: AlertEvent): AlertEvent {
    const s = event.state;
    // a UTF-16 length under a third of the limit cannot exceed it in UTF-8 bytes: no byte count on the usual path
    const big = (x: string): boolean => x.length * 3 > MAX_TEXT_BYTES && Buffer.byteLength(x, 'utf8') > MAX_TEXT_BYTES;
    const bigMessage = big(s.message);
    const bigDetails = big(s.details);
    if (!bigMessage && !bigDetails) return event;
    this.truncatedTexts++;
    this.log.warn({ topic: event.topic, event: s.id, messageBytes: Buffer.byteLength(s.message, 'utf8'), detailsBytes: Buffer.byteLength(s.details, 'utf8') },
      `alert message or details longer than ${MAX_TEXT_BYTES} bytes: truncated`);
    const state: EventState = { ...s, message: bigMessage ? truncateText(s.message) : s.message, details: bigDetails ? truncateText(s.details) : s.details };
    return new AlertEvent(event.topic, state, event.data, event.previousLevel, event.noExternal);
  }

  private build(spec: HandlerSpec): TopicHandler {
    if (!this.factory) throw new HandlerSpecError(`unsupported action kind ${JSON.stringify(spec.kind)}`);
    try {
      return this.factory(spec);
    } catch (err) {
      throw new HandlerSpecError((err as Error).message);
    }
  }

  /** Delivery counters of every defined handler, by topic and id (debug vars). */
  handlerStats(): { topic: string; id: string; kind: string; stats: unknown }[] {
    const out: { topic: string; id: string; kind: string; stats: unknown }[] = [];
    for (const m of this.specs.values()) {
      for (const e of m.values()) {
        out.push({ topic: e.spec.topic, id: e.spec.id, kind: e.spec.kind, stats: (e.handler as { stats?: unknown }).stats ?? {} });
      }
    }
    return out;
  }

  private addSpec(spec: HandlerSpec, h: TopicHandler): void {
    let m = this.specs.get(spec.topic);
    if (!m) this.specs.set(spec.topic, (m = new Map()));
    m.set(spec.id, { spec, handler: h });
    // registering a handler creates its topic (Kapacitor's Topics.RegisterHandler)
    this.ensure(spec.topic).addHandler(h);
  }

  private removeSpec(topic: string, id: string): void {
    const m = this.specs.get(topic);
    const e = m?.get(id);
    if (!m || !e) return;
    m.delete(id);
    if (m.size === 0) this.specs.delete(topic);
    this.topics.get(topic)?.removeHandler(e.handler);
    e.handler.close();
  }

  private ensure(id: string): Topic {
    let t = this.topics.get(id);
    if (t === undefined) {
      t = new Topic(id);
      this.topics.set(id, t);
      const m = this.specs.get(id);
      if (m) for (const e of m.values()) t.addHandler(e.handler);
    }
    return t;
  }

  private guard(fn: () => void, msg: string, topic: string): void {
    try {
      fn();
    } catch (err) {
      this.storeErrors++;
      this.log.error({ err, topic }, msg);
    }
  }
}
