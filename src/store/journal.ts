// The durable event journal (§10): an append-only SQLite table in WAL mode. An event counts
// as received only once the transaction that wrote it has committed; the pipeline acknowledges
// after that. Idempotency keys (a trade's id, any other event's optional id: §15) live in their
// own table so retention can drop old raw events without ever letting a re-sent event count twice.
// Sequence numbers are never reused: snapshots point at them, so a number handed out again after a
// prune emptied the table would hide every later event from the next restart.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { TradingEvent } from "../domain/events.js";

export type Db = Database.Database;

export interface StoredEvent {
  seq: number;
  event: TradingEvent;
}

export interface EngineSnapshotRow {
  id: number;
  seq: number;
  fingerprint: string;
  data: string;
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

export class Journal {
  private readonly insertEvent;
  private readonly insertEventId;
  private readonly selectAfter;
  private readonly getState;
  private readonly putState;
  /** The last sequence number handed out (committed or inside the open transaction). */
  private seq: number;

  private constructor(readonly db: Db) {
    db.exec(SCHEMA);
    migrateTradeIds(db);
    migrateSnapshotKeys(db);
    this.insertEvent = db.prepare(
      "INSERT INTO events (seq, bot, type, ts, received_at, body) VALUES (@seq, @bot, @type, @ts, @received_at, @body)",
    );
    this.insertEventId = db.prepare("INSERT OR IGNORE INTO event_ids (bot, type, id) VALUES (?, ?, ?)");
    this.selectAfter = db.prepare("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq");
    this.getState = db.prepare("SELECT value FROM source_state WHERE key = ?");
    this.putState = db.prepare(
      "INSERT INTO source_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    this.seq = this.committedLastSeq();
  }

  /** Opens (or creates) `<dataDir>/trading-exporter.db`. */
  static open(dataDir: string): Journal {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, "trading-exporter.db"));
    db.pragma("journal_mode = WAL");
    // FULL: a commit is on disk before we acknowledge it, so even a power cut loses nothing
    // acknowledged. Group commit (one transaction for concurrent requests) pays for the fsync.
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    return new Journal(db);
  }

  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT); rolls back if it throws. */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      // Rolled back: the numbers handed out inside were never stored.
      if (this.db.open && !this.db.inTransaction) this.seq = this.committedLastSeq();
      throw err;
    }
  }

  /**
   * Appends one event inside the caller's transaction. Returns its sequence number, or null when its
   * idempotency key (bot, type, id) was stored before: a duplicate, not stored again.
   */
  append(event: TradingEvent, receivedAt: number): number | null {
    if (event.id !== undefined && this.insertEventId.run(event.bot, event.type, event.id).changes === 0) return null;
    const seq = this.seq + 1;
    this.insertEvent.run({
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
    for (const row of this.selectAfter.iterate(seq) as Iterable<{ seq: number; body: string }>) {
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
    return this.db.prepare("SELECT id, seq, fingerprint, data FROM engine_snapshots ORDER BY id DESC").all() as EngineSnapshotRow[];
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
    return (this.getState.get(key) as { value: string } | undefined)?.value;
  }

  stateSet(key: string, value: string): void {
    this.putState.run(key, value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
