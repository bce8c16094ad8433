// The shapes the §8 API answers with, as zod schemas. They feed the OpenAPI document, and the
// OpenAPI tests parse real answers of a real exporter with them, so the document cannot drift from
// what the routers send. Strict objects: an extra or missing name is a failing test, not a silent gap.
import { z } from "zod";
import { CHANNEL_NAMES } from "../config/index.js";
import { SEVERITIES } from "../domain/alert-record.js";
import { GROUP_TRIGGER_IDS } from "../domain/group-triggers.js";
import { TRIGGER_IDS } from "../domain/trigger-defaults.js";

/** ISO-8601 UTC as `Date.toISOString()` writes it. */
export const isoTime = z.iso.datetime().meta({ description: "ISO-8601 UTC time" });
const isoOrNull = isoTime.nullable();
/** A figure that may be undefined (NaN, ±Inf): JSON `null` then (§8). */
const figure = z.number().nullable();
const count = z.number().int().nonnegative();
const level = z.enum(["HEALTHY", "DEGRADED", "CRITICAL"]);

export const fieldErrorSchema = z.strictObject({
  index: z.number().int().nonnegative().meta({ description: "Index of the event in the batch (0 for a single object)" }),
  path: z.string().meta({ description: "Path of the bad field inside the event, e.g. `pnl`; `(root)` for the event itself" }),
  message: z.string(),
});

export const problemSchema = z.strictObject({
  type: z.string().meta({ description: "URI identifying the problem type" }),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  errors: z.array(fieldErrorSchema).optional().meta({ description: "Every invalid field, for validation errors" }),
});

export const ingestResultSchema = z.strictObject({
  accepted: count.meta({ description: "Events stored and applied" }),
  duplicates: count.meta({ description: "Trades whose (bot, id) had already been applied: acknowledged, not applied again" }),
});

export const performanceSnapshotSchema = z.strictObject({
  bot: z.string(),
  equity: figure,
  peak_equity: figure,
  initial_equity: z.number(),
  drawdown: figure,
  daily_drawdown: figure,
  weekly_drawdown: figure,
  max_drawdown: figure,
  sharpe_ratio: figure,
  sortino_ratio: figure,
  daily_sharpe_ratio: figure,
  daily_sortino_ratio: figure,
  win_rate: figure,
  window_trades: count.meta({ description: "n: trades with a return in the rolling window" }),
  consecutive_losses: count,
  max_consecutive_losses: count,
  daily_pnl: figure,
  weekly_pnl: figure,
  total_pnl: figure,
  trades: z.strictObject({ total: count, wins: count, losses: count, breakeven: count }),
  gross_profit: figure,
  gross_loss: figure,
  sharpe_indicator: z.enum(["positive", "neutral", "negative"]),
  last_trade_at: isoOrNull,
  last_event_at: isoOrNull,
  profit_factor: figure.meta({ description: "gross_profit / gross_loss; null when undefined or +Inf (no loss yet)" }),
  expectancy: figure.meta({ description: "total_pnl / trades.total (mean P&L per trade, breakeven included)" }),
  avg_win: figure.meta({ description: "gross_profit / wins" }),
  avg_loss: figure.meta({ description: "gross_loss / losses (≥ 0)" }),
  payoff_ratio: figure.meta({ description: "avg_win / avg_loss" }),
  largest_win: figure.meta({ description: "Largest pnl > 0 (0: none)" }),
  largest_loss: figure.meta({ description: "Largest |pnl| of a losing trade (0: none)" }),
  sqn: figure.meta({ description: "System Quality Number over the window: √n · mean / sd of per-trade returns" }),
  cagr: figure.meta({ description: "Compound annual growth of the time-weighted daily returns; null before metrics.cagr_min_days days" }),
  calmar_ratio: figure.meta({ description: "cagr / max_drawdown" }),
  net_cashflow: figure.meta({ description: "Σ amount of all cash flows (deposits minus withdrawals)" }),
});

export const realtimeResponseSchema = z.strictObject({
  generated_at: isoTime,
  bots: z.array(performanceSnapshotSchema),
});

export const groupSnapshotSchema = z.strictObject({
  group: z.string(),
  members: z.array(z.string()).meta({ description: "Configured member bots (a member counts from its first event)" }),
  equity: figure.meta({ description: "Σ of the members' equities" }),
  peak_equity: figure,
  drawdown: figure,
  max_drawdown: figure,
  daily_drawdown: figure,
  weekly_drawdown: figure,
  daily_pnl: figure,
  weekly_pnl: figure,
  total_pnl: figure,
  daily_sharpe_ratio: figure,
  daily_sortino_ratio: figure,
  cagr: figure,
});

export const groupsRealtimeResponseSchema = z.strictObject({
  generated_at: isoTime,
  groups: z.array(groupSnapshotSchema),
});

export const botHealthSchema = z.strictObject({
  bot: z.string(),
  level,
  reasons: z.array(z.string()),
  stale: z.boolean(),
  last_event_at: isoOrNull,
});

export const healthStatusResponseSchema = z.strictObject({
  generated_at: isoTime,
  level: level.meta({ description: "Overall: the worst bot's level (HEALTHY with no bot)" }),
  bots: z.array(botHealthSchema),
});

export const botSafetySchema = z.strictObject({
  bot: z.string(),
  kill_switch: z.strictObject({ active: z.boolean(), reason: z.string().nullable(), changed_at: isoOrNull }),
  circuit_breaker: z.strictObject({ open: z.boolean(), reason: z.string().nullable(), changed_at: isoOrNull, trips: count }),
  positions: z.strictObject({ open: count.nullable(), max: count.nullable(), utilization: z.number() }),
  api: z.strictObject({
    status: z.enum(["connected", "degraded", "disconnected"]).nullable(),
    source: z
      .enum(["bot", "probe"])
      .nullable()
      .meta({ description: "Whose report is shown: the bot's api_status events or the exporter's probe" }),
    latency_ms: z.number().nullable(),
    checked_at: isoOrNull,
    consecutive_failures: count,
  }),
});

export const safetyResponseSchema = z.strictObject({
  generated_at: isoTime,
  bots: z.array(botSafetySchema),
});

const channelName = z.enum(CHANNEL_NAMES);

export const alertTestResponseSchema = z.strictObject({
  results: z.array(z.strictObject({ channel: channelName, ok: z.boolean(), error: z.string().optional() })),
});

export const deliverySchema = z.strictObject({
  channel: channelName,
  ok: z.boolean(),
  attempts: count,
  error: z.string().nullable(),
  at: isoOrNull,
});

const alertRecordFields = {
  id: z.string(),
  trigger: z.enum(TRIGGER_IDS),
  severity: z.enum(SEVERITIES),
  status: z.enum(["firing", "resolved"]),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  message: z.string(),
  started_at: isoTime,
  resolved_at: isoOrNull,
  notified: z.boolean(),
  suppressed: z.boolean(),
  deliveries: z.array(deliverySchema),
  acknowledged_at: isoOrNull,
  acknowledged_by: z.string().nullable(),
};

/** A bot's alert (§7), or a group's drawdown alert (§19), which names `group` instead of `bot`. */
export const alertRecordSchema = z.union([
  z.strictObject({ bot: z.string(), ...alertRecordFields }),
  z.strictObject({
    group: z.string().meta({ description: "A group's drawdown alert (§19) names its group instead of a bot" }),
    ...alertRecordFields,
    trigger: z.enum(GROUP_TRIGGER_IDS),
  }),
]);

export const alertHistoryResponseSchema = z.strictObject({ alerts: z.array(alertRecordSchema) });

export const triggerRowSchema = z.strictObject({
  bot: z.string(),
  trigger: z.enum(TRIGGER_IDS),
  enabled: z.boolean(),
  severity: z.enum(SEVERITIES),
  threshold: z.number().nullable().meta({ description: "null for on/off triggers" }),
  min_trades: z.number().int().nullable().meta({ description: "low_win_rate only; null elsewhere" }),
});

export const groupTriggerRowSchema = z.strictObject({
  group: z.string(),
  trigger: z.enum(GROUP_TRIGGER_IDS),
  enabled: z.boolean(),
  severity: z.enum(SEVERITIES),
  threshold: z.number(),
});

export const triggerTableResponseSchema = z.strictObject({
  triggers: z.array(triggerRowSchema),
  group_triggers: z.array(groupTriggerRowSchema).meta({ description: "The group drawdown triggers (§19), from `groups_triggers`" }),
});

export const triggerChangeResponseSchema = z.strictObject({
  trigger: z.enum(TRIGGER_IDS),
  bot: z.string().nullable().meta({ description: "null: the change applies to every bot" }),
  override: z.strictObject({
    enabled: z.boolean().optional(),
    severity: z.enum(SEVERITIES).optional(),
    threshold: z.number().optional(),
    min_trades: z.number().int().optional(),
  }),
  effective: z.array(triggerRowSchema),
});

export const exportedTradeSchema = z.strictObject({
  ts: isoTime.meta({ description: "Close time" }),
  bot: z.string(),
  id: z.string(),
  symbol: z.string().nullable(),
  side: z.enum(["long", "short"]).nullable(),
  pnl: z.number(),
  return: z.number().nullable().meta({ description: "The effective per-trade return (given, or pnl / equity before)" }),
  opened_at: isoOrNull,
});

export const equityCurveResponseSchema = z.strictObject({
  bot: z.string(),
  initial_equity: z.number(),
  from: isoOrNull,
  to: isoOrNull,
  max_points: count,
  total_points: count.meta({
    description:
      "Points of the bot's whole curve (one per trade, equity and cash-flow event) before downsampling; from/to do not change it",
  }),
  points: z.array(z.strictObject({ ts: isoTime, equity: z.number(), drawdown: z.number() })),
});

export const livenessResponseSchema = z.strictObject({ status: z.literal("ok") });
export const readinessResponseSchema = z.strictObject({ status: z.enum(["ready", "not_ready"]), reasons: z.array(z.string()) });
