/**
 * Kapacitor's authorization model (auth/auth.go, services/auth/service.go), re-expressed:
 * - a user holds privileges (bitmask of none/read/write/delete/all) per resource path (`/api`, `/api/write`,
 *   `/database/<db>_clean`); an action on `/a/b/c` is allowed by the nearest listed ancestor (`/a/b/c`, `/a/b`,
 *   `/a`, `/`), and denied when that entry lacks the privilege — so `/api/write: none` carves /write out of `/api`;
 * - admins may do everything;
 * - the users API speaks in permissions (`none`, `api`, `config_api`, `write_points`, `all`) that map onto
 *   those resources.
 */
import { posix } from 'node:path';

export const NO_PRIVILEGES = 1;
export const READ = 2;
export const WRITE = 4;
export const DELETE = 8;
export const ALL_PRIVILEGES = 16;

export type PrivilegeName = 'none' | 'read' | 'write' | 'delete' | 'all';
const PRIVILEGE_BITS: Record<PrivilegeName, number> = { none: NO_PRIVILEGES, read: READ, write: WRITE, delete: DELETE, all: ALL_PRIVILEGES };
const BIT_NAMES: readonly [number, PrivilegeName][] = [[NO_PRIVILEGES, 'none'], [READ, 'read'], [WRITE, 'write'], [DELETE, 'delete'], [ALL_PRIVILEGES, 'all']];

export function privilegeName(bit: number): PrivilegeName {
  for (const [b, n] of BIT_NAMES) if (b === bit) return n;
  return 'none';
}

export function isPrivilegeName(s: string): s is PrivilegeName {
  return Object.hasOwn(PRIVILEGE_BITS, s);
}

/** Stored form: resource → privilege names (as Kapacitor's user store keeps them). */
export type PrivilegeMap = Readonly<Record<string, readonly PrivilegeName[]>>;

export const API_ROOT = '/api';
export const WRITE_RESOURCE = '/api/write';
export const PING_RESOURCE = '/api/ping';
export const CONFIG_RESOURCE = '/api/config';
const DATABASE_ROOT = '/database';

/** auth.APIResource: `/api` joined with the path after /kapacitor/v1. */
export function apiResource(p: string): string {
  return posix.join(API_ROOT, p);
}

/** auth.DatabaseResource: one path element per database, `/` → `_`, marked `_clean` or `_dirty` (one-to-one). */
export function databaseResource(db: string): string {
  if (db === '') return DATABASE_ROOT;
  const el = db.replaceAll('/', '_');
  return posix.join(DATABASE_ROOT, el === db ? `${el}_clean` : `${el}_dirty`);
}

/** An authenticated principal. Immutable. */
export class User {
  private readonly masks: ReadonlyMap<string, number>;

  constructor(readonly name: string, readonly admin: boolean, privileges: PrivilegeMap) {
    const masks = new Map<string, number>();
    for (const [resource, names] of Object.entries(privileges)) {
      let mask = 0;
      for (const n of names) mask |= PRIVILEGE_BITS[n];
      masks.set(posix.normalize(resource), mask);
    }
    this.masks = masks;
  }

  /** undefined when allowed; else the privilege that is missing (Kapacitor's authError). */
  missingPrivilege(resource: string, privilege: number): number | undefined {
    if (privilege === NO_PRIVILEGES || this.admin) return undefined;
    // clean first, so /api/write/../tasks cannot borrow the rights of another path
    let r = posix.normalize(resource);
    for (;;) {
      const mask = this.masks.get(r);
      if (mask !== undefined) return (mask & privilege) !== 0 || mask === ALL_PRIVILEGES ? undefined : privilege;
      if (r === '/') return privilege;
      r = posix.dirname(r);
    }
  }
}

/** The privilege an HTTP method needs (httpd requiredPrivilegeForHTTPMethod); undefined for unknown methods. */
export function privilegeForMethod(method: string): number | undefined {
  switch (method.toUpperCase()) {
    case 'HEAD': case 'OPTIONS': return NO_PRIVILEGES;
    case 'GET': return READ;
    case 'POST': case 'PATCH': case 'PUT': return WRITE;
    case 'DELETE': return DELETE;
    default: return undefined;
  }
}

export type Permission = 'none' | 'api' | 'config_api' | 'write_points' | 'all';
export const PERMISSIONS: readonly Permission[] = ['none', 'api', 'config_api', 'write_points', 'all'];

/**
 * Permissions → resources, as Kapacitor's convertPermissions, plus one tickstream addition: `write_points` and
 * `all` also grant write on every database (`/database`). Kapacitor's local users get no database resource at
 * all, so only admins could write points; the permission named `write_points` would be useless.
 */
export function permissionsToPrivileges(perms: readonly Permission[]): Record<string, PrivilegeName[]> {
  const out: Record<string, PrivilegeName[]> = {};
  for (const p of perms) {
    switch (p) {
      case 'none':
        break;
      case 'api':
        out[API_ROOT] = ['all'];
        // subtractive: /write and /config stay closed unless granted by another permission
        out[WRITE_RESOURCE] ??= ['none'];
        out[CONFIG_RESOURCE] ??= ['none'];
        break;
      case 'config_api':
        out[PING_RESOURCE] = ['all'];
        out[CONFIG_RESOURCE] = ['all'];
        break;
      case 'write_points':
        out[PING_RESOURCE] = ['all'];
        out[WRITE_RESOURCE] = ['all'];
        out[DATABASE_ROOT] = ['write'];
        break;
      case 'all':
        out[API_ROOT] = ['all'];
        out[CONFIG_RESOURCE] = ['all'];
        out[WRITE_RESOURCE] = ['all'];
        out[DATABASE_ROOT] = ['write'];
        break;
    }
  }
  return out;
}

/** Resources → permissions, as Kapacitor's convertPrivleges: `all` when api, config and write are all granted. */
export function privilegesToPermissions(privileges: PrivilegeMap): Permission[] {
  const hasAll = (r: string): boolean => (privileges[r] ?? []).includes('all');
  const api = hasAll(API_ROOT);
  const config = hasAll(CONFIG_RESOURCE);
  const write = hasAll(WRITE_RESOURCE);
  if (api && write && config) return ['all'];
  const out: Permission[] = [];
  if (api) out.push('api');
  if (config) out.push('config_api');
  if (write) out.push('write_points');
  return out;
}
