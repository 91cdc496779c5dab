/**
 * Kapacitor's error bodies. API routes answer `{"error": m, "message": m}` pretty-printed with a 4-space indent
 * (httpd.HttpError, 1.6+); /write answers plain text `m\n` (SPEC 5.1, 5.2, 9 item 10) while still carrying the
 * JSON content type of the common headers, exactly as Kapacitor does.
 */
import type { FastifyReply } from 'fastify';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const GO_HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029',
};

/** `{"error": m, "message": m}` as Go's json.MarshalIndent(v, "", "    ") writes it (HTML-safe escaping). */
export function errorBody(message: string): string {
  return JSON.stringify({ error: message, message }, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => GO_HTML_ESCAPES[c]!);
}

/** Sends a Kapacitor-style JSON error (for API plugins and the server's own 404s). */
export function sendError(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).header('Content-Type', JSON_CONTENT_TYPE).send(errorBody(message));
}

/** Sends a /write-style plain-text error: the message and a newline. */
export function sendPlainError(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).header('Content-Type', JSON_CONTENT_TYPE).send(message + '\n');
}
