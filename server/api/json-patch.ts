/**
 * RFC 6902 JSON Patch (Kapacitor's PATCH of a topic handler uses evanphx/json-patch): add, remove, replace,
 * move, copy, test, with RFC 6901 pointers. Applies to a deep copy; throws Error naming the failing operation.
 */
type Json = unknown;

export interface PatchOp {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: Json;
}

/** Validates the decoded body as a list of operations (Kapacitor: `invalid patch json: …`). */
export function decodePatch(v: unknown): PatchOp[] {
  if (!Array.isArray(v)) throw new Error('a JSON patch must be an array of operations');
  return v.map((o, i) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error(`operation ${i} must be an object`);
    const r = o as Record<string, unknown>;
    if (typeof r['op'] !== 'string') throw new Error(`operation ${i}: "op" must be a string`);
    if (typeof r['path'] !== 'string') throw new Error(`operation ${i}: "path" must be a string`);
    if ((r['op'] === 'move' || r['op'] === 'copy') && typeof r['from'] !== 'string') throw new Error(`operation ${i}: "from" must be a string`);
    if (['add', 'replace', 'test'].includes(r['op']) && !('value' in r)) throw new Error(`operation ${i}: "value" is missing`);
    return r as unknown as PatchOp;
  });
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`invalid JSON pointer ${JSON.stringify(p)}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Loc { parent: Record<string, Json> | Json[]; key: string }

function locate(doc: Json, path: string): Loc | undefined {
  const parts = parsePointer(path);
  if (parts.length === 0) return undefined;
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(part, cur.length - 1)];
    else if (cur !== null && typeof cur === 'object' && part in (cur as object)) cur = (cur as Record<string, Json>)[part];
    else throw new Error(`path ${JSON.stringify(path)} does not exist`);
  }
  if (cur === null || typeof cur !== 'object') throw new Error(`path ${JSON.stringify(path)} does not exist`);
  return { parent: cur as Record<string, Json> | Json[], key: parts[parts.length - 1]! };
}

function arrayIndex(s: string, max: number): number {
  if (!/^(0|[1-9]\d*)$/.test(s) || Number(s) > max) throw new Error(`invalid array index ${JSON.stringify(s)}`);
  return Number(s);
}

function get(doc: Json, path: string): Json {
  const l = locate(doc, path);
  if (!l) return doc;
  if (Array.isArray(l.parent)) return l.parent[arrayIndex(l.key, l.parent.length - 1)];
  if (!(l.key in l.parent)) throw new Error(`path ${JSON.stringify(path)} does not exist`);
  return l.parent[l.key];
}

function remove(doc: Json, path: string): Json {
  const l = locate(doc, path);
  if (!l) throw new Error('cannot remove the whole document');
  if (Array.isArray(l.parent)) return l.parent.splice(arrayIndex(l.key, l.parent.length - 1), 1)[0];
  if (!(l.key in l.parent)) throw new Error(`path ${JSON.stringify(path)} does not exist`);
  const v = l.parent[l.key];
  delete l.parent[l.key];
  return v;
}

function add(doc: Json, path: string, value: Json): Json {
  const l = locate(doc, path);
  if (!l) return value;
  if (Array.isArray(l.parent)) {
    if (l.key === '-') l.parent.push(value);
    else l.parent.splice(arrayIndex(l.key, l.parent.length), 0, value);
  } else l.parent[l.key] = value;
  return doc;
}

export function applyPatch(doc: Json, ops: readonly PatchOp[]): Json {
  let d = structuredClone(doc);
  for (const o of ops) {
    switch (o.op) {
      case 'add': d = add(d, o.path, structuredClone(o.value)); break;
      case 'remove': remove(d, o.path); break;
      case 'replace': get(d, o.path); if (o.path === '') d = structuredClone(o.value); else { remove(d, o.path); d = add(d, o.path, structuredClone(o.value)); } break;
      case 'move': { const v = remove(d, o.from!); d = add(d, o.path, v); break; }
      case 'copy': d = add(d, o.path, structuredClone(get(d, o.from!))); break;
      case 'test':
        if (JSON.stringify(get(d, o.path)) !== JSON.stringify(o.value)) throw new Error(`test failed at ${JSON.stringify(o.path)}`);
        break;
      default: throw new Error(`unexpected operation ${JSON.stringify(o.op)}`);
    }
  }
  return d;
}
