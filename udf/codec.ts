/**
 * Encoder and decoder for the udf.proto messages (field numbers below are the proto's), plus the stream framing:
 * every message is preceded by its length as an unsigned varint (Kapacitor's agent.WriteMessage/ReadMessage).
 * `append*` functions write one framed message into a ProtoWriter, so a whole input array of points becomes
 * one buffer and one write. Proto3 rules: zero scalars are omitted when writing; missing fields decode to zero;
 * unknown fields are skipped; map entries and repeated fields may be interleaved.
 */
import type { Batch, Fields, Point } from '../model/point.ts';
import {
  EDGE_TYPES, VALUE_TYPES, type BeginBatch, type EdgeTypeName, type EndBatch, type InfoResponse, type InitRequest,
  type Option, type OptionValue, type Request, type Response, type UdfPoint, type ValueTypeName,
} from './messages.ts';
import { ProtoError, ProtoReader, ProtoWriter, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, expectWire } from './wire.ts';

// Request / Response oneof members
const M_INFO = 1, M_INIT = 2, M_KEEPALIVE = 3, M_SNAPSHOT = 4, M_RESTORE = 5, M_ERROR = 6;
const M_BEGIN = 16, M_POINT = 17, M_END = 18;

// ---- encoding ------------------------------------------------------------------------------------------------

function str(w: ProtoWriter, field: number, v: string): void {
  if (v === '') return;
  w.tag(field, WIRE_LEN);
  w.string(v);
}

function int64(w: ProtoWriter, field: number, v: bigint): void {
  if (v === 0n) return;
  w.tag(field, WIRE_VARINT);
  w.int64(v);
}

function bool(w: ProtoWriter, field: number, v: boolean): void {
  if (!v) return;
  w.tag(field, WIRE_VARINT);
  w.uvarint(1);
}

function enumValue(w: ProtoWriter, field: number, v: number): void {
  if (v === 0) return;
  w.tag(field, WIRE_VARINT);
  w.uvarint(v);
}

function beginMsg(w: ProtoWriter, field: number): number {
  w.tag(field, WIRE_LEN);
  return w.beginLen();
}

// One map<string, T> entry each (key = 1, value = 2, both always written, as Go's encoder does): Point's typed
// field maps and the tags map are written by these whether the values come from a model Point or a UdfPoint.
function stringEntry(w: ProtoWriter, field: number, k: string, v: string): void {
  const at = beginMsg(w, field); w.tag(1, WIRE_LEN); w.string(k); w.tag(2, WIRE_LEN); w.string(v); w.endLen(at);
}

function doubleEntry(w: ProtoWriter, field: number, k: string, v: number): void {
  const at = beginMsg(w, field); w.tag(1, WIRE_LEN); w.string(k); w.tag(2, WIRE_FIXED64); w.double(v); w.endLen(at);
}

function intEntry(w: ProtoWriter, field: number, k: string, v: bigint): void {
  const at = beginMsg(w, field); w.tag(1, WIRE_LEN); w.string(k); w.tag(2, WIRE_VARINT); w.int64(v); w.endLen(at);
}

function boolEntry(w: ProtoWriter, field: number, k: string, v: boolean): void {
  const at = beginMsg(w, field); w.tag(1, WIRE_LEN); w.string(k); w.tag(2, WIRE_VARINT); w.uvarint(v ? 1 : 0); w.endLen(at);
}

/** map<string,string> */
function stringMap(w: ProtoWriter, field: number, m: Readonly<Record<string, string>>): void {
  for (const k in m) stringEntry(w, field, k, m[k]!);
}

/**
 * Model fields into Point's four typed maps (fieldsDouble = 8, fieldsInt = 9, fieldsString = 10, fieldsBool = 12),
 * one entry at a time in the fields' own order.
 */
function modelFields(w: ProtoWriter, fields: Fields): void {
  for (const k in fields) {
    const v = fields[k]!;
    switch (typeof v) {
      case 'number': doubleEntry(w, 8, k, v); break;
      case 'bigint': intEntry(w, 9, k, v); break;
      case 'string': stringEntry(w, 10, k, v); break;
      default: boolEntry(w, 12, k, v); break;
    }
  }
}

/** Request{point} for a stream point (Kapacitor's writePoint: every header field set). */
export function appendStreamPoint(w: ProtoWriter, p: Point): void {
  const frame = w.beginLen();
  const at = beginMsg(w, M_POINT);
  int64(w, 1, p.time);
  str(w, 2, p.name);
  str(w, 3, p.db);
  str(w, 4, p.rp);
  str(w, 5, p.group);
  for (const d of p.dims.tagNames) { w.tag(6, WIRE_LEN); w.string(d); }
  stringMap(w, 7, p.tags);
  modelFields(w, p.fields);
  bool(w, 11, p.dims.byName);
  w.endLen(at);
  w.endLen(frame);
}

/**
 * BeginBatch, one Point per batch point (time, group, tags, fields only) and EndBatch, as Kapacitor's
 * writeBufferedBatch sends a batch.
 */
export function appendBatch(w: ProtoWriter, b: Batch): void {
  appendRequest(w, { kind: 'begin', begin: { name: b.name, group: b.group, tags: b.tags, size: BigInt(b.points.length), byName: b.dims.byName } });
  for (const bp of b.points) {
    const frame = w.beginLen();
    const at = beginMsg(w, M_POINT);
    int64(w, 1, bp.time);
    str(w, 5, b.group);
    stringMap(w, 7, bp.tags);
    modelFields(w, bp.fields);
    w.endLen(at);
    w.endLen(frame);
  }
  appendRequest(w, { kind: 'end', end: { name: b.name, group: b.group, tmax: b.tmax, tags: b.tags, byName: b.dims.byName } });
}

function udfPoint(w: ProtoWriter, p: UdfPoint): void {
  int64(w, 1, p.time);
  str(w, 2, p.name);
  str(w, 3, p.database);
  str(w, 4, p.retentionPolicy);
  str(w, 5, p.group);
  for (const d of p.dimensions) { w.tag(6, WIRE_LEN); w.string(d); }
  stringMap(w, 7, p.tags);
  for (const k in p.fieldsDouble) doubleEntry(w, 8, k, p.fieldsDouble[k]!);
  for (const k in p.fieldsInt) intEntry(w, 9, k, p.fieldsInt[k]!);
  stringMap(w, 10, p.fieldsString);
  for (const k in p.fieldsBool) boolEntry(w, 12, k, p.fieldsBool[k]!);
  bool(w, 11, p.byName);
}

function beginBatch(w: ProtoWriter, b: BeginBatch): void {
  str(w, 1, b.name);
  str(w, 2, b.group);
  stringMap(w, 3, b.tags);
  int64(w, 4, b.size);
  bool(w, 5, b.byName);
}

function endBatch(w: ProtoWriter, e: EndBatch): void {
  str(w, 1, e.name);
  str(w, 2, e.group);
  int64(w, 3, e.tmax);
  stringMap(w, 4, e.tags);
  bool(w, 5, e.byName);
}

function optionValue(w: ProtoWriter, v: OptionValue): void {
  enumValue(w, 1, VALUE_TYPES.indexOf(v.type));
  // oneof members are written even when zero: their presence says which one is set
  switch (v.type) {
    case 'BOOL': w.tag(2, WIRE_VARINT); w.uvarint(v.value ? 1 : 0); break;
    case 'INT': w.tag(3, WIRE_VARINT); w.int64(v.value); break;
    case 'DOUBLE': w.tag(4, WIRE_FIXED64); w.double(v.value); break;
    case 'STRING': w.tag(5, WIRE_LEN); w.string(v.value); break;
    case 'DURATION': w.tag(6, WIRE_VARINT); w.int64(v.value); break;
  }
}

function initRequest(w: ProtoWriter, r: InitRequest): void {
  for (const o of r.options) {
    const at = beginMsg(w, 1);
    str(w, 1, o.name);
    for (const v of o.values) { const vat = beginMsg(w, 2); optionValue(w, v); w.endLen(vat); }
    w.endLen(at);
  }
  str(w, 2, r.taskID);
  str(w, 3, r.nodeID);
}

function infoResponse(w: ProtoWriter, r: InfoResponse): void {
  enumValue(w, 1, EDGE_TYPES.indexOf(r.wants));
  enumValue(w, 2, EDGE_TYPES.indexOf(r.provides));
  for (const [name, types] of Object.entries(r.options)) {
    const at = beginMsg(w, 3);
    w.tag(1, WIRE_LEN); w.string(name);
    const oat = beginMsg(w, 2);
    if (types.length > 0) {
      // repeated enum: packed, as proto3 encoders write it
      const pat = beginMsg(w, 1);
      for (const t of types) w.uvarint(VALUE_TYPES.indexOf(t));
      w.endLen(pat);
    }
    w.endLen(oat);
    w.endLen(at);
  }
}

function status(w: ProtoWriter, success: boolean, error: string): void {
  bool(w, 1, success);
  str(w, 2, error);
}

/** The Request and Response members that are the same message both ways. */
type StreamMember = Extract<Request | Response, { kind: 'keepalive' | 'begin' | 'point' | 'end' }>;

/** A wrapper member holding only bytes at field 1 (Snapshot*, RestoreRequest); empty bytes are omitted. */
function bytesMember(w: ProtoWriter, member: number, bytes: Uint8Array): void {
  const at = beginMsg(w, member);
  if (bytes.length > 0) { w.tag(1, WIRE_LEN); w.rawBytes(bytes); }
  w.endLen(at);
}

function streamMember(w: ProtoWriter, r: StreamMember): void {
  switch (r.kind) {
    case 'keepalive': { const at = beginMsg(w, M_KEEPALIVE); int64(w, 1, r.time); w.endLen(at); break; }
    case 'begin': { const at = beginMsg(w, M_BEGIN); beginBatch(w, r.begin); w.endLen(at); break; }
    case 'point': { const at = beginMsg(w, M_POINT); udfPoint(w, r.point); w.endLen(at); break; }
    case 'end': { const at = beginMsg(w, M_END); endBatch(w, r.end); w.endLen(at); break; }
  }
}

/** One framed Request (what tickstream writes to an agent). */
export function appendRequest(w: ProtoWriter, r: Request): void {
  const frame = w.beginLen();
  switch (r.kind) {
    case 'info': { const at = beginMsg(w, M_INFO); w.endLen(at); break; }
    case 'init': { const at = beginMsg(w, M_INIT); initRequest(w, r.init); w.endLen(at); break; }
    case 'snapshot': { const at = beginMsg(w, M_SNAPSHOT); w.endLen(at); break; }
    case 'restore': bytesMember(w, M_RESTORE, r.snapshot); break;
    default: streamMember(w, r);
  }
  w.endLen(frame);
}

/** One framed Response (what an agent writes; used by agents written in TypeScript). */
export function appendResponse(w: ProtoWriter, r: Response): void {
  const frame = w.beginLen();
  switch (r.kind) {
    case 'info': { const at = beginMsg(w, M_INFO); infoResponse(w, r.info); w.endLen(at); break; }
    case 'init': { const at = beginMsg(w, M_INIT); status(w, r.success, r.error); w.endLen(at); break; }
    case 'snapshot': bytesMember(w, M_SNAPSHOT, r.snapshot); break;
    case 'restore': { const at = beginMsg(w, M_RESTORE); status(w, r.success, r.error); w.endLen(at); break; }
    case 'error': { const at = beginMsg(w, M_ERROR); str(w, 1, r.error); w.endLen(at); break; }
    default: streamMember(w, r);
  }
  w.endLen(frame);
}

// ---- decoding ------------------------------------------------------------------------------------------------

/** Sets a decoded map entry; `__proto__` as a tag/field name is kept as data, not as the object's prototype. */
function put<T>(m: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  else m[k] = v;
}

/** A map entry message: key (1, string) and a value (2) read by `value`. */
function mapEntry<T>(r: ProtoReader, zero: T, value: (r: ProtoReader, wire: number) => T, msg: string): [string, T] {
  let k = '';
  let v = zero;
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    if (f === 1) { expectWire(f, wire, WIRE_LEN, msg); k = r.string(); } else if (f === 2) v = value(r, wire); else r.skip(wire);
  }
  return [k, v];
}

const readStr = (r: ProtoReader, wire: number): string => { expectWire(2, wire, WIRE_LEN, 'map entry'); return r.string(); };
const readDouble = (r: ProtoReader, wire: number): number => { expectWire(2, wire, WIRE_FIXED64, 'map entry'); return r.double(); };
const readInt = (r: ProtoReader, wire: number): bigint => { expectWire(2, wire, WIRE_VARINT, 'map entry'); return r.int64(); };
const readBool = (r: ProtoReader, wire: number): boolean => { expectWire(2, wire, WIRE_VARINT, 'map entry'); return r.bool(); };

function enumName<T>(names: readonly T[], n: number, what: string): T {
  const v = names[n];
  if (v === undefined) throw new ProtoError(`unknown ${what} ${n}`);
  return v;
}

function decodePoint(r: ProtoReader): UdfPoint {
  let time = 0n, name = '', database = '', retentionPolicy = '', group = '', byName = false;
  const dimensions: string[] = [];
  const tags: Record<string, string> = {};
  const fieldsDouble: Record<string, number> = {};
  const fieldsInt: Record<string, bigint> = {};
  const fieldsString: Record<string, string> = {};
  const fieldsBool: Record<string, boolean> = {};
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    switch (f) {
      case 1: expectWire(f, wire, WIRE_VARINT, 'Point'); time = r.int64(); break;
      case 2: expectWire(f, wire, WIRE_LEN, 'Point'); name = r.string(); break;
      case 3: expectWire(f, wire, WIRE_LEN, 'Point'); database = r.string(); break;
      case 4: expectWire(f, wire, WIRE_LEN, 'Point'); retentionPolicy = r.string(); break;
      case 5: expectWire(f, wire, WIRE_LEN, 'Point'); group = r.string(); break;
      case 6: expectWire(f, wire, WIRE_LEN, 'Point'); dimensions.push(r.string()); break;
      case 7: { expectWire(f, wire, WIRE_LEN, 'Point'); const [k, v] = mapEntry(r.sub(), '', readStr, 'Point.tags'); put(tags, k, v); break; }
      case 8: { expectWire(f, wire, WIRE_LEN, 'Point'); const [k, v] = mapEntry(r.sub(), 0, readDouble, 'Point.fieldsDouble'); put(fieldsDouble, k, v); break; }
      case 9: { expectWire(f, wire, WIRE_LEN, 'Point'); const [k, v] = mapEntry(r.sub(), 0n, readInt, 'Point.fieldsInt'); put(fieldsInt, k, v); break; }
      case 10: { expectWire(f, wire, WIRE_LEN, 'Point'); const [k, v] = mapEntry(r.sub(), '', readStr, 'Point.fieldsString'); put(fieldsString, k, v); break; }
      case 11: expectWire(f, wire, WIRE_VARINT, 'Point'); byName = r.bool(); break;
      case 12: { expectWire(f, wire, WIRE_LEN, 'Point'); const [k, v] = mapEntry(r.sub(), false, readBool, 'Point.fieldsBool'); put(fieldsBool, k, v); break; }
      default: r.skip(wire);
    }
  }
  return { time, name, database, retentionPolicy, group, dimensions, tags, fieldsDouble, fieldsInt, fieldsString, fieldsBool, byName };
}

function decodeBegin(r: ProtoReader): BeginBatch {
  let name = '', group = '', size = 0n, byName = false;
  const tags: Record<string, string> = {};
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    switch (f) {
      case 1: expectWire(f, wire, WIRE_LEN, 'BeginBatch'); name = r.string(); break;
      case 2: expectWire(f, wire, WIRE_LEN, 'BeginBatch'); group = r.string(); break;
      case 3: { expectWire(f, wire, WIRE_LEN, 'BeginBatch'); const [k, v] = mapEntry(r.sub(), '', readStr, 'BeginBatch.tags'); put(tags, k, v); break; }
      case 4: expectWire(f, wire, WIRE_VARINT, 'BeginBatch'); size = r.int64(); break;
      case 5: expectWire(f, wire, WIRE_VARINT, 'BeginBatch'); byName = r.bool(); break;
      default: r.skip(wire);
    }
  }
  return { name, group, tags, size, byName };
}

function decodeEnd(r: ProtoReader): EndBatch {
  let name = '', group = '', tmax = 0n, byName = false;
  const tags: Record<string, string> = {};
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    switch (f) {
      case 1: expectWire(f, wire, WIRE_LEN, 'EndBatch'); name = r.string(); break;
      case 2: expectWire(f, wire, WIRE_LEN, 'EndBatch'); group = r.string(); break;
      case 3: expectWire(f, wire, WIRE_VARINT, 'EndBatch'); tmax = r.int64(); break;
      case 4: { expectWire(f, wire, WIRE_LEN, 'EndBatch'); const [k, v] = mapEntry(r.sub(), '', readStr, 'EndBatch.tags'); put(tags, k, v); break; }
      case 5: expectWire(f, wire, WIRE_VARINT, 'EndBatch'); byName = r.bool(); break;
      default: r.skip(wire);
    }
  }
  return { name, group, tmax, tags, byName };
}

/** A message with one int64 `time` (Keepalive*) or similar single-scalar shapes. */
function decodeTime(r: ProtoReader): bigint {
  let time = 0n;
  while (!r.done()) {
    const t = r.uvarint();
    const wire = t & 7;
    if (Math.floor(t / 8) === 1) { expectWire(1, wire, WIRE_VARINT, 'Keepalive'); time = r.int64(); } else r.skip(wire);
  }
  return time;
}

/** InitResponse / RestoreResponse: success = 1, error = 2. */
function decodeStatus(r: ProtoReader, msg: string): { success: boolean; error: string } {
  let success = false, error = '';
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    if (f === 1) { expectWire(f, wire, WIRE_VARINT, msg); success = r.bool(); } else if (f === 2) { expectWire(f, wire, WIRE_LEN, msg); error = r.string(); } else r.skip(wire);
  }
  return { success, error };
}

/** A message whose only field 1 is a string (ErrorResponse) or bytes (Snapshot*, RestoreRequest). */
function decodeField1Bytes(r: ProtoReader, msg: string): Uint8Array {
  let v: Uint8Array = new Uint8Array(0);
  while (!r.done()) {
    const t = r.uvarint();
    const wire = t & 7;
    if (Math.floor(t / 8) === 1) { expectWire(1, wire, WIRE_LEN, msg); v = r.bytes(); } else r.skip(wire);
  }
  return v;
}

function decodeField1String(r: ProtoReader, msg: string): string {
  let v = '';
  while (!r.done()) {
    const t = r.uvarint();
    const wire = t & 7;
    if (Math.floor(t / 8) === 1) { expectWire(1, wire, WIRE_LEN, msg); v = r.string(); } else r.skip(wire);
  }
  return v;
}

function decodeOptionInfo(r: ProtoReader): ValueTypeName[] {
  const out: ValueTypeName[] = [];
  while (!r.done()) {
    const t = r.uvarint();
    const wire = t & 7;
    if (Math.floor(t / 8) !== 1) { r.skip(wire); continue; }
    if (wire === WIRE_LEN) {
      // packed
      const p = r.sub();
      while (!p.done()) out.push(enumName(VALUE_TYPES, p.uvarint(), 'ValueType'));
    } else {
      expectWire(1, wire, WIRE_VARINT, 'OptionInfo');
      out.push(enumName(VALUE_TYPES, r.uvarint(), 'ValueType'));
    }
  }
  return out;
}

function decodeInfo(r: ProtoReader): InfoResponse {
  let wants: EdgeTypeName = 'stream';
  let provides: EdgeTypeName = 'stream';
  const options: Record<string, ValueTypeName[]> = {};
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    switch (f) {
      case 1: expectWire(f, wire, WIRE_VARINT, 'InfoResponse'); wants = enumName(EDGE_TYPES, r.uvarint(), 'EdgeType'); break;
      case 2: expectWire(f, wire, WIRE_VARINT, 'InfoResponse'); provides = enumName(EDGE_TYPES, r.uvarint(), 'EdgeType'); break;
      case 3: {
        expectWire(f, wire, WIRE_LEN, 'InfoResponse');
        const [k, v] = mapEntry<ValueTypeName[]>(r.sub(), [], (sub, w) => { expectWire(2, w, WIRE_LEN, 'InfoResponse.options'); return decodeOptionInfo(sub.sub()); }, 'InfoResponse.options');
        put(options, k, v);
        break;
      }
      default: r.skip(wire);
    }
  }
  return { wants, provides, options };
}

function decodeOptionValue(r: ProtoReader): OptionValue {
  let type: ValueTypeName = 'BOOL';
  let value: OptionValue | undefined;
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    switch (f) {
      case 1: expectWire(f, wire, WIRE_VARINT, 'OptionValue'); type = enumName(VALUE_TYPES, r.uvarint(), 'ValueType'); break;
      case 2: expectWire(f, wire, WIRE_VARINT, 'OptionValue'); value = { type: 'BOOL', value: r.bool() }; break;
      case 3: expectWire(f, wire, WIRE_VARINT, 'OptionValue'); value = { type: 'INT', value: r.int64() }; break;
      case 4: expectWire(f, wire, WIRE_FIXED64, 'OptionValue'); value = { type: 'DOUBLE', value: r.double() }; break;
      case 5: expectWire(f, wire, WIRE_LEN, 'OptionValue'); value = { type: 'STRING', value: r.string() }; break;
      case 6: expectWire(f, wire, WIRE_VARINT, 'OptionValue'); value = { type: 'DURATION', value: r.int64() }; break;
      default: r.skip(wire);
    }
  }
  if (value === undefined) {
    // the oneof is unset: the zero value of the declared type
    const zero: Record<ValueTypeName, OptionValue> = {
      BOOL: { type: 'BOOL', value: false }, INT: { type: 'INT', value: 0n }, DOUBLE: { type: 'DOUBLE', value: 0 },
      STRING: { type: 'STRING', value: '' }, DURATION: { type: 'DURATION', value: 0n },
    };
    return zero[type];
  }
  if (value.type !== type) throw new ProtoError(`OptionValue: type ${type} but a ${value.type} value`);
  return value;
}

function decodeInit(r: ProtoReader): InitRequest {
  const options: Option[] = [];
  let taskID = '', nodeID = '';
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    switch (f) {
      case 1: {
        expectWire(f, wire, WIRE_LEN, 'InitRequest');
        const o = r.sub();
        let name = '';
        const values: OptionValue[] = [];
        while (!o.done()) {
          const ot = o.uvarint();
          const of = Math.floor(ot / 8);
          const ow = ot & 7;
          if (of === 1) { expectWire(of, ow, WIRE_LEN, 'Option'); name = o.string(); } else if (of === 2) { expectWire(of, ow, WIRE_LEN, 'Option'); values.push(decodeOptionValue(o.sub())); } else o.skip(ow);
        }
        options.push({ name, values });
        break;
      }
      case 2: expectWire(f, wire, WIRE_LEN, 'InitRequest'); taskID = r.string(); break;
      case 3: expectWire(f, wire, WIRE_LEN, 'InitRequest'); nodeID = r.string(); break;
      default: r.skip(wire);
    }
  }
  return { options, taskID, nodeID };
}

/** The one oneof member of a Request/Response wrapper: [field number, reader over it]. */
function wrapper(bytes: Uint8Array, what: string): [number, ProtoReader] {
  const r = new ProtoReader(bytes);
  let found: [number, ProtoReader] | undefined;
  while (!r.done()) {
    const t = r.uvarint();
    const f = Math.floor(t / 8);
    const wire = t & 7;
    if (f === 0) throw new ProtoError(`${what}: invalid field number 0`);
    if ((f >= 1 && f <= 6) || (f >= 16 && f <= 18)) {
      expectWire(f, wire, WIRE_LEN, what);
      found = [f, r.sub()]; // oneof: the last member wins
    } else {
      r.skip(wire);
    }
  }
  if (!found) throw new ProtoError(`${what} has no message set`);
  return found;
}

/** keepalive, begin, point and end: the same messages in a Request and a Response; any other member is an error. */
function decodeStreamMember(f: number, r: ProtoReader, what: 'Request' | 'Response'): StreamMember {
  switch (f) {
    case M_KEEPALIVE: return { kind: 'keepalive', time: decodeTime(r) };
    case M_BEGIN: return { kind: 'begin', begin: decodeBegin(r) };
    case M_POINT: return { kind: 'point', point: decodePoint(r) };
    case M_END: return { kind: 'end', end: decodeEnd(r) };
    default: throw new ProtoError(`${what} field ${f} is not a ${what.toLowerCase()} message`);
  }
}

/** Decodes one Response (the bytes after the length prefix). Throws ProtoError on anything malformed. */
export function decodeResponse(bytes: Uint8Array): Response {
  const [f, r] = wrapper(bytes, 'Response');
  switch (f) {
    case M_INFO: return { kind: 'info', info: decodeInfo(r) };
    case M_INIT: return { kind: 'init', ...decodeStatus(r, 'InitResponse') };
    case M_SNAPSHOT: return { kind: 'snapshot', snapshot: decodeField1Bytes(r, 'SnapshotResponse') };
    case M_RESTORE: return { kind: 'restore', ...decodeStatus(r, 'RestoreResponse') };
    case M_ERROR: return { kind: 'error', error: decodeField1String(r, 'ErrorResponse') };
    default: return decodeStreamMember(f, r, 'Response');
  }
}

/** Decodes one Request (used by agents written in TypeScript and by tests). */
export function decodeRequest(bytes: Uint8Array): Request {
  const [f, r] = wrapper(bytes, 'Request');
  switch (f) {
    case M_INFO: return { kind: 'info' };
    case M_INIT: return { kind: 'init', init: decodeInit(r) };
    case M_SNAPSHOT: return { kind: 'snapshot' };
    case M_RESTORE: return { kind: 'restore', snapshot: decodeField1Bytes(r, 'RestoreRequest') };
    default: return decodeStreamMember(f, r, 'Request');
  }
}
