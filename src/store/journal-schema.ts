// The journal's tables besides the event batches (event-batches.ts): idempotency keys, journal
// metadata, engine snapshots, the equity carried past pruned events and the sources' resume state;
// and the migrations of files written by earlier versions, run at open.
import type { Db } from "./connection.js";
import { BATCH_SCHEMA } from "./event-batches.js";

export const JOURNAL_SCHEMA = `${BATCH_SCHEMA}
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
export function migrateTradeIds(db: Db): void {
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
export function migrateSnapshotKeys(db: Db): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('engine_snapshots')").all() as { name: string }[];
  if (columns.some((c) => c.name === "id")) return;
  db.transaction(() => {
    db.exec(`ALTER TABLE engine_snapshots RENAME TO engine_snapshots_by_seq;
      CREATE TABLE engine_snapshots (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, fingerprint TEXT NOT NULL, taken_at INTEGER NOT NULL, data TEXT NOT NULL);
      INSERT INTO engine_snapshots (seq, fingerprint, taken_at, data) SELECT seq, fingerprint, taken_at, data FROM engine_snapshots_by_seq ORDER BY seq;
      DROP TABLE engine_snapshots_by_seq;`);
  }).immediate();
}
