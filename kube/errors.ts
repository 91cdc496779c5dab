/**
 * Errors of the Kubernetes scale client, classified so callers (the k8sAutoscale node, logs, docs) can tell a
 * missing RBAC rule from a missing object from an unreachable API server. Messages name the server, the
 * namespace/kind/name and what to do about it.
 */

export type KubeErrorKind =
  | 'not-found' | 'forbidden' | 'unauthorized' | 'conflict' | 'invalid' | 'server' | 'timeout' | 'network' | 'other';

export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    message: string,
    readonly kind: KubeErrorKind,
    /** HTTP status, 0 when no response arrived */
    readonly status: number,
    /** Kubernetes Status reason (NotFound, Forbidden, …) or the socket error code */
    readonly reason: string,
  ) {
    super(message);
  }

  /** Worth trying again on a later point: the API server was unreachable, slow or failing. */
  get transient(): boolean {
    return this.kind === 'server' || this.kind === 'timeout' || this.kind === 'network';
  }
}

/** What a failed HTTP exchange looked like, before it becomes a message. */
export interface RawFailure {
  status: number;
  /** Status.reason or socket error code */
  reason: string;
  /** Status.message, the error text, or a body excerpt */
  detail: string;
  kind: KubeErrorKind;
}

interface ApiExceptionLike {
  code: number;
  body?: unknown;
}

function isApiException(err: unknown): err is ApiExceptionLike {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' &&
    'body' in err && 'headers' in err;
}

function kindForStatus(status: number): KubeErrorKind {
  switch (status) {
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not-found';
    case 409: return 'conflict';
    case 400: case 415: case 422: return 'invalid';
    default: return status >= 500 ? 'server' : 'other';
  }
}

/** Turn whatever @kubernetes/client-node threw (ApiException, FetchError, AbortError) into a RawFailure. */
export function classify(err: unknown, timedOut: boolean): RawFailure {
  if (isApiException(err)) {
    let reason = '';
    let detail = '';
    const body = err.body;
    if (typeof body === 'string' && body !== '') {
      try {
        const s = JSON.parse(body) as { kind?: string; message?: string; reason?: string };
        if (s && s.kind === 'Status') {
          reason = s.reason ?? '';
          detail = s.message ?? '';
        } else {
          detail = body.slice(0, 200);
        }
      } catch {
        detail = body.slice(0, 200);
      }
    }
    // the generated client throws 401s without a body
    if (detail === '' && err.code === 401) detail = 'Unauthorized';
    return { status: err.code, reason, detail, kind: kindForStatus(err.code) };
  }
  const e = err as { name?: string; message?: string; code?: string; type?: string; errno?: string };
  if (timedOut || e?.name === 'AbortError' || e?.type === 'aborted') {
    return { status: 0, reason: 'Timeout', detail: 'request timed out', kind: 'timeout' };
  }
  if (e?.name === 'FetchError' || typeof e?.code === 'string') {
    return { status: 0, reason: e.code ?? e.errno ?? 'FetchError', detail: e.message ?? String(err), kind: 'network' };
  }
  return { status: 0, reason: '', detail: e?.message ?? String(err), kind: 'other' };
}
