/** Shared by the kube-api discovery/pods/watch/table tests: HTTP calls and a line-by-line watch reader. */
import http from 'node:http';

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export interface WatchStream {
  status: number;
  contentType: string;
  /** events received so far, parsed */
  events: any[];
  /** resolves once `n` events arrived (rejects after `ms`) */
  next(n: number, ms?: number): Promise<any[]>;
  /** resolves when the server ended the response */
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch (`url` must carry watch=true) and collects newline-separated JSON events. */
export function openWatch(url: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const events: any[] = [];
      let buf = '';
      const waiters: (() => void)[] = [];
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => { endResolve = r; });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on('end', () => { endResolve(); for (const w of waiters.splice(0)) w(); });
      res.on('error', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type']),
        events,
        ended,
        async next(n, ms = 5000) {
          const deadline = Date.now() + ms;
          while (events.length < n) {
            if (Date.now() > deadline) throw new Error(`watch: ${events.length} of ${n} events after ${ms} ms: ${JSON.stringify(events.map((e) => e.type))}`);
            await new Promise<void>((r) => {
              const t = setTimeout(r, 50);
              waiters.push(() => { clearTimeout(t); r(); });
            });
          }
          return events.slice(0, n);
        },
        close() { req.destroy(); },
      });
    });
    req.once('error', reject);
  });
}
