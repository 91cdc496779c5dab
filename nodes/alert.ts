/**
 * `alert()` (SPEC 3.15, Kapacitor 1.8 `alert.go`, `alert/types.go`). Per group: level determination with reset
 * expressions, a history ring, stateChangesOnly([maxInterval]), noRecoveries, flapping(low, high); events render
 * the id/message/details templates (alerting/template.ts) and pass the triggering point (optionally with
 * level/id tags and level/message/id/duration fields) to children.
 * Batches: each point gets a level (from the group's current level); the highest (lowest with `.all()`) decides.
 *
 * Events go through the alert service (alerting/service.ts) as in Kapacitor: to the node's anonymous topic
 * `main:<task>:<node>` when the script names handlers (`.log()`, `.post()`, …), and to `.topic(name)`. A group's
 * first message restores its level from those topics (persisted across restarts), so a restart neither re-fires
 * a `.stateChangesOnly()` alert nor forgets one. `.inhibit(category, tags...)` and `.category()` use the
 * service's inhibitors (an inhibited event is counted as `alerts_inhibited`, not sent; children still get it).
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../model/build.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import type { Batch, BatchPoint, Fields, Point, Tags } from '../model/point.ts';
import type { CompiledLambda, LambdaEvaluator, LambdaExpression, LambdaScope } from '../tickscript/lambda-contract.ts';
import type { PipelineNode } from '../tickscript/pipeline.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { AlertTemplate, GoDuration, GoStruct, GoTime, type TemplateValue } from '../alerting/template.ts';
import { buildHandlers, LOG_POST_SUPPORT, rejectUnsupportedHandlers, type AlertHandler } from './alert-handlers.ts';
import { buildScriptHandlers, SCRIPT_HANDLER_SUPPORT } from './alert-script-handlers.ts';
import type { TopicHandler } from '../alerting/topic.ts';
import { AlertEvent, type EventData, type EventState } from '../alerting/event.ts';
import { Inhibitor } from '../alerting/inhibit.ts';
import type { Level } from '../alerting/levels.ts';
import { AlertService, anonTopicPrefix } from '../alerting/service.ts';
import { groupTags } from '../model/point.ts';
import { batchRow, pointRow } from './http-out.ts';
import { registerNode } from './registry.ts';

const OK = 0;
const INFO = 1;
const WARNING = 2;
const CRITICAL = 3;
const LEVEL_NAMES = ['OK', 'INFO', 'WARNING', 'CRITICAL'] as const;

/** Fields of the template data structs (idInfo ⊂ messageInfo ⊂ detailsInfo, alert.go). */
const ID_FIELDS = ['Name', 'TaskName', 'Group', 'Tags', 'ServerInfo'];
const MSG_FIELDS = [...ID_FIELDS, 'ID', 'Fields', 'Level', 'Time', 'Duration'];
const DETAILS_FIELDS = [...MSG_FIELDS, 'Message'];

/** the handlers and handler properties implemented here (the catalog lists more: those are rejected at task start) */
const HANDLER_SUPPORT = { ...LOG_POST_SUPPORT, ...SCRIPT_HANDLER_SUPPORT };

/** Nagios-style flap weights (alert.go percentChange): older changes weigh 0.8, the newest 1.2. */
const MAX_WEIGHT = 1.2;
const WEIGHT_DIFF = 1.5;

interface GroupState {
  readonly history: Uint8Array;
  idx: number;
  changed: boolean;
  expired: boolean;
  flapping: boolean;
  firstTriggered: bigint;
  /** undefined until the first event (Go's zero time) */
  lastTriggered: bigint | undefined;
  /** evaluators per level (index 1..3) and per reset, created per group (stateful lambda functions) */
  readonly levels: (LambdaEvaluator | undefined)[];
  readonly resets: (LambdaEvaluator | undefined)[];
  /** one per `.inhibit()` call, holding this group's values of its tags */
  readonly inhibitors: Inhibitor[];
}

/** The triggering message, whatever the edge type. */
interface Trigger {
  readonly name: string;
  readonly group: string;
  readonly time: bigint;
  readonly tags: Tags;
  readonly fields: Fields;
}

export class AlertNode extends Node {
  private readonly levels: (CompiledLambda | undefined)[] = [];
  private readonly resets: (CompiledLambda | undefined)[] = [];
  private readonly historyLen: number;
  private readonly stateChangesOnly: boolean;
  private readonly scoInterval: bigint;
  private readonly noRecoveries: boolean;
  private readonly all: boolean;
  private readonly flapLow: number;
  private readonly flapHigh: number;
  private readonly useFlapping: boolean;
  private readonly idTpl: AlertTemplate;
  private readonly messageTpl: AlertTemplate;
  private readonly detailsTpl: AlertTemplate;
  private readonly levelTag: string;
  private readonly idTag: string;
  private readonly levelField: string;
  private readonly messageField: string;
  private readonly idField: string;
  private readonly durationField: string;
  private readonly serverInfo: GoStruct;
  private readonly handlers: (AlertHandler | TopicHandler)[];
  private readonly groups = this.groupState<GroupState>();
  private readonly alerts: AlertService;
  /** `main:<task>:<node>`, used when the script names handlers */
  private readonly anonTopic: string;
  private readonly hasAnonTopic: boolean;
  /** `.topic(name)`, '' when absent */
  private readonly topic: string;
  private readonly category: string;
  private readonly inhibits: { category: string; tags: string[] }[] = [];
  private stopped = false;

  private readonly alertsTriggered = this.counter('alerts_triggered');
  private readonly alertsInhibited = this.counter('alerts_inhibited');
  private readonly levelCounters = [this.counter('oks_triggered'), this.counter('infos_triggered'),
    this.counter('warns_triggered'), this.counter('crits_triggered')];
  /** events the service refused (logged); not a node stat, as Kapacitor 1.8 does not publish it either */
  private eventsDropped = 0;

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const s = settingsOf('alert', d);
    rejectUnsupportedHandlers(s, d.name, HANDLER_SUPPORT, ctx.services.disabledHandlers);
    const lambda = (method: string, value: LambdaExpression | undefined): CompiledLambda | undefined =>
      (value === undefined ? undefined : compileLambdaArg(d.name, method, { type: 'lambda', value }));
    [this.levels[INFO], this.levels[WARNING], this.levels[CRITICAL]] = [lambda('info', s.info), lambda('warn', s.warn), lambda('crit', s.crit)];
    [this.resets[INFO], this.resets[WARNING], this.resets[CRITICAL]] =
      [lambda('infoReset', s.infoReset), lambda('warnReset', s.warnReset), lambda('critReset', s.critReset)];
    const h = s.history; // the catalog's default: 21
    if (h < 2n || h > 100_000n) throw new Error(`${d.name}: alert history count must be >= 2, got ${h}`);
    this.historyLen = Number(h);
    const sco = s.stateChangesOnly.at(-1);
    this.stateChangesOnly = sco !== undefined;
    this.scoInterval = 0n;
    if (sco && sco.length > 0) {
      if (sco[0]! < 0n) throw new Error(`${d.name}: .stateChangesOnly() expects a non-negative duration`);
      this.scoInterval = sco[0]!;
    }
    this.noRecoveries = s.noRecoveries;
    this.all = s.all;
    const flap = s.flapping.at(-1);
    this.useFlapping = flap !== undefined;
    [this.flapLow, this.flapHigh] = flap !== undefined ? flapThresholds(d, flap) : [0, 0];
    // the catalog's defaults: id '{{ .Name }}:{{ .Group }}', message '{{ .ID }} is {{ .Level }}', details '{{ json . }}'
    this.idTpl = template(d, 'id', s.id, ID_FIELDS, false);
    this.messageTpl = template(d, 'message', s.message, MSG_FIELDS, false);
    this.detailsTpl = template(d, 'details', s.details, DETAILS_FIELDS, true);
    this.levelTag = s.levelTag ?? '';
    this.idTag = s.idTag ?? '';
    this.levelField = s.levelField ?? '';
    this.messageField = s.messageField ?? '';
    this.idField = s.idField ?? '';
    this.durationField = s.durationField ?? '';
    const si = ctx.services.serverInfo;
    this.serverInfo = new GoStruct({
      Hostname: si?.hostname ?? 'localhost', ClusterID: si?.clusterId ?? '', ServerID: si?.serverId ?? '',
    });
    this.topic = s.topic ?? '';
    this.category = s.category ?? '';
    for (const [category, ...tags] of s.inhibit) this.inhibits.push({ category, tags });
    const dropped = s.post.length > 0 ? this.counter('posts_dropped') : undefined;
    this.handlers = [...buildHandlers(s, d.name, this.log, ctx.services.httpPost, () => dropped?.inc(), {
      guard: ctx.services.outboundGuard,
      onError: (message, err) => this.reportError(message, '', err),
    }),
      ...buildScriptHandlers(s, d.name, ctx.services.alertHandlers)];
    // without a server (unit harnesses) the node keeps a private, memory-only service
    this.alerts = ctx.services.alerts ?? new AlertService({ logger: this.log });
    this.anonTopic = anonTopicPrefix(this.taskId) + this.name;
    this.hasAnonTopic = this.handlers.length > 0;
    if (this.hasAnonTopic) {
      for (const h of this.handlers) this.alerts.registerAnonHandler(this.anonTopic, h);
      this.alerts.restoreTopic(this.anonTopic);
    }
  }

  /** For tests and shutdown: resolves when every handler finished its queued work. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.handlers.map((h) => h.whenIdle?.()));
  }

  override stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // Kapacitor closes the anonymous topic (its state stays stored) and deregisters the handlers
    if (this.hasAnonTopic) this.alerts.closeTopic(this.anonTopic);
    for (const h of this.handlers) {
      this.alerts.deregisterAnonHandler(this.anonTopic, h);
      h.close();
    }
    for (const g of this.groups.values()) for (const i of g.inhibitors) this.alerts.inhibitors.remove(i);
  }

  protected override onPoint(p: Point): void {
    const g = this.groups.get(p.group) ?? this.newState(p, p.time);
    const level = this.determineLevel(g, p, g.history[g.idx]!, p.group);
    if (!this.update(g, level, p.time)) return;
    const out = this.fire(g, level, p, p);
    this.emitPoint(this.augmentPoint(p, out));
  }

  protected override onBatch(b: Batch): void {
    if (b.points.length === 0) return;
    const g = this.groups.get(b.group) ?? this.newState(
      { name: b.name, group: b.group, time: b.points[0]!.time, tags: b.tags, fields: b.points[0]!.fields }, b.points[0]!.time);
    const current = g.history[g.idx]!;
    let level = -1;
    let trig: BatchPoint | undefined;
    for (const bp of b.points) {
      const l = this.determineLevel(g, bp, current, b.group);
      if (trig === undefined || (this.all ? l < level : l > level)) { level = l; trig = bp; }
    }
    if (!this.update(g, level, trig!.time)) return;
    const t: Trigger = { name: b.name, group: b.group, time: trig!.time, tags: trig!.tags, fields: trig!.fields };
    const out = this.fire(g, level, t, b);
    this.emitBatch(this.augmentBatch(b, out));
  }

  /**
   * A group's state, created at its first message (Kapacitor NewGroup + restoreEventState): inhibitors for the
   * group's tags, and the level its event last had in the anonymous topic or `.topic()` (the anonymous topic
   * wins; a difference is copied to the other topic). A restored non-OK level is recorded as if an event at
   * the first message's time had it, triggered at the stored event's time.
   */
  private newState(first: Trigger & { dims?: Point['dims'] }, t: bigint): GroupState {
    const tags = 'dims' in first && first.dims ? groupTags(first.tags, first.dims) : first.tags;
    const inhibitors = this.inhibits.map((spec) => {
      const set: Tags = {};
      for (const k of spec.tags) set[k] = tags[k] ?? '';
      const i = new Inhibitor(spec.category, set);
      this.alerts.inhibitors.add(i);
      return i;
    });
    const g: GroupState = {
      history: new Uint8Array(this.historyLen), idx: 0, changed: false, expired: false, flapping: false,
      firstTriggered: 0n, lastTriggered: undefined,
      levels: this.levels.map((c) => c?.newEvaluator()), resets: this.resets.map((c) => c?.newEvaluator()), inhibitors,
    };
    this.groups.set(first.group, g);
    const restored = this.restoreEvent(first);
    if (restored !== undefined && restored.level !== OK) {
      this.addEvent(g, restored.level, t);
      this.triggered(g, restored.time);
    }
    return g;
  }

  private restoreEvent(first: Trigger): EventState | undefined {
    const anon = this.hasAnonTopic && this.alerts.hasEvents(this.anonTopic);
    const named = this.topic !== '' && this.alerts.hasEvents(this.topic);
    if (!anon && !named) return undefined;
    let id: string;
    try {
      id = this.renderId(first);
    } catch (err) {
      this.reportError('failed to render alert id to restore its state', first.group, err);
      return undefined;
    }
    const a = anon ? this.alerts.eventState(this.anonTopic, id) : undefined;
    const n = named ? this.alerts.eventState(this.topic, id) : undefined;
    if ((a?.level ?? OK) !== (n?.level ?? OK)) {
      if (a && n) this.alerts.updateEvent(this.topic, a);
      else if (n && this.hasAnonTopic) this.alerts.updateEvent(this.anonTopic, n);
    }
    return a ?? n;
  }

  private renderId(t: Trigger): string {
    const group = t.group === '' ? 'nil' : t.group;
    return this.idTpl.render(new GoStruct({ Name: t.name, TaskName: this.taskId, Group: group, Tags: t.tags, ServerInfo: this.serverInfo }));
  }

  private test(ev: LambdaEvaluator, scope: LambdaScope, group: string, what: string): boolean | undefined {
    try {
      return ev.evalBool(scope);
    } catch (err) {
      this.reportError(what, group, err);
      return undefined;
    }
  }

  /** SPEC 3.15 level determination (alert.go determineLevel / findFirstMatchLevel). */
  private determineLevel(g: GroupState, scope: LambdaScope, current: number, group: string): number {
    for (let l = CRITICAL; l > Math.max(current - 1, OK); l--) {
      const ev = g.levels[l];
      if (ev !== undefined && this.test(ev, scope, group, 'error evaluating expression') === true) return l;
    }
    const rs = g.resets[current];
    if (rs !== undefined && this.test(rs, scope, group, 'error evaluating reset expression for current level') === false) return current;
    for (let l = current; l > OK; l--) {
      const ev = g.levels[l];
      if (ev !== undefined && this.test(ev, scope, group, 'error evaluating expression') === true) return l;
    }
    return OK;
  }

  /** Record a level in the group's history (alert.go addEvent): changed, flapping, expired. */
  private addEvent(g: GroupState, level: number, t: bigint): void {
    g.changed = g.history[g.idx]! !== level;
    g.idx = (g.idx + 1) % g.history.length;
    g.history[g.idx] = level;
    if (this.useFlapping) {
      const pc = percentChange(g);
      if (g.flapping && pc < this.flapLow) g.flapping = false;
      else if (!g.flapping && pc > this.flapHigh) g.flapping = true;
    }
    g.expired = !g.changed && this.scoInterval !== 0n && (g.lastTriggered === undefined || t - g.lastTriggered >= this.scoInterval);
  }

  /** The alert was triggered at t (alert.go triggered): it started when the previous level was OK. */
  private triggered(g: GroupState, t: bigint): void {
    g.lastTriggered = t;
    const prev = g.history[g.idx === 0 ? g.history.length - 1 : g.idx - 1]!;
    if (prev === OK) g.firstTriggered = t;
    const inhibited = g.history[g.idx]! !== OK;
    for (const i of g.inhibitors) i.inhibited = inhibited;
  }

  /** Record the level and decide whether an event is sent (alert.go Point); false when it is suppressed. */
  private update(g: GroupState, level: number, t: bigint): boolean {
    this.addEvent(g, level, t);
    if ((this.useFlapping && g.flapping) || (this.stateChangesOnly && !g.changed && !g.expired)) return false;
    if (level === OK && !g.changed) return false;
    this.triggered(g, t);
    return !(this.noRecoveries && level === OK);
  }

  /**
   * Render the event and hand it to the alert service (alert.go handleEvent): dropped and counted as inhibited
   * when an inhibitor matches `.category()` and the tags; otherwise counted per level and collected into the
   * anonymous topic and `.topic()`. Returns id/message/duration for the output message.
   */
  private fire(g: GroupState, level: number, t: Trigger, m: Point | Batch): { id: string; message: string; duration: bigint } {
    const duration = g.lastTriggered! - g.firstTriggered;
    const group = t.group === '' ? 'nil' : t.group;
    const id = this.renderId(t);
    const collects = this.hasAnonTopic || this.topic !== '';
    // message and details are only observable through topics (and .messageField()): render them only then
    if (!collects && this.messageField === '' && this.inhibits.length === 0 && this.category === '') {
      this.alertsTriggered.inc();
      this.levelCounters[level]!.inc();
      return { id, message: '', duration };
    }
    const info: Record<string, TemplateValue> = {
      Name: t.name, TaskName: this.taskId, Group: group, Tags: t.tags, ServerInfo: this.serverInfo,
      ID: id, Fields: t.fields, Level: LEVEL_NAMES[level]!, Time: new GoTime(t.time), Duration: new GoDuration(duration),
    };
    const message = this.messageTpl.render(new GoStruct(info));
    if (this.alerts.inhibitors.isInhibited(this.category, t.tags)) {
      this.alertsInhibited.inc();
      return { id, message, duration };
    }
    this.alertsTriggered.inc();
    this.levelCounters[level]!.inc();
    if (!collects) return { id, message, duration };
    info['Message'] = message; // detailsInfo = messageInfo + Message
    const details = this.detailsTpl.render(new GoStruct(info));
    const state: EventState = { id, message, details, time: t.time, duration, level: level as Level };
    const data: EventData = {
      name: t.name, taskName: this.taskId, category: this.category, group, tags: t.tags, fields: t.fields,
      recoverable: !this.noRecoveries, rowJson: this.batchInput ? batchRow(m as Batch) : pointRow(m as Point),
    };
    for (const topic of [this.hasAnonTopic ? this.anonTopic : '', this.topic]) {
      if (topic === '') continue;
      try {
        this.alerts.collect(new AlertEvent(topic, state, data));
      } catch (err) {
        this.eventsDropped++;
        this.reportError('encountered error collecting event', t.group, err);
      }
    }
    return { id, message, duration };
  }

  private augmentTags(tags: Tags, level: number, id: string): Tags {
    if (this.levelTag === '' && this.idTag === '') return tags;
    const out: Tags = { ...tags };
    if (this.levelTag !== '') out[this.levelTag] = LEVEL_NAMES[level]!;
    if (this.idTag !== '') out[this.idTag] = id;
    return out;
  }

  private augmentFields(fields: Fields, level: number, e: { id: string; message: string; duration: bigint }): Fields {
    if (this.levelField === '' && this.messageField === '' && this.idField === '' && this.durationField === '') return fields;
    const out: Fields = { ...fields };
    if (this.levelField !== '') out[this.levelField] = LEVEL_NAMES[level]!;
    if (this.messageField !== '') out[this.messageField] = e.message;
    if (this.idField !== '') out[this.idField] = e.id;
    if (this.durationField !== '') out[this.durationField] = e.duration;
    return out;
  }

  private augmentPoint(p: Point, e: { id: string; message: string; duration: bigint }): Point {
    const level = this.lastLevel(p.group);
    const tags = this.augmentTags(p.tags, level, e.id);
    const fields = this.augmentFields(p.fields, level, e);
    if (tags === p.tags && fields === p.fields) return p;
    return makePoint(p.name, p.db, p.rp, tags, fields, p.time, p.dims, p.group);
  }

  private augmentBatch(b: Batch, e: { id: string; message: string; duration: bigint }): Batch {
    const level = this.lastLevel(b.group);
    const pts = b.points.map((bp) => {
      const tags = this.augmentTags(bp.tags, level, e.id);
      const fields = this.augmentFields(bp.fields, level, e);
      return tags === bp.tags && fields === bp.fields ? bp : makeBatchPoint(bp.time, fields, tags);
    });
    return makeBatch(b.name, b.db, b.rp, this.augmentTags(b.tags, level, e.id), b.dims, b.group, b.tmax, pts);
  }

  private lastLevel(group: string): number {
    const g = this.groups.get(group)!;
    return g.history[g.idx]!;
  }
}

/** `method` names the property in errors and in the template's name */
function template(d: PipelineNode, method: string, src: string, fields: string[], html: boolean): AlertTemplate {
  try {
    return AlertTemplate.compile(method, src, new Set(fields), html);
  } catch (err) {
    throw new Error(`${d.name}: invalid .${method}() template: ${(err as Error).message}`);
  }
}

function flapThresholds(d: PipelineNode, [lo, hi]: readonly [number, number]): [number, number] {
  if (!(lo >= 0 && lo <= 1)) throw new Error(`${d.name}: alert flap low threshold must be between 0 and 1, got ${lo}`);
  if (!(hi >= 0 && hi <= 1)) throw new Error(`${d.name}: alert flap high threshold must be between 0 and 1, got ${hi}`);
  if (lo > hi) throw new Error(`${d.name}: alert flap low threshold must be less than high threshold, got low ${lo} high ${hi}`);
  return [lo, hi];
}

/**
 * Weighted share of level changes over the history ring (alert.go percentChange, Nagios-style): the l−1
 * consecutive pairs are walked from oldest to newest with weights rising linearly from 0.8 to 1.2, and the sum
 * of the weights of pairs that changed is divided by l−1.
 */
function percentChange(g: GroupState): number {
  const l = g.history.length;
  let changes = 0;
  let weight = MAX_WEIGHT / WEIGHT_DIFF;
  const step = (MAX_WEIGHT - weight) / (l - 1);
  for (let i = 0; i < l - 1; i++) {
    const c = (g.idx + 2 + i) % l; // the oldest entry is at idx + 1; the last c is idx (the newest)
    const p = c === 0 ? l - 1 : c - 1;
    if (g.history[c] !== g.history[p]) changes += weight;
    weight += step;
  }
  return changes / (l - 1);
}

registerNode('alert', (ctx) => new AlertNode(ctx));
