/**
 * The BER encoding of an SNMPv2c trap (RFC 3416 SNMPv2-Trap-PDU in an RFC 1901 community message): just the types
 * Kapacitor's snmptrap service sends (INTEGER, OCTET STRING, NULL, OBJECT IDENTIFIER, TimeTicks, Counter64).
 */
export type SnmpValue =
  | { type: 'integer'; value: number }
  | { type: 'octets'; value: Buffer }
  | { type: 'null' }
  | { type: 'oid'; value: string }
  | { type: 'timeticks'; value: number }
  | { type: 'counter64'; value: bigint };

export interface VarBind { oid: string; value: SnmpValue }

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

/** two's complement, shortest form; for the unsigned types (TimeTicks, Counter64) the leading 0 it adds keeps them positive */
function signed(v: bigint): Buffer {
  const bytes: number[] = [];
  for (;;) {
    bytes.unshift(Number(v & 0xffn));
    const rest = v >> 8n;
    const sign = (bytes[0]! & 0x80) !== 0;
    if ((rest === 0n && !sign) || (rest === -1n && sign)) return Buffer.from(bytes);
    v = rest;
  }
}

/** Parses dotted OID text (an optional leading dot), as snmpgo.NewOid accepts it; throws on a bad one. */
export function parseOid(s: string): number[] {
  const parts = s.replace(/^\./, '').split('.');
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p) || Number(p) > 0xffffffff)) throw new Error(`invalid OID ${JSON.stringify(s)}`);
  const n = parts.map(Number);
  if (n[0]! > 2 || (n[0]! < 2 && n[1]! >= 40)) throw new Error(`invalid OID ${JSON.stringify(s)}`);
  return n;
}

function oid(s: string): Buffer {
  const n = parseOid(s);
  const out: number[] = [];
  for (const sub of [n[0]! * 40 + n[1]!, ...n.slice(2)]) {
    const bytes = [sub & 0x7f];
    for (let x = Math.floor(sub / 128); x > 0; x = Math.floor(x / 128)) bytes.unshift((x & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}

function value(v: SnmpValue): Buffer {
  switch (v.type) {
    case 'integer': return tlv(0x02, signed(BigInt(v.value)));
    case 'octets': return tlv(0x04, v.value);
    case 'null': return Buffer.from([0x05, 0x00]);
    case 'oid': return oid(v.value);
    case 'timeticks': return tlv(0x43, signed(BigInt(v.value)));
    case 'counter64': return tlv(0x46, signed(v.value));
  }
}

/** The whole UDP datagram of an SNMPv2c trap. */
export function encodeV2cTrap(community: string, requestId: number, binds: readonly VarBind[]): Buffer {
  const list = tlv(0x30, Buffer.concat(binds.map((b) => tlv(0x30, Buffer.concat([oid(b.oid), value(b.value)])))));
  const pdu = tlv(0xa7, Buffer.concat([tlv(0x02, signed(BigInt(requestId))), tlv(0x02, signed(0n)), tlv(0x02, signed(0n)), list]));
  return tlv(0x30, Buffer.concat([tlv(0x02, signed(1n)), tlv(0x04, Buffer.from(community, 'utf8')), pdu]));
}
