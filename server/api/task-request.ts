/**
 * Validation of task create/update bodies (SPEC 5.3): field names, field types, ids, dbrps, status, script size.
 * Everything here is pure; nothing is stored until a request has passed all of it.
 */
import { ApiError, checkFields, optString } from './http.ts';
import { normalizeVars, VarError } from './vars.ts';
import type { DBRPRecord, TaskStatus, VarsRecord } from '../store/types.ts';

export const TASK_FIELDS = ['id', 'template-id', 'type', 'dbrps', 'script', 'status', 'vars'] as const;

/** Largest TICKscript accepted (bytes of UTF-8); larger scripts are a client mistake, not a task. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

const ID_RE = /^[-._\p{L}0-9]+$/u;

export function checkId(id: string, what: 'task' | 'template'): void {
  if (!ID_RE.test(id)) {
    throw new ApiError(400, `${what} ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(id)}`);
  }
}

export interface TaskRequest {
  readonly id?: string | undefined;
  readonly templateId?: string | undefined;
  readonly type?: 'stream' | 'batch' | undefined;
  readonly dbrps?: readonly DBRPRecord[] | undefined;
  readonly script?: string | undefined;
  readonly status?: TaskStatus | undefined;
  readonly vars?: VarsRecord | undefined;
}

export function checkScriptSize(script: string): void {
  const n = Buffer.byteLength(script, 'utf8');
  if (n > MAX_SCRIPT_BYTES) {
    throw new ApiError(400, `script is too large: ${n} bytes, the limit is ${MAX_SCRIPT_BYTES} bytes`);
  }
}

function parseDbrps(v: unknown): DBRPRecord[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ApiError(400, 'invalid JSON: field "dbrps" must be a list of {"db", "rp"}');
  return v.map((d, i) => {
    if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new ApiError(400, `invalid dbrps[${i}]: must be an object {"db", "rp"}`);
    const o = d as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'db' && k !== 'rp') throw new ApiError(400, `invalid dbrps[${i}]: unknown field ${JSON.stringify(k)}`);
    if (typeof o['db'] !== 'string' || o['db'] === '') throw new ApiError(400, `invalid dbrps[${i}]: "db" must be a non-empty string`);
    if (typeof o['rp'] !== 'string' || o['rp'] === '') throw new ApiError(400, `invalid dbrps[${i}]: "rp" must be a non-empty string`);
    return { db: o['db'], rp: o['rp'] };
  });
}

/** Parses a POST/PATCH task body (already decoded JSON). */
export function parseTaskRequest(body: Record<string, unknown>): TaskRequest {
  checkFields(body, TASK_FIELDS, 'task');
  const type = optString(body, 'type');
  if (type !== undefined && type !== '' && type !== 'stream' && type !== 'batch') {
    throw new ApiError(400, `invalid task type: ${type}`);
  }
  const status = optString(body, 'status');
  if (status !== undefined && status !== '' && status !== 'enabled' && status !== 'disabled') {
    throw new ApiError(400, `invalid status: ${JSON.stringify(status)}, want "enabled" or "disabled"`);
  }
  const script = optString(body, 'script');
  if (script !== undefined) checkScriptSize(script);
  let vars: VarsRecord | undefined;
  if (body['vars'] !== undefined && body['vars'] !== null) {
    try {
      vars = normalizeVars(body['vars']);
    } catch (e) {
      if (e instanceof VarError) throw new ApiError(400, e.message);
      throw e;
    }
  }
  return {
    id: optString(body, 'id'),
    templateId: optString(body, 'template-id'),
    type: type === '' ? undefined : (type as 'stream' | 'batch' | undefined),
    dbrps: parseDbrps(body['dbrps']),
    script: script === '' ? undefined : script,
    status: status === '' ? undefined : (status as TaskStatus | undefined),
    vars,
  };
}
