/**
 * The [kubernetes] value checks that need no cluster: config/validate.ts runs them at startup and kube/config.ts
 * when it resolves a section's connection. They live here, below kube/, so config/ does not import kube/.
 */
const RESOURCES = ['', 'node', 'pod', 'service', 'endpoint'];

/** Why `resource` is not one Kapacitor accepts (SPEC 4.5), or undefined. */
export function resourceError(resource: string): string | undefined {
  return RESOURCES.includes(resource) ? undefined : `invalid resource ${JSON.stringify(resource)}, must be one of node, pod, service or endpoint`;
}

/** Why api-servers[i] cannot be used as an API server URL, or undefined. */
export function apiServerError(server: string, i: number): string | undefined {
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    return `api-servers[${i}] ${JSON.stringify(server)} is not a URL (want e.g. "http://localhost:8001")`;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : `api-servers[${i}] ${JSON.stringify(server)} must be an http:// or https:// URL`;
}
