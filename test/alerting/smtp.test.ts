// The smtp handler (`.email()`, `kind: smtp`) against a real SMTP server (npm smtp-server) on 127.0.0.1: the
// envelope, the headers (Subject = message, text/html body = details, as Kapacitor's gomail message), AUTH,
// STARTTLS with no-verify, recipients from to / to-field templates / [smtp] to, and failures counted and retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { createHandler, handlerDeps } from '../../alerting/handlers/index.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { alertEvent, FAST } from '../helpers/alert-event.ts';

interface Mail { from: string; to: string[]; data: string; user?: string; secure: boolean }

async function smtpServer(t: { after(fn: () => unknown): void }, opts: { starttls?: boolean; users?: Record<string, string> } = {}) {
  const mails: Mail[] = [];
  const srv = new SMTPServer({
    authOptional: !opts.users, allowInsecureAuth: true, disabledCommands: opts.starttls ? [] : ['STARTTLS'], logger: false,
    onAuth(auth, _s, cb) {
      if (opts.users && opts.users[auth.username ?? ''] === auth.password) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => { data += c.toString('utf8'); });
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address),
          data, user: session.user as string | undefined, secure: session.secure,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  // the server waits for open connections: handlers registered later with t.after would close them too late
  const closers: (() => void)[] = [];
  t.after(() => { for (const c of closers) c(); return new Promise<void>((r) => srv.close(() => r())); });
  return { mails, closers, port: (srv.server.address() as { port: number }).port };
}

/** header name (lower case) → unfolded value, and the body */
function parse(data: string): { headers: Record<string, string>; body: string } {
  const [head, ...rest] = data.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of head!.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: rest.join('\r\n\r\n') };
}

const env = (port: number, more: Record<string, string> = {}): Record<string, string> => ({
  KAPACITOR_SMTP_ENABLED: 'true', KAPACITOR_SMTP_HOST: '127.0.0.1', KAPACITOR_SMTP_PORT: String(port),
  KAPACITOR_SMTP_FROM: 'kapacitor@example.com', ...more,
});

test('smtp: envelope, From/To/Subject headers, details as the text/html body, AUTH PLAIN with [smtp] username', async (t) => {
  const s = await smtpServer(t, { users: { alice: 's3cret' } });
  const cfg = testConfig(env(s.port, { KAPACITOR_SMTP_USERNAME: 'alice', KAPACITOR_SMTP_PASSWORD: 's3cret' }));
  const h = createHandler('smtp', { to: ['oncall@example.com', 'ops@example.com'] }, handlerDeps(cfg), silentLogger(), FAST);
  s.closers.push(() => h.close());
  h.handle(alertEvent({ details: '<h1>cpu:host=a</h1><b>value 95</b>' }));
  await h.whenIdle!();
  assert.deepEqual(h.stats, { sent: 1, errors: 0, failed: 0, dropped: 0, queued: 0 });
  assert.equal(s.mails.length, 1);
  const m = s.mails[0]!;
  assert.equal(m.from, 'kapacitor@example.com');
  assert.deepEqual(m.to, ['oncall@example.com', 'ops@example.com']);
  assert.equal(m.user, 'alice');
  const { headers, body } = parse(m.data);
  assert.equal(headers['from'], 'kapacitor@example.com');
  assert.equal(headers['to'], 'oncall@example.com, ops@example.com');
  assert.equal(headers['subject'], 'cpu:host=a is CRITICAL');
  assert.match(headers['content-type']!, /^text\/html; charset=utf-8$/i);
  assert.equal(body.trim(), '<h1>cpu:host=a</h1><b>value 95</b>');
});

test('smtp: wrong password fails the delivery, counted and retried, then given up', async (t) => {
  const s = await smtpServer(t, { users: { alice: 's3cret' } });
  const cfg = testConfig(env(s.port, { KAPACITOR_SMTP_USERNAME: 'alice', KAPACITOR_SMTP_PASSWORD: 'wrong' }));
  const h = createHandler('smtp', { to: ['oncall@example.com'] }, handlerDeps(cfg), silentLogger(), FAST);
  s.closers.push(() => h.close());
  h.handle(alertEvent());
  await h.whenIdle!();
  assert.deepEqual(h.stats, { sent: 0, errors: 3, failed: 1, dropped: 0, queued: 0 });
  assert.equal(s.mails.length, 0);
});

test('smtp: STARTTLS with a self-signed certificate needs no-verify; recipients from to-field templates, else [smtp] to', async (t) => {
  const s = await smtpServer(t, { starttls: true });
  const verified = createHandler('smtp', { to: ['a@example.com'] }, handlerDeps(testConfig(env(s.port))), silentLogger(), FAST);
  verified.handle(alertEvent());
  await verified.whenIdle!();
  verified.close();
  assert.equal(verified.stats.failed, 1, 'the self-signed certificate is refused');

  const cfg = testConfig(env(s.port, { KAPACITOR_SMTP_NO_VERIFY: 'true', KAPACITOR_SMTP_TO: 'team@example.com' }));
  const h = createHandler('smtp', { 'to-field': ['{{ index .Tags "owner" }}', '{{ index .Tags "missing" }}'] }, handlerDeps(cfg), silentLogger(), FAST);
  const fallback = createHandler('smtp', {}, handlerDeps(cfg), silentLogger(), FAST);
  s.closers.push(() => { h.close(); fallback.close(); });
  h.handle(alertEvent({ tags: { host: 'a', owner: 'owner@example.com' } }));
  await h.whenIdle!();
  fallback.handle(alertEvent());
  await fallback.whenIdle!();
  assert.deepEqual(s.mails.map((m) => [m.to, m.secure]), [[['owner@example.com'], true], [['team@example.com'], true]]);
});

test('smtp: no recipients anywhere fails the event; disabled service and bad config are refused naming the key', () => {
  assert.throws(() => createHandler('smtp', {}, handlerDeps(testConfig()), silentLogger(), FAST), /smtp: service is not enabled/);
  assert.throws(() => testConfig({ KAPACITOR_SMTP_ENABLED: 'true' }), /smtp\.from.*must provide a 'from' address/);
  assert.throws(() => testConfig({ KAPACITOR_SMTP_TO: 'not an address' }), /smtp\.to.*invalid to email address/);
  assert.throws(() => testConfig({ KAPACITOR_SMTP_PORT: '0' }), /smtp\.port.*invalid port 0/);
  assert.throws(() => createHandler('smtp', { cc: ['x'] }, handlerDeps(testConfig(env(25))), silentLogger(), FAST), /smtp\.HandlerConfig.*invalid keys: cc/);
});

test('smtp: an event without any recipient is counted as failed', async (t) => {
  const s = await smtpServer(t);
  const h = createHandler('smtp', {}, handlerDeps(testConfig(env(s.port))), silentLogger(), FAST);
  s.closers.push(() => h.close());
  h.handle(alertEvent());
  await h.whenIdle!();
  assert.equal(h.stats.failed, 1);
  assert.equal(s.mails.length, 0);
});
