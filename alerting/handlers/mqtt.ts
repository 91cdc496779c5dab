/**
 * mqtt (Kapacitor services/mqtt): publishes the alert message (`event.State.Message`, as Kapacitor does) to a topic
 * rendered from the handler's `topic` template, with its `qos` (0, 1, 2) and `retained` flag, on the broker named by
 * `broker-name` (else the default [[mqtt]]: the only one, or the one with `default = true`). One client per broker,
 * shared by all handlers (a second client with the same client id would be disconnected by the broker), with a
 * clean session; client id = `client-id`, else the broker's `name`. URLs: tcp://, ssl:// (TLS from ssl-ca,
 * ssl-cert, ssl-key, insecure-skip-verify), ws://, wss://.
 */
import type { MqttClient } from 'mqtt';
import type { MqttConfig } from '../../config/alert-sections.ts';
import { clientTls, isClientTlsError } from '../../config/client-tls.ts';
import { AlertTemplate } from '../template.ts';
import { templateData, TEMPLATE_FIELDS } from '../gojson.ts';
import { SharedClients } from './shared-client.ts';
import type { HandlerKind } from './types.ts';

/** how long a publish waits for the broker connection and the acknowledgement */
const TIMEOUT_MS = 10_000;

class Broker {
  private clientP: Promise<MqttClient> | undefined;
  private client!: MqttClient;

  constructor(private readonly c: MqttConfig) {}

  /** The client, created on first use (mqtt.js is loaded then: the server starts without it). */
  private async connect(): Promise<MqttClient> {
    const c = this.c;
    const { default: mqtt } = await import('mqtt');
    const u = new URL(c.url);
    // paho's schemes → mqtt.js protocols
    const protocol = u.protocol === 'tcp:' ? 'mqtt' : u.protocol === 'ssl:' || u.protocol === 'tls:' ? 'mqtts' : u.protocol.slice(0, -1);
    const tls = clientTls(c);
    if (isClientTlsError(tls)) throw new Error(`mqtt ${c.name}: ${tls.key}: ${tls.message}`);
    const client = mqtt.connect(`${protocol}://${u.host}${u.pathname === '/' ? '' : u.pathname}`, {
      clientId: c.clientId !== '' ? c.clientId : c.name, clean: true, protocolVersion: 4,
      username: c.username !== '' ? c.username : undefined, password: c.password !== '' ? c.password : undefined,
      connectTimeout: TIMEOUT_MS, reconnectPeriod: 1000, queueQoSZero: false,
      ...(protocol === 'mqtts' || protocol === 'wss' ? tls : {}),
    });
    // errors surface through publish; without a listener an 'error' event would be thrown
    client.on('error', () => {});
    return client;
  }

  async publish(topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean): Promise<void> {
    this.clientP ??= this.connect();
    this.client = await this.clientP;
    if (!this.client.connected) await this.connected();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.publishAsync(topic, payload, { qos, retain }),
        new Promise((_r, reject) => { timer = setTimeout(() => reject(new Error(`publish not acknowledged after ${TIMEOUT_MS}ms`)), TIMEOUT_MS); }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once connected; rejects with the broker's error or after TIMEOUT_MS, so the delivery queue retries. */
  private connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.client.off('connect', onConnect);
        this.client.off('error', onError);
        this.client.off('close', onClose);
        if (err) reject(err); else resolve();
      };
      const onConnect = (): void => done();
      // refused connections and refused CONNACKs fail now; the client keeps reconnecting in the background
      const onError = (err: Error): void => done(new Error(`not connected to MQTT broker: ${err.message}`));
      // a TLS handshake the broker refuses (no client certificate) only closes the connection
      const onClose = (): void => done(new Error('not connected to MQTT broker: connection closed'));
      const timer = setTimeout(() => done(new Error(`not connected to MQTT broker after ${TIMEOUT_MS}ms`)), TIMEOUT_MS);
      this.client.on('connect', onConnect);
      this.client.on('error', onError);
      this.client.on('close', onClose);
    });
  }

  async close(): Promise<void> {
    if (this.clientP) await (await this.clientP).endAsync(false);
  }
}

const brokers = new SharedClients<MqttConfig, Broker>((c) => new Broker(c));

export const mqttKind: HandlerKind = {
  goType: 'mqtt.HandlerConfig',
  schema: { 'broker-name': 'string', topic: 'string', qos: 'int', retained: 'bool' },
  create(o, deps) {
    const list = deps.config.mqtt;
    const name = (o['broker-name'] as string | undefined) ?? '';
    const c = name === '' ? (list.length === 1 ? list[0] : list.find((x) => x.default)) : list.find((x) => x.name === name);
    if (!c) throw new Error(name === '' ? 'mqtt: no default MQTT broker configured ([[mqtt]] with default = true)' : `unknown MQTT broker ${JSON.stringify(name)}`);
    if (!c.enabled) throw new Error(`mqtt: broker ${JSON.stringify(c.name)} is not enabled (set [[mqtt]] enabled = true)`);
    const qos = (o['qos'] as number | undefined) ?? 0;
    if (qos !== 0 && qos !== 1 && qos !== 2) throw new Error(`mqtt: invalid QoS ${qos}: want 0 (at most once), 1 (at least once) or 2 (exactly once)`);
    const retained = (o['retained'] as boolean | undefined) ?? false;
    let topic: AlertTemplate;
    try {
      topic = AlertTemplate.compile('topic', (o['topic'] as string | undefined) ?? '', TEMPLATE_FIELDS, false);
    } catch (e) {
      throw new Error(`mqtt: invalid topic template: ${(e as Error).message}`);
    }
    const { client, release } = brokers.acquire(c);
    return {
      deliver: async (ev) => {
        const t = topic.render(templateData(ev));
        if (t === '') throw new Error('missing MQTT topic');
        await client.publish(t, ev.state.message, qos, retained);
      },
      close: release,
    };
  },
};
