// The durable event journal (§10): append-only SQLite in WAL mode, a committed batch stored as a
// few rows (event-batches.ts). An event counts as received only once the transaction that wrote it
// has committed; the pipeline acknowledges after that. Appended events are kept in memory until the
// end of the transaction and written there, in the same transaction, as batches. Idempotency keys
// (a trade's id, any other event's optional id: §15) live in their own table (journal-schema.ts) so
// retention can drop old raw events without ever letting a re-sent event count twice.
// Sequence numbers are never reused: snapshots point at them, so a number handed out again after a
// prune emptied the table would hide every later event from the next restart.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { TradingEvent } from "../domain/events.js";
import { BUSY_TIMEOUT_MS, closeForReadOnlyStart, connect, sqliteCode, useWal, type Db } from "./connection.js";
import { JOURNAL_SCHEMA, migrateSnapshotKeys, migrateTradeIds } from "./journal-schema.js";
import {
  BATCH_EVENTS_MAX,
  EVENTS_VIEW,
  batchWriter,
  decodeBotRow,
  keepsEventRows,
  migrateEventRows,
  type BatchEntry,
} from "./event-batches.js";

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

const HIGH_WATER = "seq_high_water";
/** Snapshots kept: the newest, and the one before in case the newest is unusable. */
const SNAPSHOTS_KEPT = 2;
/** journal_meta row the store's write probe rewrites (§15): its value is when the probe last wrote. */
const WRITE_PROBE = "write_probe";

function statements(db: Db) {
  return {
    writeBatch: batchWriter(db),
    insertEventId: db.prepare("INSERT OR IGNORE INTO event_ids (bot, type, id) VALUES (?, ?, ?)"),
    /** The batch holding `seq`, if any (batches hold disjoint runs, keyed by their first). */
    batchAt: db.prepare("SELECT first_seq FROM event_batches WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1"),
    /** Every bot's rows of the batches from `first_seq` on, a batch's rows together. */
    rowsFrom: db.prepare(
      `SELECT b.first_seq, b.last_seq, x.body FROM event_batches b CROSS JOIN json_each(b.bots) AS k CROSS JOIN batch_events x
       WHERE b.first_seq >= ? AND x.bot = k.value AND x.first_seq = b.first_seq ORDER BY b.first_seq`,
    ),
    firstBatch: db.prepare("SELECT first_seq, received_at FROM event_batches ORDER BY first_seq LIMIT 1"),
    lastBatch: db.prepare("SELECT last_seq FROM event_batches ORDER BY first_seq DESC LIMIT 1"),
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
  /** Appended inside the open transaction, not yet written: consecutive numbers, one receipt time. */
  private pending: BatchEntry[] = [];
  private pendingReceivedAt = 0;
  /** How many `transaction()` calls are running; outside them an append is written at once. */
  private depth = 0;

  private constructor(
    db: Db,
    /** The database file. */
    readonly file: string,
  ) {
    const rowPerEvent = keepsEventRows(db);
    try {
      db.exec(JOURNAL_SCHEMA);
      migrateTradeIds(db);
      migrateSnapshotKeys(db);
      migrateEventRows(db);
    } catch (err) {
      if (!rowPerEvent || !sqliteCode(err)?.startsWith("SQLITE_READONLY")) throw err;
      throw new Error(
        `${file} keeps a row per event, as versions before the batch layout wrote it; it is moved to the batch layout once, at a start with a writable data_dir (${sqliteCode(err)})`,
        { cause: err },
      );
    }
    db.exec(EVENTS_VIEW);
    this.handle = db;
    this.stmt = statements(db);
    this.seq = this.committedLastSeq();
  }

  /** Opens (or creates) `<dataDir>/trading-exporter.db`; on a read-only or full file system it opens for reading (§15). */
  static open(dataDir: string): Journal {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, "trading-exporter.db");
    const db = connect(file);
    try {
      return new Journal(db, file);
    } catch (err) {
      db.close();
      throw err;
    }
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

  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT), the events it appended written as
   * batches before the commit; rolls back if it throws. Nested, it is a savepoint.
   */
  transaction<T>(fn: () => T): T {
    const seqBefore = this.seq;
    const pendingBefore = this.pending.length;
    this.depth++;
    try {
      return this.handle
        .transaction(() => {
          const result = fn();
          this.writePending();
          return result;
        })
        .immediate();
    } catch (err) {
      // Rolled back: the numbers handed out inside were never stored.
      this.pending.length = Math.min(this.pending.length, pendingBefore);
      this.seq = seqBefore;
      if (this.handle.open && !this.handle.inTransaction) {
        this.pending = [];
        this.seq = this.committedLastSeq();
      }
      throw err;
    } finally {
      this.depth--;
    }
  }

  /**
   * Appends one event inside the caller's `transaction()` (outside one it is written at once). Returns
   * its sequence number, or null when its idempotency key (bot, type, id) was stored before: a
   * duplicate, not stored again.
   */
  append(event: TradingEvent, receivedAt: number): number | null {
    if (event.id !== undefined && this.stmt.insertEventId.run(event.bot, event.type, event.id).changes === 0) return null;
    if (this.pending.length >= BATCH_EVENTS_MAX || (this.pending.length > 0 && receivedAt !== this.pendingReceivedAt)) this.writePending();
    const seq = this.seq + 1;
    this.pending.push({ seq, event });
    this.pendingReceivedAt = receivedAt;
    this.seq = seq;
    if (this.depth === 0) this.writePending();
    return seq;
  }

  private writePending(): void {
    if (this.pending.length === 0) return;
    this.stmt.writeBatch(this.pending, this.pendingReceivedAt);
    this.pending = [];
  }

  /**
   * Stored events after `seq`, in order, read lazily (replay must not load millions of rows at once):
   * a batch's rows (one per bot) are read together and their events put back in sequence order.
   */
  *eventsAfter(seq: number): Generator<StoredEvent> {
    const at = this.stmt.batchAt.get(seq + 1) as { first_seq: number } | undefined;
    // A batch's events by their place in it (seq - first): its rows, one per bot, interleave.
    let first = 0;
    let slots: Array<TradingEvent | undefined> = [];
    function* drain(): Generator<StoredEvent> {
      for (let i = Math.max(0, seq + 1 - first); i < slots.length; i++) {
        const event = slots[i];
        if (event !== undefined) yield { seq: first + i, event };
      }
    }
    const rows = this.stmt.rowsFrom.iterate(at?.first_seq ?? seq + 1) as Iterable<{ first_seq: number; last_seq: number; body: string }>;
    for (const row of rows) {
      if (row.first_seq !== first) {
        yield* drain();
        first = row.first_seq;
        slots = new Array<TradingEvent | undefined>(row.last_seq - row.first_seq + 1);
      }
      for (const [s, event] of decodeBotRow(row.body)) slots[s - first] = event;
    }
    yield* drain();
  }

  /** When the batch holding the first stored event after `seq` was received, or undefined when there is none. */
  receivedAtAfter(seq: number): number | undefined {
    const at = this.stmt.batchAt.get(seq + 1) as { first_seq: number } | undefined;
    const row = this.db
      .prepare("SELECT received_at FROM event_batches WHERE first_seq >= ? AND last_seq > ? ORDER BY first_seq LIMIT 1")
      .get(at?.first_seq ?? seq + 1, seq) as { received_at: number } | undefined;
    return row?.received_at;
  }

  /**
   * The oldest stored batches whose events all lie at or before `limit`, in order, until they hold
   * at least `events` events (the last one may go past that).
   */
  oldestBatches(limit: number, events: number): Array<{ firstSeq: number; lastSeq: number; receivedAt: number }> {
    const out: Array<{ firstSeq: number; lastSeq: number; receivedAt: number }> = [];
    let count = 0;
    const rows = this.db
      .prepare("SELECT first_seq, last_seq, received_at FROM event_batches WHERE first_seq <= ? ORDER BY first_seq")
      .iterate(limit) as Iterable<{ first_seq: number; last_seq: number; received_at: number }>;
    for (const r of rows) {
      if (r.last_seq > limit || count >= events) break;
      out.push({ firstSeq: r.first_seq, lastSeq: r.last_seq, receivedAt: r.received_at });
      count += r.last_seq - r.first_seq + 1;
    }
    return out;
  }

  /** The highest sequence number ever handed out, whether or not retention removed its event since. */
  lastSeq(): number {
    return this.seq;
  }

  private committedLastSeq(): number {
    const row = this.stmt.lastBatch.get() as { last_seq: number } | undefined;
    const mark = this.db.prepare("SELECT value FROM journal_meta WHERE key = ?").get(HIGH_WATER) as { value: number } | undefined;
    return Math.max(row?.last_seq ?? 0, mark?.value ?? 0);
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
    const row = this.stmt.firstBatch.get() as { first_seq: number } | undefined;
    return row === undefined ? this.seq : row.first_seq - 1;
  }

  /**
   * Inside the caller's transaction: removes the stored batches whose every event is at or before
   * `seq` (retention; the caller made sure snapshots cover it) and returns how many events they
   * held. A batch reaching past `seq` stays whole, so less than asked may go, never more.
   * Idempotency keys stay, so duplicates stay duplicates.
   */
  deleteThrough(seq: number): number {
    // Deleting the newest rows would lower the last seq: remember how far numbering went first.
    this.db
      .prepare("INSERT INTO journal_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)")
      .run(HIGH_WATER, this.seq);
    const doomed = this.oldestBatches(seq, Infinity);
    if (doomed.length === 0) return 0;
    const through = doomed[doomed.length - 1]!.firstSeq;
    const bots = this.db.prepare("SELECT first_seq, bots FROM event_batches WHERE first_seq <= ?").all(through) as Array<{
      first_seq: number;
      bots: string;
    }>;
    const dropRow = this.db.prepare("DELETE FROM batch_events WHERE bot = ? AND first_seq = ?");
    for (const b of bots) for (const bot of JSON.parse(b.bots) as string[]) dropRow.run(bot, b.first_seq);
    this.db.prepare("DELETE FROM event_batches WHERE first_seq <= ?").run(through);
    return doomed.reduce((n, b) => n + b.lastSeq - b.firstSeq + 1, 0);
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
