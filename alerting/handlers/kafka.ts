/**
 * kafka / `.kafka()` (Kapacitor services/kafka): each event becomes one record on `topic` of the [[kafka]] cluster
 * `cluster`, key = the event id, value = the alert data JSON (json.Encoder, trailing newline) or the handler's
 * `template` rendered with the alert data. Like Kapacitor's async producer, records are batched — sent when
 * `batch-size` (default 100) records wait or `batch-timeout` (default 1s) after the first — and a handler's
 * delivery succeeds once its record is queued; a batch Kafka refuses (after the client's own retries with backoff)
 * is logged and counted as failed for each handler that queued a record in it. The partition is chosen from the
 * key (kafka-partition.ts). Acks: the leader's (sarama's WaitForLocal). TLS with use-ssl; SASL PLAIN, SCRAM-SHA-256/512
 * and OAUTHBEARER with a static sasl-access-token.
 */
import type { Logger } from 'pino';
import type { Producer, SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../../config/alert-sections.ts';
import { clientTls, isClientTlsError } from '../../config/client-tls.ts';
import type { DeliveryStats } from '../delivery.ts';
import { LEVEL_NAMES } from '../levels.ts';
import { AlertTemplate, GoDuration, GoStruct, GoTime } from '../template.ts';
import { choosePartition, partitionAlgorithm, type PartitionAlgorithm } from './kafka-partition.ts';
import { SharedClients } from './shared-client.ts';
import type { HandlerKind } from './types.ts';

/** records waiting or in flight per cluster before deliveries fail (and are retried by the delivery queue) */
const MAX_PENDING = 10_000;
/** alert.Data fields (what the `template` sees) */
const ALERT_DATA_FIELDS: ReadonlySet<string> = new Set(['ID', 'Message', 'Details', 'Time', 'Duration', 'Level', 'PreviousLevel', 'Recoverable']);

interface Pending { topic: string; partitionBy: PartitionAlgorithm; key: Buffer; value: Buffer; failed: (err: Error) => void }

const ms = (ns: bigint, def: number): number => (ns > 0n ? Math.max(1, Number(ns / 1_000_000n)) : def);

function sasl(c: KafkaConfig): SASLOptions | undefined {
  const m = c.saslMechanism;
  if (m === 'OAUTHBEARER') return { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: c.saslAccessToken }) };
  if (m === 'SCRAM-SHA-256') return { mechanism: 'scram-sha-256', username: c.saslUsername, password: c.saslPassword };
  if (m === 'SCRAM-SHA-512') return { mechanism: 'scram-sha-512', username: c.saslUsername, password: c.saslPassword };
  // sarama: a username alone enables SASL/PLAIN
  if (m === 'PLAIN' || (m === '' && c.saslUsername !== '')) return { mechanism: 'plain', username: c.saslUsername, password: c.saslPassword };
  return undefined;
}

/** One producer per [[kafka]] cluster: batches records of all its handlers. */
class ClusterWriter {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private batch: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending = 0;
  private closed = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly batchSize: number;
  private readonly batchTimeoutMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly c: KafkaConfig) {
    this.batchSize = c.batchSize > 0 ? c.batchSize : 100;
    this.batchTimeoutMs = ms(c.batchTimeout, 1000);
    this.timeoutMs = ms(c.timeout, 10_000);
  }

  /** The producer, created and connected on first use (kafkajs is loaded then: the server starts without it). */
  private async connect(): Promise<Producer> {
    const c = this.c;
    const { Kafka, logLevel } = await import('kafkajs');
    let ssl: boolean | object = false;
    if (c.useSsl) {
      const t = clientTls(c);
      if (isClientTlsError(t)) throw new Error(`kafka ${c.id}: ${t.key}: ${t.message}`);
      ssl = t;
    }
    const kafka = new Kafka({
      clientId: c.id, brokers: c.brokers, ssl, sasl: sasl(c), connectionTimeout: this.timeoutMs, requestTimeout: this.timeoutMs,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: this.timeoutMs }, logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({
      allowAutoTopicCreation: true,
      // each record carries its handler's algorithm (handlers of one cluster may differ)
      createPartitioner: () => ({ partitionMetadata, message }) =>
        choosePartition((message as { partitionBy?: PartitionAlgorithm }).partitionBy ?? 'crc32', message.key as Buffer, partitionMetadata.length),
    });
    this.producer = producer;
    try {
      await producer.connect();
    } catch (err) {
      // the next batch starts over with a new producer
      this.producer = undefined;
      await producer.disconnect().catch(() => {});
      throw err;
    }
    return producer;
  }

  /** Queues one record; throws when too many are waiting (the broker is down or slow). */
  write(p: Pending): void {
    if (this.closed) throw new Error('kafka writer closed');
    if (this.pending >= MAX_PENDING) throw new Error(`kafka: ${MAX_PENDING} records already waiting for the brokers`);
    this.pending++;
    this.batch.push(p);
    if (this.batch.length >= this.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchTimeoutMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const sent = this.send(batch).then(
      () => { this.pending -= batch.length; },
      (err: Error) => {
        this.pending -= batch.length;
        for (const p of batch) p.failed(err);
      },
    );
    this.inflight.add(sent);
    void sent.finally(() => this.inflight.delete(sent));
  }

  private async send(batch: Pending[]): Promise<void> {
    this.connecting ??= this.connect().catch((err: Error) => { this.connecting = undefined; throw err; });
    const producer = await this.connecting;
    const byTopic = new Map<string, Pending[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic);
      if (list) list.push(p); else byTopic.set(p.topic, [p]);
    }
    await producer.sendBatch({
      acks: 1, timeout: this.timeoutMs,
      topicMessages: [...byTopic].map(([topic, ps]) => ({
        topic, messages: ps.map((p) => ({ key: p.key, value: p.value, partitionBy: p.partitionBy })),
      })),
    });
  }

  /** Sends what is queued, waits for the batches in flight (at most `timeout`), then disconnects. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => { timer = setTimeout(r, this.timeoutMs); })]);
    clearTimeout(timer);
    await this.producer?.disconnect().catch(() => {});
  }
}

const writers = new SharedClients<KafkaConfig, ClusterWriter>((c) => new ClusterWriter(c));

export const kafkaKind: HandlerKind = {
  goType: 'kafka.HandlerConfig',
  schema: { cluster: 'string', topic: 'string', template: 'string', disablePartitionById: 'bool', partitionAlgorithm: 'string' },
  create(o, deps) {
    const id = (o['cluster'] as string | undefined) ?? '';
    const c = deps.config.kafka.find((k) => k.id === id);
    if (!c) throw new Error(`unknown cluster ${JSON.stringify(id)}`);
    if (!c.enabled) throw new Error(`kafka: cluster ${JSON.stringify(id)} is not enabled (set [[kafka]] enabled = true)`);
    const topic = (o['topic'] as string | undefined) ?? '';
    if (topic === '') throw new Error('topic must not be empty');
    const partitionBy = partitionAlgorithm((o['partitionAlgorithm'] as string | undefined) ?? '', o['disablePartitionById'] === true);
    const src = (o['template'] as string | undefined) ?? '';
    let tpl: AlertTemplate | undefined;
    if (src !== '') {
      try {
        tpl = AlertTemplate.compile('kafka alert template', src, ALERT_DATA_FIELDS, false);
      } catch (e) {
        throw new Error(`failed to parse template: ${(e as Error).message}`);
      }
    }
    const { client, release } = writers.acquire(c);
    let stats: DeliveryStats | undefined;
    let log: Logger | undefined;
    return {
      deliver: async (ev) => {
        let value: string;
        if (tpl) {
          const s = ev.state;
          value = tpl.render(new GoStruct({
            ID: s.id, Message: s.message, Details: s.details, Time: new GoTime(s.time), Duration: new GoDuration(s.duration),
            Level: LEVEL_NAMES[s.level], PreviousLevel: LEVEL_NAMES[ev.previousLevel], Recoverable: ev.data.recoverable,
          }));
        } else value = ev.alertDataJson();
        client.write({
          topic, partitionBy, key: Buffer.from(ev.state.id, 'utf8'), value: Buffer.from(value, 'utf8'),
          failed: (err) => {
            if (stats) { stats.errors++; stats.failed++; }
            log?.error({ err, handler: 'kafka', cluster: id, topic, event: ev.state.id }, 'failed to write message to kafka');
          },
        });
      },
      close: release,
      attach: (s, l) => { stats = s; log = l; },
    };
  },
};
