/**
 * Local users: bcrypt-hashed passwords in the SQLite store, a cache of looked-up users (`[auth]
 * cache-expiration`), and Kapacitor's authentication cache — after one successful bcrypt check, a salted SHA-256
 * of the password is kept for an hour so that clients sending basic auth on every request (Telegraf, our CLI)
 * do not pay a bcrypt per request. Every comparison is constant-time; an unknown user still costs one bcrypt
 * comparison, so response time does not tell which names exist.
 */
import bcrypt from 'bcryptjs';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { User, permissionsToPrivileges, type Permission, type PrivilegeMap } from './privileges.ts';
import type { UserRecord, UserStore } from './user-store.ts';

/** Kapacitor's authCacheExpiration. */
const AUTH_CACHE_MS = 60 * 60 * 1000;
const SALT_BYTES = 32;

interface CachedCred { salt: Buffer; hash: Buffer; expires: number }
interface CachedUser { user: User; expires: number }

export interface AuthServiceOptions {
  users: UserStore;
  bcryptCost: number;
  /** user cache lifetime in ms; 0 = no caching */
  cacheExpirationMs: number;
  /** wall clock in ms (tests move it) */
  now?: () => number;
}

export class UserExistsError extends Error {
  override name = 'UserExistsError';
}
export class NoUserError extends Error {
  override name = 'NoUserError';
  constructor() {
    super('no user exists');
  }
}

export interface UserUpdate {
  password?: string;
  /** undefined = keep */
  admin?: boolean;
  /** undefined = keep */
  permissions?: readonly Permission[];
}

function saltedHash(salt: Buffer, password: string): Buffer {
  return createHash('sha256').update(salt).update(password, 'utf8').digest();
}

export class AuthService {
  private readonly users: UserStore;
  private readonly cost: number;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private readonly userCache = new Map<string, CachedUser>();
  private readonly credCache = new Map<string, CachedCred>();
  private dummyHash: Promise<string> | undefined;

  constructor(opts: AuthServiceOptions) {
    this.users = opts.users;
    this.cost = opts.bcryptCost;
    this.cacheMs = opts.cacheExpirationMs;
    this.now = opts.now ?? Date.now;
  }

  /** The user if `password` is theirs, else undefined. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const record = this.users.get(username);
    if (!record) {
      // same work as a wrong password, so timing does not reveal whether the name exists
      this.dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), this.cost);
      await bcrypt.compare(password, await this.dummyHash);
      return undefined;
    }
    const user = this.user(username)!;
    const cred = this.credCache.get(username);
    if (cred && cred.expires > this.now() && timingSafeEqual(saltedHash(cred.salt, password), cred.hash)) return user;
    if (!(await bcrypt.compare(password, record.hash))) {
      this.userCache.delete(username);
      return undefined;
    }
    const salt = randomBytes(SALT_BYTES);
    this.credCache.set(username, { salt, hash: saltedHash(salt, password), expires: this.now() + AUTH_CACHE_MS });
    return user;
  }

  /** The user named `username` (for bearer tokens, whose signature already proved who they are). */
  user(username: string): User | undefined {
    const hit = this.userCache.get(username);
    if (hit && hit.expires > this.now()) return hit.user;
    const record = this.users.get(username);
    if (!record) {
      this.userCache.delete(username);
      return undefined;
    }
    return this.cache(record);
  }

  record(username: string): UserRecord | undefined {
    return this.users.get(username);
  }

  list(): UserRecord[] {
    return this.users.list();
  }

  async createUser(name: string, password: string, admin: boolean, permissions: readonly Permission[]): Promise<UserRecord> {
    if (this.users.get(name)) throw new UserExistsError('user already exists');
    const record: UserRecord = { name, hash: await bcrypt.hash(password, this.cost), admin, privileges: admin ? {} : permissionsToPrivileges(permissions) };
    // the name may have been taken while hashing: the insert decides
    if (!this.users.create(record)) throw new UserExistsError('user already exists');
    this.cache(record);
    return record;
  }

  async updateUser(name: string, change: UserUpdate): Promise<UserRecord> {
    const old = this.users.get(name);
    if (!old) throw new NoUserError();
    let hash = old.hash;
    if (change.password !== undefined && change.password !== '') hash = await bcrypt.hash(change.password, this.cost);
    let privileges: PrivilegeMap = change.permissions !== undefined ? permissionsToPrivileges(change.permissions) : old.privileges;
    const admin = change.admin ?? old.admin;
    // an admin's privileges are cleared, as Kapacitor does when a user becomes admin
    if (change.admin === true) privileges = {};
    const record: UserRecord = { name, hash, admin, privileges };
    if (!this.users.replace(record)) throw new NoUserError();
    this.forget(name); // a changed password must not keep working from the authentication cache
    this.cache(record);
    return record;
  }

  deleteUser(name: string): boolean {
    this.forget(name);
    return this.users.delete(name);
  }

  /** Creates `name` as an admin when the store has no users yet; true if it did. */
  async bootstrap(name: string, password: string): Promise<boolean> {
    if (this.users.count() > 0) return false;
    try {
      await this.createUser(name, password, true, []);
      return true;
    } catch (err) {
      if (err instanceof UserExistsError) return false;
      throw err;
    }
  }

  private forget(name: string): void {
    this.userCache.delete(name);
    this.credCache.delete(name);
  }

  private cache(record: UserRecord): User {
    const user = new User(record.name, record.admin, record.privileges);
    if (this.cacheMs > 0) this.userCache.set(record.name, { user, expires: this.now() + this.cacheMs });
    return user;
  }
}
