/**
 * An alert event as topics and handlers see it (Kapacitor `alert.Event`): the event state that topics keep per
 * event id, the data of the triggering message, and the previous level of the event in the topic it reached.
 */
import type { Fields, Tags } from '../model/point.ts';
import { goJsonString, timeJson } from '../gocompat/json.ts';
import { LEVEL_NAMES, type Level } from './levels.ts';

/** What a topic remembers per event id (alert.EventState). Times and durations are ns. */
export interface EventState {
  readonly id: string;
  readonly message: string;
  readonly details: string;
  readonly time: bigint;
  readonly duration: bigint;
  readonly level: Level;
}

/** The triggering message (alert.EventData). */
export interface EventData {
  readonly name: string;
  readonly taskName: string;
  readonly category: string;
  /** group id, `nil` without grouping */
  readonly group: string;
  readonly tags: Tags;
  readonly fields: Fields;
  readonly recoverable: boolean;
  /** the models.Row JSON of the triggering point or batch (the `series` element of alert data) */
  readonly rowJson: string;
}

export class AlertEvent {
  private dataJson: string | undefined;

  constructor(
    readonly topic: string,
    readonly state: EventState,
    readonly data: EventData,
    /** level of this event id in the topic before this event (OK when new) */
    readonly previousLevel: Level = 0,
    /** aggregate/publish internals: external handlers skip it (Kapacitor NoExternal) */
    readonly noExternal = false,
  ) {}

  /** The same event delivered to another topic, with that topic's previous level. */
  forTopic(topic: string, previousLevel: Level): AlertEvent {
    return new AlertEvent(topic, this.state, this.data, previousLevel, this.noExternal);
  }

  /**
   * alert.Data as Go's json.Encoder writes it, trailing newline included (SPEC 3.15): the body of the log, post,
   * tcp and exec handlers. Computed once per event and topic.
   */
  alertDataJson(): string {
    if (this.dataJson === undefined) {
      const s = this.state;
      this.dataJson = '{"id":' + goJsonString(s.id) + ',"message":' + goJsonString(s.message) + ',"details":' + goJsonString(s.details) +
        ',"time":' + timeJson(s.time) + ',"duration":' + s.duration + ',"level":"' + LEVEL_NAMES[s.level] +
        '","data":{"series":[' + this.data.rowJson + ']},"previousLevel":"' + LEVEL_NAMES[this.previousLevel] +
        '","recoverable":' + this.data.recoverable + '}\n';
    }
    return this.dataJson;
  }
}
