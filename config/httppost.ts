/**
 * [[httppost]] sections (Kapacitor's services/httppost/config.go): validation at startup, and the endpoint map the
 * runtime hands to `httpPost().endpoint(name)` and alert `.post().endpoint(name)` (SPEC 3.13, runtime/services.ts).
 *
 * `basic-auth` becomes an `Authorization: Basic …` header, as Go's Request.SetBasicAuth does in Kapacitor.
 * Body templates (`alert-template*`, `row-template*`) are rejected at startup: the runtime posts Kapacitor's
 * default JSON body only, and a receiver configured for a templated body would otherwise get a different format.
 */
import type { HttpPostSectionConfig } from './schema.ts';
import { keyError, type KeyOrigin } from './errors.ts';

/** A configured `[[httppost]]` endpoint. */
export interface HttpPostEndpoint {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const TEMPLATE_KEYS = [
  ['alertTemplate', 'alert-template'], ['alertTemplateFile', 'alert-template-file'],
  ['rowTemplate', 'row-template'], ['rowTemplateFile', 'row-template-file'],
] as const;

export function validateHttpPost(sections: readonly HttpPostSectionConfig[], origin: KeyOrigin = () => undefined): void {
  const seen = new Map<string, number>();
  sections.forEach((s, i) => {
    // the error names the variable too when the value came from KAPACITOR_HTTPPOST_<i>_<KEY>
    const fail = (prop: string, key: string, message: string): never => { throw keyError(origin, `httppost.${i}.${prop}`, `httppost[${i}].${key}`, message); };
    if (s.endpoint === '') fail('endpoint', 'endpoint', 'must specify endpoint name');
    const first = seen.get(s.endpoint);
    if (first !== undefined) {
      fail('endpoint', 'endpoint', `endpoint ${JSON.stringify(s.endpoint)} is already defined by httppost[${first}]`);
    }
    seen.set(s.endpoint, i);
    if (s.url === '') fail('url', 'url', 'must specify url');
    let u: URL;
    try { u = new URL(s.url); } catch { return fail('url', 'url', `invalid URL ${JSON.stringify(s.url)}`); }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      fail('url', 'url', `invalid URL ${JSON.stringify(s.url)}: scheme must be http or https`);
    }
    for (const name of Object.keys(s.headers)) {
      // Kapacitor's httpPost node forbids overriding authentication this way too (SPEC 3.13)
      if (name.toLowerCase() === 'authenticate') fail('headers', 'headers', "cannot set 'authenticate' header");
    }
    for (const [prop, toml] of TEMPLATE_KEYS) {
      if (s[prop] !== '') {
        fail(prop, toml, "body templates are not supported by tickstream (it posts Kapacitor's default JSON body); remove the key");
      }
    }
  });
}

/** endpoint name → URL and headers (basic-auth folded in as an Authorization header). */
export function httpPostEndpoints(sections: readonly HttpPostSectionConfig[]): Map<string, HttpPostEndpoint> {
  const out = new Map<string, HttpPostEndpoint>();
  for (const s of sections) {
    const headers: Record<string, string> = { ...s.headers };
    if (s.basicAuth.username !== '' || s.basicAuth.password !== '') {
      headers.Authorization = 'Basic ' + Buffer.from(`${s.basicAuth.username}:${s.basicAuth.password}`, 'utf8').toString('base64');
    }
    out.set(s.endpoint, { url: s.url, headers });
  }
  return out;
}
