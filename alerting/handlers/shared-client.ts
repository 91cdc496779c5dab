/**
 * One connection per configured service, shared by every handler that uses it (Kapacitor keeps one MQTT client per
 * broker, one mailer, one Kafka producer per cluster): two MQTT clients with the same client id would keep
 * disconnecting each other. Reference-counted: the connection is created by the first handler that needs it and
 * closed when the last one closes. Keyed by the config section object, so a reloaded config gets new connections.
 */
export interface Closable { close(): void | Promise<void> }

export class SharedClients<K extends object, C extends Closable> {
  private readonly live = new Map<K, { client: C; refs: number }>();
  constructor(private readonly create: (key: K) => C) {}

  acquire(key: K): { client: C; release: () => void } {
    let e = this.live.get(key);
    if (!e) {
      e = { client: this.create(key), refs: 0 };
      this.live.set(key, e);
    }
    e.refs++;
    const entry = e;
    let released = false;
    return {
      client: entry.client,
      release: () => {
        if (released) return;
        released = true;
        if (--entry.refs === 0 && this.live.get(key) === entry) {
          this.live.delete(key);
          void Promise.resolve(entry.client.close()).catch(() => {});
        }
      },
    };
  }
}
