/**
 * Response helpers for the /kapacitor/v1 task API: Go-style pretty JSON (4-space indent, `<`, `>`, `&`, U+2028,
 * U+2029 escaped as encoding/json does) and Kapacitor's error body `{"error": msg, "message": msg}`.
 */
import type { FastifyReply } from 'fastify';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** An error with the HTTP status the API answers it with. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const GO_HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029',
};

/** JSON as Go's json.MarshalIndent(v, "", "    ") writes it. */
export function goJson(value: unknown, pretty = true): string {
  const s = JSON.stringify(value, null, pretty ? 4 : undefined);
  return s.replace(/[<>&\u2028\u2029]/g, (c) => GO_HTML_ESCAPES[c]!);
}

export function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send(goJson(value));
}

export function sendApiError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendJson(reply, status, { error: message, message });
}

/** Parses a raw request body as a JSON object; `invalid JSON` (400) otherwise, as Kapacitor answers. */
export function parseJsonObject(body: unknown): Record<string, unknown> {
  let text: string;
  if (body === undefined || body === null) text = '';
  else if (Buffer.isBuffer(body)) text = body.toString('utf8');
  else if (typeof body === 'string') text = body;
  else throw new ApiError(400, 'invalid JSON');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, `invalid JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ApiError(400, 'invalid JSON: the body must be a JSON object');
  return v as Record<string, unknown>;
}

/** Rejects body fields outside `allowed` (400 naming the field) so typos do not pass silently. */
export function checkFields(body: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) {
      throw new ApiError(400, `unknown field ${JSON.stringify(k)} in ${what}; allowed fields: ${allowed.join(', ')}`);
    }
  }
}

export function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ApiError(400, `invalid JSON: field ${JSON.stringify(key)} must be a string`);
  return v;
}
