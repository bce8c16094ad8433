// Persistence of alerting (§7, §10) in SQLite: the AlertPersistence the engine declares
// (src/engine/alert-persistence.ts). The exporter opens the database (WAL); this file owns the
// `alert_*` tables.
import type Database from "better-sqlite3";
import type { AlertRecord, Delivery } from "../domain/alert-record.js";
import { isTriggerId, type TriggerId, type TriggerOverride } from "../domain/trigger-defaults.js";
import { isGroupTriggerId } from "../domain/group-triggers.js";
import type { GroupTriggerState, TriggerState } from "../engine/alert-state.js";
import type { AlertChanges, AlertCounter, AlertPersistence, HistoryFilter, StoredOverride } from "../engine/alert-persistence.js";
import { fromRow, overrideFromRow, RECORD_COLUMNS, toRow, type OverrideRow, type RecordRow } from "./alert-rows.js";
import { createAlertTables } from "./alert-schema.js";

/** Bot names never are empty (§3), so '' stands for "all bots" in the overrides table. */
const ALL_BOTS = "";

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
    createAlertTables(db);
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
      out.push({ bot: row.bot, trigger: row.trigger, firing: this.firing(row.alert_id), last_notified_at: row.last_notified_at });
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
      out.push({ group: row.group_name, trigger: row.trigger, firing: this.firing(row.alert_id), last_notified_at: row.last_notified_at });
    }
    return out;
  }

  /** The record a stored state points at, while it is still firing (a resolved one is history, not state). */
  private firing(alertId: string | null): AlertRecord | null {
    const record = alertId === null ? undefined : this.get(alertId);
    return record && record.status === "firing" ? record : null;
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
