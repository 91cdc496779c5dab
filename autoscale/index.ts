/** The autoscale engine: data-time decisions, HPA/KEDA policies, actuation, decision records. */
export { AutoscaleEngine, EngineCounters, DEFAULT_HOLD_LIMIT, DEFAULT_TOTAL_HOLD_LIMIT, DEFAULT_MAX_RESOURCES } from './engine.ts';
export type { EngineHost, EngineOptions } from './engine.ts';
export { Actuator } from './actuator.ts';
export type { ApplyOutcome, ScaleTarget, ActuatorHost, ActuatorOptions } from './actuator.ts';
export { decide, newDecidedState, MAX_REPLICAS } from './decide.ts';
export type { DecidedState, Verdict } from './decide.ts';
export { RecordRing, DEFAULT_RING_SIZE, matches } from './records.ts';
export type { RecordQuery } from './records.ts';
export { recordJSON } from './record-json.ts';
export type { AutoscaleStateScope, AutoscaleStateStore, PersistedResource } from './state-store.ts';
export { isAutoscaleView } from './view.ts';
export type { AutoscaleView } from './view.ts';
export { KAPACITOR_POLICY, DECISION_REASONS, resourceId } from './types.ts';
export type { AutoscalePolicy, RateLimit, DecisionRecord, DecisionReason, Actuation, ActuationStatus, ResourceId } from './types.ts';
