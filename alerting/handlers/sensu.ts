/**
 * sensu (Kapacitor services/sensu/service.go): a TCP connection to the Sensu client socket `[sensu] addr`, the
 * check result `{"handlers","name","output","source","status",<metadata>...}` (json.Encoder: keys sorted, newline;
 * metadata keys never override the standard ones), then the socket's whole answer must be `ok`. name = the event
 * id, which must match `^[\w.-]+$`; status 0 OK/INFO, 1 WARNING, 2 CRITICAL; source is a template (default
 * `[sensu] source`).
 */
import { connect } from 'node:net';
import { AlertTemplate } from '../template.ts';
import { goJson, templateData, TEMPLATE_FIELDS } from '../gojson.ts';
import { CRITICAL, WARNING } from '../levels.ts';
import type { HandlerKind } from './types.ts';

const VALID_NAME = /^[\w.-]+$/;

export const sensuKind: HandlerKind = {
  goType: 'sensu.HandlerConfig',
  schema: { source: 'string', handlers: 'strings', metadata: 'map' },
  create(o, deps) {
    const c = deps.config.sensu;
    if (!c.enabled) throw new Error('sensu: service is not enabled (set [sensu] enabled = true)');
    const m = /^(.*):(\d+)$/.exec(c.addr);
    if (!m) throw new Error(`sensu: invalid addr ${JSON.stringify(c.addr)}: want host:port`);
    const host = m[1]!.replace(/^\[(.*)\]$/, '$1') || 'localhost';
    const port = Number(m[2]);
    let sourceTpl: AlertTemplate;
    try {
      sourceTpl = AlertTemplate.compile('source', (o['source'] as string | undefined) ?? '', TEMPLATE_FIELDS, false);
    } catch (e) {
      throw new Error(`invalid source template: ${(e as Error).message}`);
    }
    const handlers = (o['handlers'] as string[] | undefined)?.length ? (o['handlers'] as string[]) : c.handlers;
    const metadata = (o['metadata'] as Record<string, unknown> | undefined) ?? {};
    return {
      deliver: async (ev) => {
        const name = ev.state.id;
        if (!VALID_NAME.test(name)) throw new Error(`invalid name ${JSON.stringify(name)} for sensu alert. Must match ^[\\w\\.-]+$`);
        const l = ev.state.level;
        const data: Record<string, unknown> = {
          name, source: sourceTpl.render(templateData(ev)) || c.source, output: ev.state.message,
          status: l === WARNING ? 1 : l === CRITICAL ? 2 : 0, handlers: handlers.length > 0 ? handlers : null,
        };
        for (const [k, v] of Object.entries(metadata)) if (!(k in data)) data[k] = v;
        const sorted: Record<string, unknown> = {};
        for (const k of Object.keys(data).sort()) sorted[k] = data[k];
        const answer = await exchange(host, port, goJson(sorted) + '\n');
        if (answer !== 'ok') throw new Error('sensu socket error: ' + answer);
      },
    };
  },
};

/** Writes `data`, half-closes, and resolves with everything the peer sends until it closes (at most 64 KiB kept). */
function exchange(host: string, port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const sock = connect({ host, port });
    sock.setTimeout(10_000, () => sock.destroy(new Error(`sensu ${host}:${port}: timed out`)));
    sock.on('data', (d) => { if (got.length < 65536) got += d.toString('utf8'); });
    sock.once('error', (err) => reject(new Error(`sensu ${host}:${port}: ${err.message}`)));
    sock.once('end', () => resolve(got));
    sock.once('connect', () => sock.write(data));
  });
}
