/**
 * Forward-only schema migrations for the task store. The schema version lives in SQLite's `user_version`
 * pragma; each migration runs in its own transaction together with the version bump, so a crash leaves the
 * database either before or after a migration, never half-way.
 *
 * Never edit a released migration: append a new one.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tasks, templates and server identity',
    up(db) {
      db.exec(`
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE templates (
          id       TEXT PRIMARY KEY,
          type     TEXT NOT NULL CHECK (type IN ('stream', 'batch')),
          script   TEXT NOT NULL,
          created  INTEGER NOT NULL,  -- ns since the Unix epoch
          modified INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE tasks (
          id           TEXT PRIMARY KEY,
          template_id  TEXT NOT NULL DEFAULT '',
          type         TEXT NOT NULL CHECK (type IN ('stream', 'batch')),
          dbrps        TEXT NOT NULL,  -- JSON [{"db","rp"}]
          script       TEXT NOT NULL,
          vars         TEXT NOT NULL,  -- JSON {name: {type, value, description}}
          status       TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
          error        TEXT NOT NULL DEFAULT '',
          created      INTEGER NOT NULL,
          modified     INTEGER NOT NULL,
          last_enabled INTEGER        -- NULL = never enabled (Go zero time in the API)
        ) WITHOUT ROWID;

        CREATE INDEX tasks_template_id ON tasks (template_id) WHERE template_id <> '';
      `);
    },
  },
  // versions 2 and 3 are reserved for work on other branches; migrate() skips versions a build does not have
  {
    version: 4,
    description: 'local users for [auth] (server/auth)',
    up(db) {
      db.exec(`
        CREATE TABLE users (
          name       TEXT PRIMARY KEY,
          hash       TEXT NOT NULL,                         -- bcrypt hash, never the password
          admin      INTEGER NOT NULL CHECK (admin IN (0, 1)),
          privileges TEXT NOT NULL                          -- JSON {resource: ["read", "write", ...]}
        ) WITHOUT ROWID;
      `);
    },
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings `db` up to SCHEMA_VERSION. Refuses a database written by a newer tickstream. */
export function migrate(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`task store ${file} has schema version ${current}, newer than this tickstream supports (${SCHEMA_VERSION}); ` +
      'upgrade tickstream or use another data_dir');
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      // pragma cannot be bound as a parameter; m.version is a number from this file
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
