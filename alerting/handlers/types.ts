/** What every handler kind provides to the factory (alerting/handlers/index.ts). */
import type { Config } from '../../config/index.ts';
import type { HttpPostEndpoint } from '../../config/httppost.ts';
import type { AlertEvent } from '../event.ts';
import type { Deliver, DeliveryStats } from '../delivery.ts';
import type { Logger } from 'pino';
import type { OptionSchema } from '../options.ts';

export interface HandlerDeps {
  readonly config: Config;
  readonly httpPost: ReadonlyMap<string, HttpPostEndpoint>;
  /** the server's API URL (`http://<bind address>/kapacitor/v1`), sent by pagerduty2 as client_url */
  readonly clientUrl: string;
}

/**
 * Either an async delivery (queued, retried) or a synchronous local action. `close` releases what the handler
 * holds (a shared connection) when the handler is removed. `attach` hands an asynchronous sender (kafka, whose
 * deliveries succeed once queued) the handler's counters and logger for failures found later.
 */
export type HandlerImpl = {
  readonly deliver: Deliver;
  readonly close?: () => void;
  readonly attach?: (stats: DeliveryStats, log: Logger) => void;
} | { readonly sync: (event: AlertEvent) => void };

export interface HandlerKind {
  /** the Go config type Kapacitor decodes options into (named in option errors) */
  readonly goType: string;
  readonly schema: OptionSchema;
  /** `o` holds the decoded options present in the spec; throws Error on a bad value */
  create(o: Record<string, unknown>, deps: HandlerDeps): HandlerImpl;
}
