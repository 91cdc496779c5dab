/**
 * The users API, `/kapacitor/v1/users` (Kapacitor's services/auth/service.go; client/v1 User, CreateUserOptions,
 * UpdateUserOptions): list (`pattern`, `fields`, `offset`, `limit`), get, create, update (PATCH), delete.
 * A user is `{link, name, type: "normal"|"admin", permissions: [...]}`; passwords and hashes never leave the
 * server. Registered when `[auth] enabled`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { compileGlob, BadPatternError } from '../../gocompat/glob.ts';
import { ApiError, checkFields, optString, parseJsonObject, sendJson } from '../api/http.ts';
import { parseIntParam, queryList, queryOne, useRawBodies } from '../api/body.ts';
import { PERMISSIONS, privilegesToPermissions, type Permission } from './privileges.ts';
import { NoUserError, UserExistsError, type AuthService } from './service.ts';
import type { UserRecord } from './user-store.ts';
import { usernameError } from '../../config/username.ts';

export interface UsersRoutesOptions {
  service: AuthService;
  base: string;
}

const ALL_FIELDS = ['link', 'name', 'type', 'permissions'] as const;

function link(name: string): { rel: string; href: string } {
  return { rel: 'self', href: `/kapacitor/v1/users/${name}` };
}

function view(u: UserRecord): Record<string, unknown> {
  return { link: link(u.name), name: u.name, type: u.admin ? 'admin' : 'normal', permissions: privilegesToPermissions(u.privileges) };
}

/** `type`: "" or absent → unset; "normal" / "admin"; anything else is invalid JSON, as Go's UnmarshalText makes it. */
function userType(body: Record<string, unknown>): 'normal' | 'admin' | undefined {
  const t = optString(body, 'type');
  if (t === undefined || t === '') return undefined;
  if (t !== 'normal' && t !== 'admin') throw new ApiError(400, `invalid JSON: unknown UserType ${t}`);
  return t;
}

/** `permissions`: absent or null → unset (update keeps them); else a list of Kapacitor permission names. */
function permissions(body: Record<string, unknown>): Permission[] | undefined {
  const v = body['permissions'];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ApiError(400, 'invalid JSON: field "permissions" must be a list');
  return v.map((p) => {
    if (typeof p !== 'string' || !(PERMISSIONS as readonly string[]).includes(p)) {
      throw new ApiError(400, `invalid JSON: unknown Permission ${JSON.stringify(p)} (use ${PERMISSIONS.join(', ')})`);
    }
    return p as Permission;
  });
}

export async function usersRoutes(app: FastifyInstance, opts: UsersRoutesOptions): Promise<void> {
  const { service, base } = opts;
  useRawBodies(app);
  const nameOf = (req: FastifyRequest): string => {
    const name = (req.params as { name?: string }).name ?? '';
    if (name === '') throw new ApiError(400, 'must specify username on path');
    return name;
  };

  app.get(`${base}/users`, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const pattern = queryOne(q['pattern']) ?? '';
    const fields = queryList(q['fields']);
    const wanted = fields.length === 0 ? [...ALL_FIELDS] : [...fields, 'name', 'link'];
    for (const f of wanted) if (!(ALL_FIELDS as readonly string[]).includes(f)) throw new ApiError(400, `unsupported field ${JSON.stringify(f)}`);
    const offset = parseIntParam('offset', queryOne(q['offset']), 0);
    const limit = parseIntParam('limit', queryOne(q['limit']), 100);
    let match: RegExp | undefined;
    try {
      match = pattern === '' ? undefined : compileGlob(pattern);
    } catch (e) {
      if (e instanceof BadPatternError) throw new ApiError(400, `invalid pattern ${JSON.stringify(pattern)}: ${e.message}`);
      throw e;
    }
    const users = service.list().filter((u) => !match || match.test(u.name)).slice(offset, offset + limit).map((u) => {
      const full = view(u);
      const out: Record<string, unknown> = {};
      for (const f of ALL_FIELDS) if (wanted.includes(f)) out[f] = full[f];
      return out;
    });
    return sendJson(reply, 200, { users });
  });

  app.get(`${base}/users/:name`, async (req, reply) => {
    const u = service.record(nameOf(req));
    if (!u) throw new ApiError(404, 'no user exists');
    return sendJson(reply, 200, view(u));
  });

  app.post(`${base}/users`, async (req, reply) => {
    const body = parseJsonObject(req.body);
    checkFields(body, ['name', 'password', 'type', 'permissions'], 'a user');
    const name = optString(body, 'name') ?? '';
    const type = userType(body);
    const perms = permissions(body) ?? [];
    const bad = usernameError(name);
    if (bad) throw new ApiError(400, bad);
    const password = optString(body, 'password') ?? '';
    if (password === '') throw new ApiError(400, 'password is required');
    try {
      const u = await service.createUser(name, password, type === 'admin', perms);
      req.log.info({ user: name, type: type ?? 'normal' }, 'user created');
      return sendJson(reply, 200, view(u));
    } catch (e) {
      if (e instanceof UserExistsError) throw new ApiError(409, `failed to create user: ${e.message}`);
      throw e;
    }
  });

  app.patch(`${base}/users/:name`, async (req, reply) => {
    const name = nameOf(req);
    const body = parseJsonObject(req.body);
    checkFields(body, ['password', 'type', 'permissions'], 'a user update');
    const type = userType(body);
    const perms = permissions(body);
    const password = optString(body, 'password');
    try {
      const u = await service.updateUser(name, {
        password, admin: type === undefined ? undefined : type === 'admin', permissions: perms,
      });
      req.log.info({ user: name }, 'user updated');
      return sendJson(reply, 200, view(u));
    } catch (e) {
      if (e instanceof NoUserError) throw new ApiError(404, `failed to update user: ${e.message}`);
      throw e;
    }
  });

  app.delete(`${base}/users/:name`, async (req, reply: FastifyReply) => {
    const name = nameOf(req);
    if (!service.deleteUser(name)) throw new ApiError(404, `failed to delete user: no user exists`);
    req.log.info({ user: name }, 'user deleted');
    return reply.code(204).send();
  });
}
