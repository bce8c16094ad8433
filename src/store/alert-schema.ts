// The `alert_*` tables of SQLite (§7, §10): alert records, the per-(bot, trigger) and per-(group,
// trigger) state machines, run-time trigger overrides and the firing counters. Created on open;
// a database written before group alerts (§19) gets their column here, so an upgrade needs no step.
import type Database from "better-sqlite3";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alert_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  bot TEXT NOT NULL,
  trigger TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL,
  value REAL,
  threshold REAL,
  message TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  resolved_at INTEGER,
  notified INTEGER NOT NULL,
  suppressed INTEGER NOT NULL,
  deliveries TEXT NOT NULL DEFAULT '[]',
  acknowledged_at INTEGER,
  acknowledged_by TEXT
);
CREATE INDEX IF NOT EXISTS alert_records_bot ON alert_records (bot, seq);
CREATE INDEX IF NOT EXISTS alert_records_trigger ON alert_records (trigger, seq);
CREATE TABLE IF NOT EXISTS alert_trigger_state (
  bot TEXT NOT NULL,
  trigger TEXT NOT NULL,
  alert_id TEXT,
  last_notified_at INTEGER,
  PRIMARY KEY (bot, trigger)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alert_group_trigger_state (
  group_name TEXT NOT NULL,
  trigger TEXT NOT NULL,
  alert_id TEXT,
  last_notified_at INTEGER,
  PRIMARY KEY (group_name, trigger)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alert_trigger_overrides (
  trigger TEXT NOT NULL,
  bot TEXT NOT NULL,
  enabled INTEGER,
  threshold REAL,
  min_trades INTEGER,
  severity TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (trigger, bot)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alert_counters (
  bot TEXT NOT NULL,
  trigger TEXT NOT NULL,
  severity TEXT NOT NULL,
  firings INTEGER NOT NULL DEFAULT 0,
  suppressed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (bot, trigger, severity)
) WITHOUT ROWID;
`;

export function createAlertTables(db: Database.Database): void {
  db.exec(SCHEMA);
  // Group alerts (§19) came later: a database from before gets the column (NULL for bots' alerts).
  const columns = db.prepare("PRAGMA table_info(alert_records)").all() as { name: string }[];
  if (!columns.some((c) => c.name === "group_name")) db.exec("ALTER TABLE alert_records ADD COLUMN group_name TEXT");
  db.exec("CREATE INDEX IF NOT EXISTS alert_records_group ON alert_records (group_name, seq)");
}
