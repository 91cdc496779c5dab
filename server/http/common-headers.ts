/**
 * Headers every response carries (Kapacitor's httpd handler wraps every route the same way, SPEC 5.1):
 * X-Kapacitor-Version, Request-Id (a time UUID, also fastify's request id so logs and clients agree),
 * the JSON content type (routes that answer something else override it), and CORS echoing the Origin.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { VERSION } from '../version.ts';
import { JSON_CONTENT_TYPE } from './errors.ts';

const ALLOW_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';
const ALLOW_HEADERS = 'Accept, Accept-Encoding, Authorization, Content-Length, Content-Type, X-CSRF-Token, X-HTTP-Method-Override';
const EXPOSE_HEADERS = 'Date, Request-Id, X-Kapacitor-Version';

export function commonHeadersHook(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.header('X-Kapacitor-Version', VERSION);
  reply.header('Request-Id', request.id);
  reply.header('Content-Type', JSON_CONTENT_TYPE);
  const origin = request.headers.origin;
  if (origin !== undefined) {
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Access-Control-Allow-Methods', ALLOW_METHODS);
    reply.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
    reply.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  }
  done();
}
