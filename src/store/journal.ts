// The durable event journal (§10): an append-only SQLite table in WAL mode. An event counts
// as received only once the transaction that wrote it has committed; the pipeline acknowledges
// after that. Idempotency keys (a trade's id, any other event's optional id: §15) live in their
// own table so retention can drop old raw events without ever letting a re-sent event count twice.
// Sequence numbers are never reused: snapshots point at them, so a number handed out again after a
// prune emptied the table would hide every later event from the next restart.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { TradingEvent } from "../domain/events.js";
import { BUSY_TIMEOUT_MS, closeForReadOnlyStart, connect, useWal, type Db } from "./connection.js";

export type { Db } from "./connection.js";

export interface StoredEvent {
  seq: number;
  event: TradingEvent;
}

/** A stored snapshot without its state, which `snapshotData` reads (megabytes at 100 bots). */
export interface EngineSnapshotRow {
  id: number;
  seq: number;
  fingerprint: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  bot TEXT NOT NULL,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_bot_ts ON events (bot, ts);
CREATE INDEX IF NOT EXISTS events_type_bot_seq ON events (type, bot, seq);
CREATE TABLE IF NOT EXISTS event_ids (
  bot TEXT NOT NULL,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (bot, type, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS engine_snapshots (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  taken_at INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pruned_equity (
  bot TEXT PRIMARY KEY,
  equity REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Databases written before every event type had idempotency keys kept trade ids apart. */
function migrateTradeIds(db: Db): void {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'trade_ids'").get();
  if (old === undefined) return;
  db.transaction(() => {
    db.exec("INSERT OR IGNORE INTO event_ids (bot, type, id) SELECT bot, 'trade', trade_id FROM trade_ids; DROP TABLE trade_ids;");
  }).immediate();
}

/**
 * Snapshots were keyed by sequence number, so two could not cover the same one; retention keeps two
 * copies of the state at the point it prunes to, so they get an id of their own.
 */
function migrateSnapshotKeys(db: Db): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('engine_snapshots')").all() as { name: string }[];
  if (columns.some((c) => c.name === "id")) return;
  db.transaction(() => {
    db.exec(`ALTER TABLE engine_snapshots RENAME TO engine_snapshots_by_seq;
      CREATE TABLE engine_snapshots (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, fingerprint TEXT NOT NULL, taken_at INTEGER NOT NULL, data TEXT NOT NULL);
      INSERT INTO engine_snapshots (seq, fingerprint, taken_at, data) SELECT seq, fingerprint, taken_at, data FROM engine_snapshots_by_seq ORDER BY seq;
      DROP TABLE engine_snapshots_by_seq;`);
  }).immediate();
}

const HIGH_WATER = "seq_high_water";
/** Snapshots kept: the newest, and the one before in case the newest is unusable. */
const SNAPSHOTS_KEPT = 2;
/** journal_meta row the store's write probe rewrites (§15): its value is when the probe last wrote. */
const WRITE_PROBE = "write_probe";

function statements(db: Db) {
  return {
    insertEvent: db.prepare(
      "INSERT INTO events (seq, bot, type, ts, received_at, body) VALUES (@seq, @bot, @type, @ts, @received_at, @body)",
    ),
    insertEventId: db.prepare("INSERT OR IGNORE INTO event_ids (bot, type, id) VALUES (?, ?, ?)"),
    selectAfter: db.prepare("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq"),
    getState: db.prepare("SELECT value FROM source_state WHERE key = ?"),
    putState: db.prepare("INSERT INTO source_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
    putMeta: db.prepare("INSERT INTO journal_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
  };
}

export class Journal {
  private handle: Db;
  private stmt: ReturnType<typeof statements>;
  private readonly reopenListeners: Array<(db: Db) => void> = [];
  /** The last sequence number handed out (committed or inside the open transaction). */
  private seq: number;

  private constructor(
    db: Db,
    /** The database file. */
    readonly file: string,
  ) {
    db.exec(SCHEMA);
    migrateTradeIds(db);
    migrateSnapshotKeys(db);
    this.handle = db;
    this.stmt = statements(db);
    this.seq = this.committedLastSeq();
  }

  /** Opens (or creates) `<dataDir>/trading-exporter.db`; on a read-only or full file system it opens for reading (§15). */
  static open(dataDir: string): Journal {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, "trading-exporter.db");
    return new Journal(connect(file), file);
  }

  /** The connection; a new one after `reopen()`. */
  get db(): Db {
    return this.handle;
  }

  /** Told the new connection after `reopen()` (stores that prepared statements on the old one). */
  onReopen(listener: (db: Db) => void): void {
    this.reopenListeners.push(listener);
  }

  /**
   * Opens the same file again. A connection SQLite opened read-only (the file system was read-only
   * at start) stays read-only after the file system is writable again; a new one is not. The old one
   * is closed first: a second connection in this process would share its read-only -shm mapping.
   * Throws while a streaming export still reads through the old one; the caller tries again later.
   */
  reopen(): void {
    this.handle.close();
    this.handle = connect(this.file, { fileMustExist: true });
    this.stmt = statements(this.handle);
    for (const listener of this.reopenListeners) listener(this.handle);
  }

  /**
   * One small committed write, for the store's recovery check (§15): throws what a real write would.
   * It does not wait for another process's lock (that would hold the event loop for busy_timeout).
   */
  probeWrite(at: number): void {
    const db = this.handle;
    db.pragma("busy_timeout = 0");
    try {
      useWal(db);
      this.transaction(() => this.stmt.putMeta.run(WRITE_PROBE, at));
    } finally {
      if (db.open) db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT); rolls back if it throws. */
  transaction<T>(fn: () => T): T {
    try {
      return this.handle.transaction(fn).immediate();
    } catch (err) {
      // Rolled back: the numbers handed out inside were never stored.
      if (this.handle.open && !this.handle.inTransaction) this.seq = this.committedLastSeq();
      throw err;
    }
  }

  /**
   * Appends one event inside the caller's transaction. Returns its sequence number, or null when its
   * idempotency key (bot, type, id) was stored before: a duplicate, not stored again.
   */
  append(event: TradingEvent, receivedAt: number): number | null {
    if (event.id !== undefined && this.stmt.insertEventId.run(event.bot, event.type, event.id).changes === 0) return null;
    const seq = this.seq + 1;
    this.stmt.insertEvent.run({
      seq,
      bot: event.bot,
      type: event.type,
      ts: event.ts,
      received_at: receivedAt,
      body: JSON.stringify(event),
    });
    this.seq = seq;
    return seq;
  }

  /** Stored events after `seq`, in order, read lazily (replay must not load millions of rows at once). */
  *eventsAfter(seq: number): Generator<StoredEvent> {
    for (const row of this.stmt.selectAfter.iterate(seq) as Iterable<{ seq: number; body: string }>) {
      yield { seq: row.seq, event: JSON.parse(row.body) as TradingEvent };
    }
  }

  /** The highest sequence number ever handed out, whether or not retention removed its event since. */
  lastSeq(): number {
    return this.seq;
  }

  private committedLastSeq(): number {
    const row = this.db.prepare("SELECT MAX(seq) AS seq FROM events").get() as { seq: number | null };
    const mark = this.db.prepare("SELECT value FROM journal_meta WHERE key = ?").get(HIGH_WATER) as { value: number } | undefined;
    return Math.max(row.seq ?? 0, mark?.value ?? 0);
  }

  saveSnapshot(seq: number, fingerprint: string, data: string, takenAt: number): void {
    this.transaction(() => {
      this.db
        .prepare("INSERT INTO engine_snapshots (seq, fingerprint, taken_at, data) VALUES (?, ?, ?, ?)")
        .run(seq, fingerprint, takenAt, data);
      this.db
        .prepare("DELETE FROM engine_snapshots WHERE id NOT IN (SELECT id FROM engine_snapshots ORDER BY id DESC LIMIT ?)")
        .run(SNAPSHOTS_KEPT);
    });
  }

  /** The stored snapshots, newest (last written) first. */
  snapshots(): EngineSnapshotRow[] {
    return this.db.prepare("SELECT id, seq, fingerprint FROM engine_snapshots ORDER BY id DESC").all() as EngineSnapshotRow[];
  }

  /** The state a snapshot holds (JSON text), or undefined when it is gone. */
  snapshotData(id: number): string | undefined {
    const row = this.db.prepare("SELECT data FROM engine_snapshots WHERE id = ?").get(id) as { data: string } | undefined;
    return row?.data;
  }

  /**
   * Retention removes a prefix of the journal: every event up to the returned sequence number is
   * gone (0: none). A state that restarts from before it cannot be rebuilt.
   */
  prunedThrough(): number {
    const row = this.db.prepare("SELECT MIN(seq) AS seq FROM events").get() as { seq: number | null };
    return row.seq === null ? this.seq : row.seq - 1;
  }

  /**
   * Inside the caller's transaction: removes every event up to `seq` (retention; the caller made
   * sure snapshots cover it). Idempotency keys stay, so duplicates stay duplicates.
   */
  deleteThrough(seq: number): number {
    // Deleting the newest rows would lower MAX(seq): remember how far numbering went first.
    this.db
      .prepare("INSERT INTO journal_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)")
      .run(HIGH_WATER, this.seq);
    return this.db.prepare("DELETE FROM events WHERE seq <= ?").run(seq).changes;
  }

  stateGet(key: string): string | undefined {
    return (this.stmt.getState.get(key) as { value: string } | undefined)?.value;
  }

  stateSet(key: string, value: string): void {
    this.stmt.putState.run(key, value);
  }

  close(): void {
    closeForReadOnlyStart(this.handle);
  }
}
