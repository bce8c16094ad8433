// Alert records and trigger overrides as SQLite rows and back: 0/1 for booleans, deliveries as a
// JSON array, '' where a group's alert has no bot, NULL for an override key that is not set.
import type { AlertRecord, Delivery, Severity } from "../domain/alert-record.js";
import type { TriggerOverride } from "../domain/trigger-defaults.js";

/** Bot names never are empty (§3), so '' stands for "no bot" in alert_records: a group's alert (§19) has `group_name` instead. */
const NO_BOT = "";

export interface RecordRow {
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

export const RECORD_COLUMNS =
  "id, bot, group_name, trigger, severity, status, value, threshold, message, started_at, resolved_at, notified, suppressed, deliveries, acknowledged_at, acknowledged_by";

export interface OverrideRow {
  enabled: number | null;
  threshold: number | null;
  min_trades: number | null;
  severity: string | null;
}

export function overrideFromRow(row: OverrideRow | undefined): TriggerOverride {
  const o: TriggerOverride = {};
  if (!row) return o;
  if (row.enabled !== null) o.enabled = row.enabled === 1;
  if (row.threshold !== null) o.threshold = row.threshold;
  if (row.min_trades !== null) o.min_trades = row.min_trades;
  if (row.severity !== null) o.severity = row.severity as Severity;
  return o;
}

export function toRow(r: AlertRecord) {
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

export function fromRow(row: RecordRow): AlertRecord {
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
