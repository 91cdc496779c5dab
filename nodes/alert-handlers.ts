/**
 * Alert handlers (SPEC 3.15): `.log(path)` appends one alert JSON per line to a file (mode `.mode()`, default
 * 0600; the file is opened per event like Kapacitor's log handler, so external log rotation works), and
 * `.post([url])` POSTs the same JSON + newline through a bounded queue (nodes/post-queue.ts) so a slow receiver
 * never stalls the write path. Each handler call comes with its own properties' typed settings (`.header(k, v)`,
 * `.mode(0644)`; tickscript/catalog/settings.ts HandlerSettings).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Logger } from 'pino';
import type { HttpPostEndpoint } from '../config/httppost.ts';
import type { Position } from '../tickscript/pipeline.ts';
import { ALERT_HANDLERS, type Settings } from '../tickscript/catalog/index.ts';
import type { AlertEvent } from '../alerting/event.ts';
import type { TopicHandler } from '../alerting/topic.ts';
import type { OutboundGuard } from '../outbound/guard.ts';
import { PostQueue } from './post-queue.ts';

/** A handler written in the script: registered on the node's anonymous topic (alerting/service.ts). */
export interface AlertHandler extends TopicHandler {
  /** resolves when queued work finished (tests, shutdown) */
  whenIdle(): Promise<void>;
}

export class LogFileHandler implements AlertHandler {
  mode = 0o600;
  constructor(readonly path: string, private readonly log: Logger) {}

  handle(event: AlertEvent): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'a', this.mode);
      writeSync(fd, event.alertDataJson());
    } catch (err) {
      this.log.error({ err, path: this.path }, 'failed to write alert to log file');
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  close(): void {}
  whenIdle(): Promise<void> { return Promise.resolve(); }
}

export class PostHandler implements AlertHandler {
  url = '';
  headers: Record<string, string> = {};
  timeoutMs = 0;
  captureResponse = false;
  private queue: PostQueue<undefined> | undefined;

  constructor(private readonly log: Logger, private readonly onDrop: () => void, private readonly opts: HandlerOptions = {}) {}

  /** Called once all `post.*` properties were read. */
  start(): void {
    this.queue = new PostQueue({ url: this.url, headers: this.headers, timeoutMs: this.timeoutMs, captureResponse: this.captureResponse, guard: this.opts.guard },
      (r) => {
        // transport errors, timeouts and addresses refused by the guard are the node's errors (counted and logged)
        if (r.error) {
          if (this.opts.onError) this.opts.onError('failed to POST alert data', r.error);
          else this.log.error({ err: r.error, url: this.url }, 'failed to POST alert data');
        } else if (r.code < 200 || r.code > 299) {
          this.log.error({ code: r.code, url: this.url, body: r.body }, 'POST alert data returned non 2xx status code');
        }
      });
  }

  handle(event: AlertEvent): void {
    if (!this.queue!.enqueue(event.alertDataJson(), undefined)) this.onDrop();
  }

  close(): void { this.queue?.stop(); }
  whenIdle(): Promise<void> { return this.queue ? this.queue.whenIdle() : Promise.resolve(); }
}

/** What the alert node hands its handlers from the server: the SSRF guard, error counting. */
export interface HandlerOptions {
  readonly guard?: OutboundGuard;
  readonly onError?: (message: string, err: Error) => void;
}

/** Kapacitor's alert handler kinds (pipeline/alert.go), the names `-disable-handlers` takes. */
export const HANDLER_KINDS: ReadonlySet<string> = new Set(['alerta', 'bigpanda', 'discord', 'email', 'exec', 'hipChat', 'kafka', 'log',
  'mqtt', 'opsGenie', 'opsGenie2', 'pagerDuty', 'pagerDuty2', 'post', 'pushover', 'sensu', 'serviceNow', 'slack', 'snmpTrap',
  'talk', 'tcp', 'teams', 'telegram', 'victorOps', 'zenoss']);

type AlertSettings = Settings<'alert'>;
/** an alert handler property (`log`, `post`, `slack`, …): a key of the alert's settings */
export type HandlerKind = (typeof ALERT_HANDLERS)[number];
/** the settings of one call of handler H */
export type HandlerCall<H extends HandlerKind> = AlertSettings[H] extends readonly (infer C)[] ? C : never;

/** Per handler kind a runtime implements: the handler properties it implements (typed: a misspelling does not compile). */
export type HandlerSupport = { readonly [H in HandlerKind]?: readonly HandlerPropName<H>[] };
/** a handler property of handler H (`header` of `post`) */
export type HandlerPropName<H extends HandlerKind> = HandlerCall<H> extends { readonly props: infer P } ? keyof P & string : never;

/** The handler properties this file implements (everything else is rejected at task start). */
export const LOG_POST_SUPPORT = {
  log: ['mode'], post: ['header', 'captureResponse', 'timeout', 'endpoint', 'skipSSLVerification'],
} as const satisfies HandlerSupport;

/** what every handler call's settings have, whatever its kind */
interface AnyHandlerCall {
  readonly order: number;
  readonly pos: Position;
  readonly called: { readonly [prop: string]: Position | undefined };
}

const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.column < b.column);

/**
 * Rejects, naming it and its line, the first handler (in script order) of a kind no runtime implements, or handler
 * property that its runtime does not implement, and the first handler disabled on this server.
 */
export function rejectUnsupportedHandlers(
  s: AlertSettings, name: string, supported: HandlerSupport,
  /** handler kinds refused at task start (`kapacitord -disable-handlers`) */
  disabled: ReadonlySet<string> | undefined,
): void {
  let first: { what: string; pos: Position } | undefined;
  let off: { kind: string; order: number } | undefined;
  for (const kind of ALERT_HANDLERS) {
    const props: readonly string[] | undefined = supported[kind];
    for (const h of s[kind] as readonly AnyHandlerCall[]) {
      if (HANDLER_KINDS.has(kind) && disabled?.has(kind) && (off === undefined || h.order < off.order)) off = { kind, order: h.order };
      if (props === undefined) {
        if (first === undefined || before(h.pos, first.pos)) first = { what: kind, pos: h.pos };
        continue;
      }
      for (const [prop, pos] of Object.entries(h.called)) {
        if (pos !== undefined && !props.includes(prop) && (first === undefined || before(pos, first.pos))) first = { what: prop, pos };
      }
    }
  }
  if (first !== undefined) throw new Error(`${name}: alert property "${first.what}" (line ${first.pos.line}) is not supported yet`);
  if (off !== undefined) throw new Error(`${name}: alert handler "${off.kind}" is disabled on this server (kapacitord -disable-handlers)`);
}

/** Build the `.log()` and `.post()` handlers from the alert's settings, in script order. */
export function buildHandlers(
  s: AlertSettings, name: string, log: Logger, endpoints: ReadonlyMap<string, HttpPostEndpoint> | undefined, onDrop: () => void,
  opts: HandlerOptions = {},
): AlertHandler[] {
  const calls: ({ readonly log: HandlerCall<'log'> } | { readonly post: HandlerCall<'post'> })[] = [
    ...s.log.map((h) => ({ log: h })), ...s.post.map((h) => ({ post: h })),
  ];
  calls.sort((a, b) => ('log' in a ? a.log.order : a.post.order) - ('log' in b ? b.log.order : b.post.order));
  return calls.map((c) => ('log' in c ? logHandler(c.log, name, log) : postHandler(c.post, name, log, endpoints, onDrop, opts)));
}

function logHandler(h: HandlerCall<'log'>, name: string, log: Logger): LogFileHandler {
  const [path] = h.args;
  if (!isAbsolute(path)) throw new Error(`${name}: alert log path must be absolute: ${path} is not absolute`);
  const out = new LogFileHandler(path, log);
  const mode = h.props.mode;
  if (mode !== undefined) {
    if (mode < 0n || mode > 0o777n) throw new Error(`${name}: .mode() expects a file mode such as 0644`);
    out.mode = Number(mode);
  }
  return out;
}

function postHandler(
  h: HandlerCall<'post'>, name: string, log: Logger, endpoints: ReadonlyMap<string, HttpPostEndpoint> | undefined,
  onDrop: () => void, opts: HandlerOptions,
): PostHandler {
  if (h.args.length > 1) throw new Error(`${name}: .post() takes at most one URL, got ${h.args.length}`);
  const out = new PostHandler(log, onDrop, opts);
  out.url = h.args[0] ?? '';
  for (const [k, v] of h.props.header) {
    if (k.toLowerCase() === 'authenticate') throw new Error(`${name}: cannot set 'authenticate' header`);
    out.headers[k] = v;
  }
  if (h.props.captureResponse) out.captureResponse = true;
  const timeout = h.props.timeout;
  if (timeout !== undefined) {
    if (timeout < 0n) throw new Error(`${name}: .timeout() expects a non-negative duration`);
    out.timeoutMs = Math.max(Number(timeout / 1_000_000n), timeout > 0n ? 1 : 0);
  }
  if (h.props.skipSSLVerification) log.warn('alert post: .skipSSLVerification() is ignored; TLS certificates are verified');
  const endpointName = h.props.endpoint;
  if (endpointName !== undefined) {
    if (out.url !== '') throw new Error(`${name}: .post() takes a URL or .endpoint(), not both`);
    const ep = endpoints?.get(endpointName);
    if (!ep) throw new Error(`${name}: no [[httppost]] endpoint named "${endpointName}" is configured`);
    out.url = ep.url;
    out.headers = { ...ep.headers, ...out.headers };
  }
  if (out.url === '') throw new Error(`${name}: .post() needs a URL or .endpoint(name)`);
  try { new URL(out.url); } catch { throw new Error(`${name}: invalid alert post URL "${out.url}"`); }
  out.start();
  return out;
}
