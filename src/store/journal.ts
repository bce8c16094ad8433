// The durable event journal (§10): an append-only SQLite table in WAL mode. An event counts
// as received only once the transaction that wrote it has committed; the pipeline acknowledges
// after that. Trade idempotency keys live in their own table so retention can drop old raw events
// without ever letting a re-sent trade count twice.
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
CREATE TABLE IF NOT EXISTS trade_ids (
  bot TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  PRIMARY KEY (bot, trade_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS engine_snapshots (
  seq INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  taken_at INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS source_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

export class Journal {
  private readonly insertEvent;
  private readonly insertTradeId;
  private readonly selectAfter;
  private readonly getState;
  private readonly putState;

  private constructor(readonly db: Db) {
    db.exec(SCHEMA);
    this.insertEvent = db.prepare(
      "INSERT INTO events (bot, type, ts, received_at, body) VALUES (@bot, @type, @ts, @received_at, @body)",
    );
    this.insertTradeId = db.prepare("INSERT OR IGNORE INTO trade_ids (bot, trade_id) VALUES (?, ?)");
    this.selectAfter = db.prepare("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq");
    this.getState = db.prepare("SELECT value FROM source_state WHERE key = ?");
    this.putState = db.prepare(
      "INSERT INTO source_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
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
    return this.db.transaction(fn).immediate();
  }

  /**
   * Appends one event inside the caller's transaction. Returns its sequence number, or null when it
   * is a trade whose (bot, id) was stored before: a duplicate, not stored again.
   */
  append(event: TradingEvent, receivedAt: number): number | null {
    if (event.type === "trade" && this.insertTradeId.run(event.bot, event.id).changes === 0) return null;
    const info = this.insertEvent.run({
      bot: event.bot,
      type: event.type,
      ts: event.ts,
      received_at: receivedAt,
      body: JSON.stringify(event),
    });
    return Number(info.lastInsertRowid);
  }

  /** Stored events after `seq`, in order, read lazily (replay must not load millions of rows at once). */
  *eventsAfter(seq: number): Generator<StoredEvent> {
    for (const row of this.selectAfter.iterate(seq) as Iterable<{ seq: number; body: string }>) {
      yield { seq: row.seq, event: JSON.parse(row.body) as TradingEvent };
    }
  }

  lastSeq(): number {
    const row = this.db.prepare("SELECT MAX(seq) AS seq FROM events").get() as { seq: number | null };
    return row.seq ?? 0;
  }

  saveSnapshot(seq: number, fingerprint: string, data: string, takenAt: number): void {
    this.transaction(() => {
      this.db
        .prepare("INSERT OR REPLACE INTO engine_snapshots (seq, fingerprint, taken_at, data) VALUES (?, ?, ?, ?)")
        .run(seq, fingerprint, takenAt, data);
      // Two are enough: the newest, and the one before in case the newest is unusable.
      this.db
        .prepare("DELETE FROM engine_snapshots WHERE seq NOT IN (SELECT seq FROM engine_snapshots ORDER BY seq DESC LIMIT 2)")
        .run();
    });
  }

  latestSnapshot(fingerprint: string): EngineSnapshotRow | undefined {
    return this.db
      .prepare("SELECT seq, fingerprint, data FROM engine_snapshots WHERE fingerprint = ? ORDER BY seq DESC LIMIT 1")
      .get(fingerprint) as EngineSnapshotRow | undefined;
  }

  /**
   * Retention: deletes raw events received before `before` that the newest snapshot already covers
   * (so a restart never needs them). Trade ids stay, so duplicates stay duplicates.
   */
  pruneBefore(before: number, fingerprint: string): number {
    const snap = this.latestSnapshot(fingerprint);
    if (!snap) return 0;
    return this.db.prepare("DELETE FROM events WHERE received_at < ? AND seq <= ?").run(before, snap.seq).changes;
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
