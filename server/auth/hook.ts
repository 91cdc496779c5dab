/**
 * The authentication and authorization gate, a root `onRequest` hook (so it runs before any body is read),
 * following Kapacitor 1.8's httpd handler: every route needs credentials — /ping and unknown paths included —
 * except CORS preflights, the Kubernetes probes /livez and /readyz (tickstream's own; they answer nothing but
 * liveness), and /kapacitor/v1/debug/vars when `[http] pprof-enabled` (Kapacitor's BypassAuth rule).
 * Unauthenticated: 401; authenticated without the privilege the method needs on `/api/<path>`: 403. Bodies are
 * Kapacitor's compact `{"error":…,"message":…}`. Credentials are never logged.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { goJson } from '../api/http.ts';
import { JSON_CONTENT_TYPE } from '../http/errors.ts';
import { parseCredentials } from './credentials.ts';
import { verifyJwt } from './jwt.ts';
import { apiResource, privilegeForMethod, privilegeName, type User } from './privileges.ts';
import type { AuthService } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the authenticated user; undefined when [http] auth-enabled is false (everyone is admin, as in Kapacitor) */
    authUser?: User;
  }
}

/** Counters for /metrics and tests: requests refused by the gate. */
export class AuthStats {
  /** 401s: no, malformed or wrong credentials */
  unauthenticated = 0;
  /** 403s: authenticated but lacking the privilege */
  forbidden = 0;
}

export interface AuthGateOptions {
  service: AuthService;
  sharedSecret: string;
  pprofEnabled: boolean;
  stats: AuthStats;
  /** wall clock in ms, for token expiry (tests pin it) */
  now?: () => number;
}

const BYPASS = new Set(['/livez', '/readyz']);
const DEBUG_VARS = new Set(['/kapacitor/v1/debug/vars', '/kapacitor/v1preview/debug/vars']);
const API_PREFIXES = ['/kapacitor/v1preview', '/kapacitor/v1'];

function send(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('Content-Type', JSON_CONTENT_TYPE).send(goJson({ error: message, message }, false));
}

/** The request path as Go's r.URL.Path (decoded, no query). */
function requestPath(url: string): string {
  const q = url.indexOf('?');
  const raw = q < 0 ? url : url.slice(0, q);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** `/api/<path after /kapacitor/v1>`; preview paths are authorized as the /kapacitor/v1 path they mirror. */
export function resourceOf(path: string): string {
  for (const p of API_PREFIXES) {
    if (path === p || path.startsWith(p + '/')) return apiResource(path.slice(p.length) || '/');
  }
  return apiResource(path);
}

export function authGate(opts: AuthGateOptions): onRequestAsyncHookHandler {
  const { service, stats } = opts;
  const now = opts.now ?? Date.now;
  // an early answer must `return reply` so fastify stops there (fastify's hooks guide)
  return async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (req.method === 'OPTIONS') return undefined;
    const path = requestPath(req.url);
    if (BYPASS.has(path) || (opts.pprofEnabled && DEBUG_VARS.has(path))) return undefined;
    const unauthenticated = (message: string): FastifyReply => {
      stats.unauthenticated++;
      return send(reply, 401, message);
    };
    const creds = parseCredentials(req.headers.authorization, req.query);
    if (!creds) return unauthenticated('unable to parse authentication credentials');
    let user: User | undefined;
    if (creds.method === 'user') {
      if (creds.username === '') return unauthenticated('username required');
      user = await service.authenticate(creds.username, creds.password);
      if (!user) return unauthenticated('authorization failed');
    } else {
      const verdict = verifyJwt(creds.token, opts.sharedSecret, Math.floor(now() / 1000));
      if (!verdict.ok) return unauthenticated(verdict.message);
      user = service.user(verdict.username);
      if (!user) return unauthenticated(`retrieving user ${JSON.stringify(verdict.username)} from store: no user exists`);
    }
    const privilege = privilegeForMethod(req.method);
    if (privilege === undefined) {
      stats.forbidden++;
      return send(reply, 403, `unknown method ${JSON.stringify(req.method.toUpperCase())}`);
    }
    const missing = user.missingPrivilege(resourceOf(path), privilege);
    if (missing !== undefined) {
      stats.forbidden++;
      return send(reply, 403, `user ${user.name} does not have "${privilegeName(missing)}" privilege for API endpoint ${JSON.stringify(path)}`);
    }
    req.authUser = user;
    return undefined;
  };
}
