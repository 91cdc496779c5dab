/**
 * Sideload http(s) sources (Kapacitor services/sideload httpSource): `GET <url>` answers one JSON object of order
 * path → map of key → value (`{"hosts/a.yml": {"threshold": 90}}`), which becomes the cache; looked up like a
 * file source. The request goes through the outbound guard (`-blacklist-cidrs`, redirects checked hop by hop),
 * with a 10 s timeout and the `[[httppost]]` endpoint's basic auth when the source names an endpoint, as in
 * Kapacitor. It is fetched once when the first node using it starts and again on `POST /sideload/reload`.
 *
 * Differences (docs/nodes.md): the first fetch cannot make the task start fail as in Kapacitor (task start is
 * synchronous here): nodes hold their points until it finishes, then a failure is a counted, logged node error and
 * the source stays empty (defaults) until a reload succeeds. A non-2xx answer is an error naming the status
 * (Kapacitor only tries to decode the body).
 */
import { outboundRequest } from '../outbound/http-client.ts';
import type { OutboundGuard } from '../outbound/guard.ts';
import { lookupIn, toValues, type SideloadCache, type SideloadSource, type SideloadValue } from './sideload-source.ts';

export const FETCH_TIMEOUT_MS = 10_000;

export class HttpSource implements SideloadSource {
  private cache: SideloadCache = new Map();
  refs = 0;
  loading: Promise<void> | undefined;
  loadError: Error | undefined;

  constructor(readonly dir: string, private readonly authorization: string | undefined, private readonly guard: OutboundGuard) {
    this.loading = this.fetch().then(
      (c) => { this.cache = c; },
      (err: Error) => { this.loadError = new Error(`Error fetching sideload data from ${dir} :: ${err.message}`); },
    ).finally(() => { this.loading = undefined; });
  }

  lookup(order: readonly string[], key: string): SideloadValue | undefined {
    return lookupIn(this.cache, order, key);
  }

  async reload(): Promise<void> {
    this.cache = await this.fetch();
    this.loadError = undefined;
  }

  private async fetch(): Promise<SideloadCache> {
    const res = await outboundRequest({
      url: this.dir, method: 'GET', headers: this.authorization ? { authorization: this.authorization } : {},
      guard: this.guard, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    const where = `update sideload cache for source ${JSON.stringify(this.dir)}`;
    if (res.status < 200 || res.status > 299) throw new Error(`failed to ${where}: GET answered status ${res.status}`);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch (err) {
      throw new Error(`failed to load body to ${where}: failed to unmarshal json values in response body: ${(err as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new Error(`failed to load body to ${where}: failed to unmarshal json values in response body: expected an object of path → values`);
    }
    const cache: SideloadCache = new Map();
    for (const [path, values] of Object.entries(body)) {
      if (values === null) continue; // Go decodes null into a nil map: the path has no values
      if (typeof values !== 'object' || Array.isArray(values)) {
        throw new Error(`failed to load body to ${where}: failed to unmarshal json values in response body: ${JSON.stringify(path)} is not an object of key → value`);
      }
      cache.set(path, toValues(values) as Record<string, SideloadValue>);
    }
    return cache;
  }
}
