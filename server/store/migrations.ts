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
  {
    version: 2,
    description: 'autoscale: decided state per resource and decision records (server/store/autoscale-store.ts)',
    up(db) {
      db.exec(`
        CREATE TABLE autoscale_resources (
          task          TEXT NOT NULL,
          node          TEXT NOT NULL,   -- k8s_autoscale6
          namespace     TEXT NOT NULL,
          kind          TEXT NOT NULL,
          name          TEXT NOT NULL,
          current       INTEGER NOT NULL, -- decided replicas
          last_increase INTEGER,          -- data time ns; NULL = never
          last_decrease INTEGER,
          desired       INTEGER NOT NULL, -- what the actuator is asked to reach
          applied       INTEGER,          -- what the cluster was last known to hold; NULL = never confirmed
          PRIMARY KEY (task, node, namespace, kind, name)
        ) WITHOUT ROWID;

        CREATE TABLE autoscale_decisions (
          task     TEXT NOT NULL,
          node     TEXT NOT NULL,
          seq      INTEGER NOT NULL,
          time     INTEGER NOT NULL,  -- data time ns
          resource TEXT NOT NULL,
          record   TEXT NOT NULL,     -- JSON (counts as numbers, recommended as a decimal string)
          PRIMARY KEY (task, node, seq)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 3,
    description: 'alert topic event states and topic handler specs',
    up(db) {
      db.exec(`
        -- the latest non-OK state of each event of each topic (an OK event deletes its row, as in Kapacitor)
        CREATE TABLE alert_events (
          topic    TEXT NOT NULL,
          event_id TEXT NOT NULL,
          level    INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
          message  TEXT NOT NULL,
          details  TEXT NOT NULL,
          time     INTEGER NOT NULL,  -- ns since the Unix epoch
          duration INTEGER NOT NULL,  -- ns
          PRIMARY KEY (topic, event_id)
        ) WITHOUT ROWID;

        CREATE TABLE alert_handlers (
          topic   TEXT NOT NULL,
          id      TEXT NOT NULL,
          kind    TEXT NOT NULL,
          options TEXT NOT NULL,  -- JSON object
          match   TEXT NOT NULL,
          PRIMARY KEY (topic, id)
        ) WITHOUT ROWID;
      `);
    },
  },
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
  {
    version: 5,
    description: 'recordings and replays index (server/store/recordings-store.ts; files under [replay] dir)',
    up(db) {
      db.exec(`
        CREATE TABLE recordings (
          id       TEXT PRIMARY KEY,
          type     TEXT NOT NULL CHECK (type IN ('stream', 'batch')),
          file     TEXT NOT NULL,     -- path of the recording file (recordings/format.ts)
          size     INTEGER NOT NULL,  -- bytes on disk
          date     INTEGER NOT NULL,  -- ns since the Unix epoch: creation, then completion
          error    TEXT NOT NULL DEFAULT '',
          status   TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
          progress REAL NOT NULL,
          points   INTEGER NOT NULL DEFAULT 0,
          dbrps    TEXT NOT NULL DEFAULT '[]'  -- JSON [{"db","rp"}] seen in the data
        ) WITHOUT ROWID;

        CREATE TABLE replays (
          id             TEXT PRIMARY KEY,
          recording      TEXT NOT NULL,
          task           TEXT NOT NULL,
          recording_time INTEGER NOT NULL,  -- 0/1
          clock          TEXT NOT NULL CHECK (clock IN ('fast', 'real')),
          date           INTEGER NOT NULL,
          error          TEXT NOT NULL DEFAULT '',
          status         TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
          progress       REAL NOT NULL,
          stats          TEXT NOT NULL DEFAULT '{}'  -- JSON execution stats of a finished replay
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 6,
    description: 'alert deliveries waiting for retry, per topic handler (alerting/delivery.ts durable queue)',
    up(db) {
      db.exec(`
        CREATE TABLE alert_deliveries (
          seq     INTEGER PRIMARY KEY AUTOINCREMENT,  -- delivery order across restarts
          topic   TEXT NOT NULL,
          handler TEXT NOT NULL,
          event   TEXT NOT NULL                       -- JSON (alerting/event-codec.ts)
        );
        CREATE INDEX alert_deliveries_handler ON alert_deliveries (topic, handler, seq);
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
