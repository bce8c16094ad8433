// Persistence of alerting (§7, §10) in SQLite: the AlertPersistence the engine declares
// (src/engine/alert-persistence.ts). The exporter opens the database (WAL); this file owns the
// `alert_*` tables.
import type Database from "better-sqlite3";
import type { AlertRecord, Delivery, Severity } from "../domain/alert-record.js";
import { isTriggerId, type TriggerId, type TriggerOverride } from "../domain/trigger-defaults.js";
import { isGroupTriggerId } from "../domain/group-triggers.js";
import type { GroupTriggerState, TriggerState } from "../engine/alert-state.js";
import type { AlertChanges, AlertCounter, AlertPersistence, HistoryFilter, StoredOverride } from "../engine/alert-persistence.js";

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

/** Bot names never are empty (§3), so '' stands for "all bots" in the overrides table. */
const ALL_BOTS = "";
/** ...and for "no bot" in alert_records: a group's alert (§19) has `group_name` instead. */
const NO_BOT = "";

interface RecordRow {
  id: string;
  bot: string;
  group_name: string | null;
  trigger: string;
  severity: string;
  status: string;
  value: number | null;
  threshold: number | null;
  message: string;
  started_at: number;
  resolved_at: number | null;
  notified: number;
  suppressed: number;
  deliveries: string;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

const RECORD_COLUMNS =
  "id, bot, group_name, trigger, severity, status, value, threshold, message, started_at, resolved_at, notified, suppressed, deliveries, acknowledged_at, acknowledged_by";

function statements(db: Database.Database) {
  return {
    insertRecord: db.prepare(
      `INSERT INTO alert_records (id, bot, group_name, trigger, severity, status, value, threshold, message, started_at, resolved_at, notified, suppressed)
       VALUES (@id, @bot, @group_name, @trigger, @severity, @status, @value, @threshold, @message, @started_at, @resolved_at, @notified, @suppressed)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, resolved_at = excluded.resolved_at,
         notified = excluded.notified, suppressed = excluded.suppressed`,
    ),
    // Firing alerts are never pruned: the state machine still refers to them.
    prune: db.prepare(
      `DELETE FROM alert_records WHERE status = 'resolved'
         AND seq <= (SELECT seq FROM alert_records ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    ),
    get: db.prepare(`SELECT ${RECORD_COLUMNS} FROM alert_records WHERE id = ?`),
    ack: db.prepare("UPDATE alert_records SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL"),
    appendDelivery: db.prepare("UPDATE alert_records SET deliveries = json_insert(deliveries, '$[#]', json(?)) WHERE id = ?"),
    putState: db.prepare(
      `INSERT INTO alert_trigger_state (bot, trigger, alert_id, last_notified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (bot, trigger) DO UPDATE SET alert_id = excluded.alert_id, last_notified_at = excluded.last_notified_at`,
    ),
    loadStates: db.prepare("SELECT bot, trigger, alert_id, last_notified_at FROM alert_trigger_state"),
    putGroupState: db.prepare(
      `INSERT INTO alert_group_trigger_state (group_name, trigger, alert_id, last_notified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_name, trigger) DO UPDATE SET alert_id = excluded.alert_id, last_notified_at = excluded.last_notified_at`,
    ),
    loadGroupStates: db.prepare("SELECT group_name, trigger, alert_id, last_notified_at FROM alert_group_trigger_state"),
    getOverride: db.prepare("SELECT enabled, threshold, min_trades, severity FROM alert_trigger_overrides WHERE trigger = ? AND bot = ?"),
    putOverride: db.prepare(
      `INSERT INTO alert_trigger_overrides (trigger, bot, enabled, threshold, min_trades, severity, updated_at)
       VALUES (@trigger, @bot, @enabled, @threshold, @min_trades, @severity, @updated_at)
       ON CONFLICT (trigger, bot) DO UPDATE SET enabled = excluded.enabled, threshold = excluded.threshold,
         min_trades = excluded.min_trades, severity = excluded.severity, updated_at = excluded.updated_at`,
    ),
    loadOverrides: db.prepare("SELECT trigger, bot, enabled, threshold, min_trades, severity, updated_at FROM alert_trigger_overrides"),
    count: db.prepare(
      `INSERT INTO alert_counters (bot, trigger, severity, firings, suppressed) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (bot, trigger, severity) DO UPDATE SET firings = firings + 1, suppressed = suppressed + excluded.suppressed`,
    ),
    loadCounters: db.prepare("SELECT bot, trigger, severity, firings, suppressed FROM alert_counters"),
  };
}

export class AlertStore implements AlertPersistence {
  readonly historySize: number;
  private stmt: ReturnType<typeof statements>;

  constructor(
    private db: Database.Database,
    options: { historySize: number },
  ) {
    this.historySize = options.historySize;
    db.exec(SCHEMA);
    // Group alerts (§19) came later: a database from before gets the column (NULL for bots' alerts).
    const columns = db.prepare("PRAGMA table_info(alert_records)").all() as { name: string }[];
    if (!columns.some((c) => c.name === "group_name")) db.exec("ALTER TABLE alert_records ADD COLUMN group_name TEXT");
    db.exec("CREATE INDEX IF NOT EXISTS alert_records_group ON alert_records (group_name, seq)");
    this.stmt = statements(db);
  }

  /** Prepares on the journal's new connection after it reopened the file (§15). */
  rebind(db: Database.Database): void {
    this.db = db;
    this.stmt = statements(db);
  }

  /** Writes the outcome of one evaluation atomically: records, states and counters together. */
  readonly apply = (changes: AlertChanges): void => {
    this.db.transaction(() => {
      for (const record of changes.records) this.stmt.insertRecord.run(toRow(record));
      for (const s of changes.states) {
        this.stmt.putState.run(s.bot, s.trigger, s.firing?.id ?? null, s.last_notified_at);
      }
      for (const s of changes.groupStates ?? []) {
        this.stmt.putGroupState.run(s.group, s.trigger, s.firing?.id ?? null, s.last_notified_at);
      }
      for (const c of changes.counts) this.stmt.count.run(c.bot, c.trigger, c.severity, c.suppressed ? 1 : 0);
      // Alerts change rarely (transitions only), so pruning on every write costs nothing noticeable.
      if (changes.records.length > 0) this.stmt.prune.run(this.historySize);
    })();
  };

  get(id: string): AlertRecord | undefined {
    const row = this.stmt.get.get(id) as RecordRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Newest first. `limit` defaults to 100 and is capped at the history size. */
  history(filter: HistoryFilter = {}): AlertRecord[] {
    const conditions = (
      [
        ["bot = ?", filter.bot],
        ["group_name = ?", filter.group],
        ["trigger = ?", filter.trigger],
        ["status = ?", filter.status],
        ["started_at >= ?", filter.since],
      ] as const
    ).filter(([, value]) => value !== undefined);
    const where = conditions.map(([sql]) => sql);
    const args: unknown[] = conditions.map(([, value]) => value);
    const limit = Math.max(1, Math.min(filter.limit ?? 100, this.historySize));
    const sql =
      `SELECT ${RECORD_COLUMNS} FROM alert_records` + (where.length ? ` WHERE ${where.join(" AND ")}` : "") + " ORDER BY seq DESC LIMIT ?";
    return (this.db.prepare(sql).all(...args, limit) as RecordRow[]).map(fromRow);
  }

  /** Records the first acknowledgment (a second one doesn't overwrite who acknowledged first). */
  ack(id: string, by: string, at: number): AlertRecord | undefined {
    this.stmt.ack.run(at, by, id);
    return this.get(id);
  }

  appendDelivery(id: string, delivery: Delivery): AlertRecord | undefined {
    const r = this.stmt.appendDelivery.run(JSON.stringify(delivery), id);
    return r.changes > 0 ? this.get(id) : undefined;
  }

  /** Every persisted (bot, trigger) state, with its firing record. */
  loadStates(): TriggerState[] {
    const rows = this.stmt.loadStates.all() as { bot: string; trigger: string; alert_id: string | null; last_notified_at: number | null }[];
    const out: TriggerState[] = [];
    for (const row of rows) {
      if (!isTriggerId(row.trigger)) continue; // a trigger a newer version removed
      const record = row.alert_id === null ? undefined : this.get(row.alert_id);
      out.push({
        bot: row.bot,
        trigger: row.trigger,
        firing: record && record.status === "firing" ? record : null,
        last_notified_at: row.last_notified_at,
      });
    }
    return out;
  }

  /** Every persisted (group, trigger) state of the group drawdown triggers (§19). */
  loadGroupStates(): GroupTriggerState[] {
    const rows = this.stmt.loadGroupStates.all() as {
      group_name: string;
      trigger: string;
      alert_id: string | null;
      last_notified_at: number | null;
    }[];
    const out: GroupTriggerState[] = [];
    for (const row of rows) {
      if (!isGroupTriggerId(row.trigger)) continue;
      const record = row.alert_id === null ? undefined : this.get(row.alert_id);
      out.push({
        group: row.group_name,
        trigger: row.trigger,
        firing: record && record.status === "firing" ? record : null,
        last_notified_at: row.last_notified_at,
      });
    }
    return out;
  }

  /** Merges `patch` into the stored override of (trigger, bot) and returns the merged override. */
  setOverride(trigger: TriggerId, bot: string | null, patch: TriggerOverride, at: number): TriggerOverride {
    const key = bot ?? ALL_BOTS;
    const merged = { ...overrideFromRow(this.stmt.getOverride.get(trigger, key) as OverrideRow | undefined), ...patch };
    this.stmt.putOverride.run({
      trigger,
      bot: key,
      enabled: merged.enabled === undefined ? null : merged.enabled ? 1 : 0,
      threshold: merged.threshold ?? null,
      min_trades: merged.min_trades ?? null,
      severity: merged.severity ?? null,
      updated_at: at,
    });
    return merged;
  }

  loadOverrides(): StoredOverride[] {
    const rows = this.stmt.loadOverrides.all() as (OverrideRow & { trigger: string; bot: string; updated_at: number })[];
    return rows.flatMap((row) =>
      isTriggerId(row.trigger)
        ? [{ trigger: row.trigger, bot: row.bot === ALL_BOTS ? null : row.bot, override: overrideFromRow(row), updated_at: row.updated_at }]
        : [],
    );
  }

  loadCounters(): AlertCounter[] {
    return this.stmt.loadCounters.all() as AlertCounter[];
  }
}

interface OverrideRow {
  enabled: number | null;
  threshold: number | null;
  min_trades: number | null;
  severity: string | null;
}

function overrideFromRow(row: OverrideRow | undefined): TriggerOverride {
  const o: TriggerOverride = {};
  if (!row) return o;
  if (row.enabled !== null) o.enabled = row.enabled === 1;
  if (row.threshold !== null) o.threshold = row.threshold;
  if (row.min_trades !== null) o.min_trades = row.min_trades;
  if (row.severity !== null) o.severity = row.severity as Severity;
  return o;
}

function toRow(r: AlertRecord) {
  return {
    id: r.id,
    bot: r.bot ?? NO_BOT,
    group_name: r.group ?? null,
    trigger: r.trigger,
    severity: r.severity,
    status: r.status,
    value: r.value,
    threshold: r.threshold,
    message: r.message,
    started_at: r.started_at,
    resolved_at: r.resolved_at,
    notified: r.notified ? 1 : 0,
    suppressed: r.suppressed ? 1 : 0,
  };
}

function fromRow(row: RecordRow): AlertRecord {
  const subject = row.group_name === null ? { bot: row.bot } : { group: row.group_name };
  return {
    id: row.id,
    ...subject,
    trigger: row.trigger,
    severity: row.severity as Severity,
    status: row.status as AlertRecord["status"],
    value: row.value,
    threshold: row.threshold,
    message: row.message,
    started_at: row.started_at,
    resolved_at: row.resolved_at,
    notified: row.notified === 1,
    suppressed: row.suppressed === 1,
    deliveries: JSON.parse(row.deliveries) as Delivery[],
    acknowledged_at: row.acknowledged_at,
    acknowledged_by: row.acknowledged_by,
  };
}
