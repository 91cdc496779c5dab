/**
 * INSERT of a row whose primary key must be new: SQLite reports a taken key as SQLITE_CONSTRAINT_PRIMARYKEY, which
 * the stores turn into their own "already exists" answer (each words it as Kapacitor does for that kind of row).
 */

/** Runs the INSERT; false, with nothing written, when a row with that primary key exists; any other failure throws. */
export function insertNew(insert: { run(params: object): unknown }, params: object): boolean {
  try {
    insert.run(params);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
    throw err;
  }
}
