/**
 * Alert handlers (SPEC 3.15): `.log(path)` appends one alert JSON per line to a file (mode `.mode()`, default
 * 0600; the file is opened per event like Kapacitor's log handler, so external log rotation works), and
 * `.post([url])` POSTs the same JSON + newline through a bounded queue (nodes/post-queue.ts) so a slow receiver
 * never stalls the write path. Handler properties arrive as `<handler>.<prop>` calls after their handler call.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Logger } from 'pino';
import type { HttpPostEndpoint } from '../config/httppost.ts';
import type { PipelineNode, TickValue } from '../tickscript/pipeline.ts';
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

/** What the alert node hands its handlers from the server: the SSRF guard, disabled kinds, error counting. */
export interface HandlerOptions {
  readonly guard?: OutboundGuard;
  /** handler kinds refused at task start (`kapacitord -disable-handlers`) */
  readonly disabled?: ReadonlySet<string>;
  readonly onError?: (message: string, err: Error) => void;
}

/** Kapacitor's alert handler kinds (pipeline/alert.go), the names `-disable-handlers` takes. */
export const HANDLER_KINDS: ReadonlySet<string> = new Set(['alerta', 'bigpanda', 'discord', 'email', 'exec', 'hipChat', 'kafka', 'log',
  'mqtt', 'opsGenie', 'opsGenie2', 'pagerDuty', 'pagerDuty2', 'post', 'pushover', 'sensu', 'serviceNow', 'slack', 'snmpTrap',
  'talk', 'tcp', 'teams', 'telegram', 'victorOps', 'zenoss']);

/** Handler property methods this runtime implements (everything else is rejected at task start). */
export const HANDLER_PROPS = new Set(['log', 'log.mode', 'post', 'post.header', 'post.captureResponse', 'post.timeout',
  'post.endpoint', 'post.skipSSLVerification']);

/** Rejects, naming it and its line, a property (or handler property) of `d` that this runtime does not implement. */
export function rejectUnsupportedProps(d: PipelineNode, supported: ReadonlySet<string>): void {
  for (const c of d.calls) {
    if (!supported.has(c.method)) {
      throw new Error(`${d.name}: alert property "${c.method.replace(/^\w+\./, '')}" (line ${c.pos.line}) is not supported yet`);
    }
  }
}

/** Build the handlers from the alert node's calls, in script order. */
export function buildHandlers(
  d: PipelineNode, log: Logger, endpoints: ReadonlyMap<string, HttpPostEndpoint> | undefined, onDrop: () => void,
  opts: HandlerOptions = {},
): AlertHandler[] {
  for (const c of d.calls) {
    if (HANDLER_KINDS.has(c.method) && opts.disabled?.has(c.method)) {
      throw new Error(`${d.name}: alert handler "${c.method}" is disabled on this server (kapacitord -disable-handlers)`);
    }
  }
  const out: AlertHandler[] = [];
  let lastLog: LogFileHandler | undefined;
  let lastPost: PostHandler | undefined;
  let endpointName: string | undefined;
  const str = (m: string, v: TickValue | undefined): string => {
    if (!v || v.type !== 'string') throw new Error(`${d.name}: .${m}() expects a string, got ${v ? v.type : 'nothing'}`);
    return v.value;
  };
  const finishPost = (): void => {
    if (!lastPost) return;
    if (endpointName !== undefined) {
      if (lastPost.url !== '') throw new Error(`${d.name}: .post() takes a URL or .endpoint(), not both`);
      const ep = endpoints?.get(endpointName);
      if (!ep) throw new Error(`${d.name}: no [[httppost]] endpoint named "${endpointName}" is configured`);
      lastPost.url = ep.url;
      lastPost.headers = { ...ep.headers, ...lastPost.headers };
    }
    if (lastPost.url === '') throw new Error(`${d.name}: .post() needs a URL or .endpoint(name)`);
    try { new URL(lastPost.url); } catch { throw new Error(`${d.name}: invalid alert post URL "${lastPost.url}"`); }
    lastPost.start();
  };
  for (const c of d.calls) {
    switch (c.method) {
      case 'log': {
        const path = str('log', c.args[0]);
        if (!isAbsolute(path)) throw new Error(`${d.name}: alert log path must be absolute: ${path} is not absolute`);
        lastLog = new LogFileHandler(path, log);
        out.push(lastLog);
        break;
      }
      case 'log.mode': {
        const v = c.args[0];
        if (!v || v.type !== 'int' || v.value < 0n || v.value > 0o777n) throw new Error(`${d.name}: .mode() expects a file mode such as 0644`);
        lastLog!.mode = Number(v.value);
        break;
      }
      case 'post': {
        finishPost();
        if (c.args.length > 1) throw new Error(`${d.name}: .post() takes at most one URL, got ${c.args.length}`);
        lastPost = new PostHandler(log, onDrop, opts);
        endpointName = undefined;
        if (c.args.length === 1) lastPost.url = str('post', c.args[0]);
        out.push(lastPost);
        break;
      }
      case 'post.header': {
        const k = str('header', c.args[0]);
        if (k.toLowerCase() === 'authenticate') throw new Error(`${d.name}: cannot set 'authenticate' header`);
        lastPost!.headers[k] = str('header', c.args[1]);
        break;
      }
      case 'post.captureResponse': lastPost!.captureResponse = true; break;
      case 'post.timeout': {
        const v = c.args[0];
        if (!v || v.type !== 'duration' || v.value < 0n) throw new Error(`${d.name}: .timeout() expects a non-negative duration`);
        lastPost!.timeoutMs = Math.max(Number(v.value / 1_000_000n), v.value > 0n ? 1 : 0);
        break;
      }
      case 'post.endpoint': endpointName = str('endpoint', c.args[0]); break;
      case 'post.skipSSLVerification': log.warn('alert post: .skipSSLVerification() is ignored; TLS certificates are verified'); break;
      default: break;
    }
  }
  finishPost();
  return out;
}
