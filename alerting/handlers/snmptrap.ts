/**
 * snmptrap / `.snmpTrap(oid)` (Kapacitor services/snmptrap): one SNMPv2c trap per event to `[snmptrap] addr` with
 * `community`. Varbinds: sysUpTime.0 = TimeTicks 1000 and snmpTrapOID.0 = the trap OID (as snmpgo sends them),
 * then each `data` entry, its value a template rendered with the event: `c` Counter64, `i` Integer32, `n` Null,
 * `s` OctetString, `t` TimeTicks (numbers parsed as Go's strconv.ParseInt and truncated the way Go converts).
 * Types a, d, o, u, x are refused as Kapacitor refuses them. A trap is not acknowledged, so `retries` has nothing to
 * repeat; a failed send is retried by the delivery queue.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { randomInt } from 'node:crypto';
import { AlertTemplate } from '../template.ts';
import { templateData, TEMPLATE_FIELDS } from '../gojson.ts';
import { encodeV2cTrap, parseOid, type SnmpValue, type VarBind } from './snmp-ber.ts';
import type { HandlerKind } from './types.ts';

const SYS_UP_TIME = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const UNSUPPORTED: Readonly<Record<string, string>> = {
  a: 'IP address', d: 'Decimal string', o: 'Object ID', u: 'Unsigned integer', x: 'Hexadecimal string',
};

interface Data { oid: string; type: string; tpl: AlertTemplate }

/** strconv.ParseInt(s, 10, 64) */
function parseInt64(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}

function snmpValue(type: string, text: string): SnmpValue {
  switch (type) {
    case 'c': return { type: 'counter64', value: BigInt.asUintN(64, parseInt64(text)) };
    case 'i': return { type: 'integer', value: Number(BigInt.asIntN(32, parseInt64(text))) };
    case 'n': return { type: 'null' };
    case 's': return { type: 'octets', value: Buffer.from(text, 'utf8') };
    case 't': return { type: 'timeticks', value: Number(BigInt.asUintN(32, parseInt64(text))) };
    default: throw new Error(`Snmptrap Datatype not known: ${type}`);
  }
}

export const snmpTrapKind: HandlerKind = {
  goType: 'snmptrap.HandlerConfig',
  schema: { 'trap-oid': 'string', 'data-list': 'objects' },
  create(o, deps) {
    const c = deps.config.snmptrap;
    if (!c.enabled) throw new Error('snmptrap: service is not enabled (set [snmptrap] enabled = true)');
    const trapOid = (o['trap-oid'] as string | undefined) ?? '';
    if (trapOid === '') throw new Error('you must supply a trap Oid');
    try { parseOid(trapOid); } catch { throw new Error(`invalid trap Oid ${JSON.stringify(trapOid)}`); }
    const data: Data[] = ((o['data-list'] as Record<string, unknown>[] | undefined) ?? []).map((raw, i) => {
      const e: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) {
        const key = k.toLowerCase();
        if (!['oid', 'type', 'value'].includes(key)) throw new Error(`data-list[${i}]: invalid key ${JSON.stringify(k)} (want oid, type, value)`);
        if (typeof v !== 'string') throw new Error(`data-list[${i}].${key}: expected a string, got ${JSON.stringify(v)}`);
        e[key] = v;
      }
      const oid = e['oid'] ?? '';
      const type = e['type'] ?? '';
      try { parseOid(oid); } catch { throw new Error(`invalid data Oid ${JSON.stringify(oid)}`); }
      if (UNSUPPORTED[type]) throw new Error(`Snmptrap Datatype '${UNSUPPORTED[type]}' not supported`);
      if (!['c', 'i', 'n', 's', 't'].includes(type)) throw new Error(`unsupported data type ${JSON.stringify(type)} for data entry ${JSON.stringify(oid)}`);
      try {
        return { oid, type, tpl: AlertTemplate.compile('data', e['value'] ?? '', TEMPLATE_FIELDS, false) };
      } catch (err) {
        throw new Error(`data-list[${i}]: invalid value template: ${(err as Error).message}`);
      }
    });
    const m = /^(.*):(\d+)$/.exec(c.addr);
    if (!m) throw new Error(`snmptrap: invalid addr ${JSON.stringify(c.addr)}: want host:port`);
    const host = m[1]!.replace(/^\[(.*)\]$/, '$1') || 'localhost';
    const port = Number(m[2]);
    let socket: Socket | undefined;
    return {
      deliver: async (ev) => {
        const td = templateData(ev);
        const binds: VarBind[] = [{ oid: SYS_UP_TIME, value: { type: 'timeticks', value: 1000 } }, { oid: SNMP_TRAP_OID, value: { type: 'oid', value: trapOid } }];
        for (const d of data) binds.push({ oid: d.oid, value: snmpValue(d.type, d.tpl.render(td)) });
        const packet = encodeV2cTrap(c.community, randomInt(1, 0x7fffffff), binds);
        socket ??= createSocket(isIP(host) === 6 ? 'udp6' : 'udp4').on('error', () => {});
        const s = socket;
        await new Promise<void>((resolve, reject) => s.send(packet, port, host, (err) => (err ? reject(new Error(`failed to send SNMP trap: ${err.message}`)) : resolve())));
      },
      close: () => { socket?.close(); socket = undefined; },
    };
  },
};
