/**
 * The HTTP request of HTTP-based alert handlers: one POST (or other method) with a timeout, failing on a
 * transport error or a non-2xx answer. The response body is read up to RESPONSE_LIMIT bytes (for the error
 * message) and the rest discarded, so a receiver answering a huge body cannot exhaust memory.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;
const RESPONSE_LIMIT = 4096;

export class HttpHandlerError extends Error {
  override name = 'HttpHandlerError';
  constructor(message: string, readonly status?: number, readonly body?: string) { super(message); }
}

export interface HttpRequest {
  readonly url: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly method?: string;
  readonly timeoutMs?: number;
  /** statuses that count as success (default: any 2xx) */
  readonly okStatuses?: readonly number[];
}

/** Sends the request; resolves with the (truncated) response text on 2xx, throws HttpHandlerError otherwise. */
export async function send(req: HttpRequest): Promise<string> {
  const timeoutMs = req.timeoutMs && req.timeoutMs > 0 ? req.timeoutMs : DEFAULT_TIMEOUT_MS;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetch(req.url, { method: req.method ?? 'POST', body: req.body, headers: req.headers as Record<string, string>, signal: ac.signal });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new HttpHandlerError(`${req.method ?? 'POST'} ${req.url}: ${(ac.signal.aborted ? (ac.signal.reason as Error).message : cause ?? (err as Error).message)}`);
    }
    const text = await readLimited(res);
    if (req.okStatuses ? !req.okStatuses.includes(res.status) : res.status < 200 || res.status > 299) {
      throw new HttpHandlerError(`${req.method ?? 'POST'} ${req.url}: status code ${res.status}${text ? `: ${text}` : ''}`, res.status, text);
    }
    return text;
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < RESPONSE_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
    }
  } catch {
    // a body that breaks off is not the handler's failure: the status decides
  } finally {
    void reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8');
}
