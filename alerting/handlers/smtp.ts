/**
 * smtp / `.email()` (Kapacitor services/smtp): one mail per event, From = `[smtp] from`, To = the handler's `to`
 * plus its rendered `to-field` templates (else `[smtp] to`), Subject = the alert message, body = the alert details as
 * text/html. One SMTP connection per [smtp] section, shared by every handler (Kapacitor's single mailer) and closed
 * after `idle-timeout` without mail. As gomail: implicit TLS on port 465, STARTTLS when the server offers it,
 * `no-verify` skips certificate checks, and credentials are only sent over TLS unless the server is on localhost
 * (Go's smtp.PlainAuth rule).
 */
import { isIP } from 'node:net';
import type { Transporter } from 'nodemailer';
import type { SmtpConfig } from '../../config/alert-sections.ts';
import { AlertTemplate, GoStruct, type TemplateValue } from '../template.ts';
import type { AlertEvent } from '../event.ts';
import { SharedClients } from './shared-client.ts';
import type { HandlerKind } from './types.ts';

const LOCALHOST = new Set(['localhost', '127.0.0.1', '::1']);
/** alert.EventData fields (what `to-field` templates see) */
const EVENT_DATA_FIELDS: ReadonlySet<string> = new Set(['Name', 'TaskName', 'Category', 'Group', 'Tags', 'Fields']);

class Mailer {
  private transport: Transporter | undefined;
  private idle: NodeJS.Timeout | undefined;
  /** mails being sent (handlers share the mailer): the idle timer runs only when none is */
  private active = 0;
  private readonly idleMs: number;

  constructor(private readonly c: SmtpConfig) {
    this.idleMs = Number(c.idleTimeout / 1_000_000n);
  }

  async send(to: string[], subject: string, html: string): Promise<void> {
    clearTimeout(this.idle);
    // loaded on first use: the server starts without it when no mail is sent
    const { createTransport } = await import('nodemailer');
    this.transport ??= createTransport({
      host: this.c.host, port: this.c.port, secure: this.c.port === 465, pool: true, maxConnections: 1,
      auth: this.c.username !== '' ? { user: this.c.username, pass: this.c.password } : undefined,
      requireTLS: this.c.username !== '' && !LOCALHOST.has(this.c.host),
      tls: { rejectUnauthorized: !this.c.noVerify, ...(isIP(this.c.host) === 0 ? { servername: this.c.host } : {}) },
      connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
    });
    this.active++;
    try {
      await this.transport.sendMail({ from: this.c.from, to, subject, html });
    } finally {
      if (--this.active === 0) {
        this.idle = setTimeout(() => this.close(), this.idleMs);
        this.idle.unref();
      }
    }
  }

  close(): void {
    clearTimeout(this.idle);
    this.transport?.close();
    this.transport = undefined;
  }
}

const mailers = new SharedClients<SmtpConfig, Mailer>((c) => new Mailer(c));

function eventData(ev: AlertEvent): GoStruct {
  const d = ev.data;
  const f: Record<string, TemplateValue> = { Name: d.name, TaskName: d.taskName, Category: d.category, Group: d.group, Tags: d.tags, Fields: d.fields };
  return new GoStruct(f);
}

export const smtpKind: HandlerKind = {
  goType: 'smtp.HandlerConfig',
  schema: { to: 'strings', 'to-field': 'strings' },
  create(o, deps) {
    const c = deps.config.smtp;
    if (!c.enabled) throw new Error('smtp: service is not enabled (set [smtp] enabled = true)');
    const to = (o['to'] as string[] | undefined) ?? [];
    const toTemplates = ((o['to-field'] as string[] | undefined) ?? []).map((src, i) => {
      try {
        return AlertTemplate.compile(String(i), src, EVENT_DATA_FIELDS, false);
      } catch (e) {
        throw new Error(`bad template in email address template: ${(e as Error).message}`);
      }
    });
    const { client, release } = mailers.acquire(c);
    return {
      deliver: async (ev) => {
        const rcpt = [...to];
        if (toTemplates.length > 0) {
          const data = eventData(ev);
          for (const t of toTemplates) {
            const addr = t.render(data);
            if (addr !== '') rcpt.push(addr);
          }
        }
        if (rcpt.length === 0) rcpt.push(...c.to);
        if (rcpt.length === 0) throw new Error('not sending email, no recipients defined');
        await client.send(rcpt, ev.state.message, ev.state.details);
      },
      close: release,
    };
  },
};
