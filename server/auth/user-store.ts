/** Local users in the task store's SQLite file (table `users`, migration 4). Each method is one statement. */
import type Database from 'better-sqlite3';
import { insertNew } from '../store/insert-new.ts';
import { isPrivilegeName, type PrivilegeMap, type PrivilegeName } from './privileges.ts';

export interface UserRecord {
  readonly name: string;
  /** bcrypt hash */
  readonly hash: string;
  readonly admin: boolean;
  readonly privileges: PrivilegeMap;
}

interface UserRow { name: string; hash: string; admin: number | bigint; privileges: string }

function parsePrivileges(text: string, user: string): PrivilegeMap {
  const v = JSON.parse(text) as unknown;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`user ${user}: stored privileges are not an object`);
  const out: Record<string, PrivilegeName[]> = {};
  for (const [resource, names] of Object.entries(v as Record<string, unknown>)) {
    if (!Array.isArray(names) || !names.every((n): n is PrivilegeName => typeof n === 'string' && isPrivilegeName(n))) {
      throw new Error(`user ${user}: stored privileges for ${resource} are not privilege names`);
    }
    out[resource] = names;
  }
  return out;
}

function fromRow(r: UserRow): UserRecord {
  return { name: r.name, hash: r.hash, admin: Number(r.admin) === 1, privileges: parsePrivileges(r.privileges, r.name) };
}

export class UserStore {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      get: db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?'),
      list: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY name'),
      count: db.prepare<[], { n: number | bigint }>('SELECT count(*) AS n FROM users'),
      insert: db.prepare('INSERT INTO users (name, hash, admin, privileges) VALUES (@name, @hash, @admin, @privileges)'),
      update: db.prepare('UPDATE users SET hash = @hash, admin = @admin, privileges = @privileges WHERE name = @name'),
      delete: db.prepare('DELETE FROM users WHERE name = ?'),
    };
  }

  get(name: string): UserRecord | undefined {
    const r = this.stmts.get.get(name);
    return r ? fromRow(r) : undefined;
  }

  /** All users sorted by name. */
  list(): UserRecord[] {
    return this.stmts.list.all().map(fromRow);
  }

  count(): number {
    return Number(this.stmts.count.get()!.n);
  }

  /** false when a user of that name exists (nothing changed). */
  create(u: UserRecord): boolean {
    return insertNew(this.stmts.insert, params(u));
  }

  /** false when no such user. */
  replace(u: UserRecord): boolean {
    return this.stmts.update.run(params(u)).changes === 1;
  }

  delete(name: string): boolean {
    return this.stmts.delete.run(name).changes === 1;
  }
}

function params(u: UserRecord): Record<string, unknown> {
  return { name: u.name, hash: u.hash, admin: u.admin ? 1 : 0, privileges: JSON.stringify(u.privileges) };
}
