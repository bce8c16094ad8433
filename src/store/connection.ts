// Opening the SQLite file (§10) so that a store that cannot take writes still serves reads (§15):
// on a read-only file system SQLite falls back to a read-only connection by itself, and on a full
// one the switch to WAL may fail; neither is a reason not to start. What the state cannot be read
// without (the file missing on a read-only file system, a corrupt file) still fails the start.
import Database from "better-sqlite3";

export type Db = Database.Database;

/** The SQLite result code of a failed store operation ("SQLITE_FULL", "SQLITE_READONLY", …), or null for other errors. */
export function sqliteCode(err: unknown): string | null {
  return err instanceof Database.SqliteError ? err.code : null;
}

/** What busy_timeout is normally (a write waits this long for another process's lock). */
export const BUSY_TIMEOUT_MS = 5000;

export function connect(file: string, opts: { fileMustExist?: boolean } = {}): Db {
  const db = new Database(file, { fileMustExist: opts.fileMustExist ?? false });
  try {
    useWal(db);
  } catch (err) {
    const code = sqliteCode(err);
    // Read-only or full: the connection reads; the store's write probe switches to WAL once it can.
    if (code === null || !(code.startsWith("SQLITE_READONLY") || code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR"))) {
      db.close();
      throw err;
    }
  }
  // FULL: a commit is on disk before we acknowledge it, so even a power cut loses nothing
  // acknowledged. Group commit (one transaction for concurrent requests) pays for the fsync.
  db.pragma("synchronous = FULL");
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/** Puts the database in WAL mode (a write when it is not yet). */
export function useWal(db: Db): void {
  if (db.pragma("journal_mode", { simple: true }) !== "wal") db.pragma("journal_mode = WAL");
}

/**
 * Closes the connection, leaving the file in rollback-journal mode with no -wal or -shm beside it:
 * SQLite cannot open a WAL database on a read-only file system unless those exist, and a clean stop
 * removes them, so without this a start on a read-only data directory could not even read.
 */
export function closeForReadOnlyStart(db: Db): void {
  if (!db.open) return;
  try {
    db.pragma("busy_timeout = 0"); // another connection reading: leave it in WAL rather than wait
    db.pragma("journal_mode = DELETE");
  } catch {
    // Read-only, full, or still in use elsewhere: it stays in WAL mode, which is as safe.
  }
  db.close();
}
