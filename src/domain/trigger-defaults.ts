// The alert triggers of §7: ids, defaults, severities and the schema of an override. This is the
// one home of trigger defaults; the alert engine, the config, the API (§8), /metrics and the
// Prometheus rules generator import it instead of repeating numbers.
import { z } from "zod";
import { severitySchema, type Severity } from "./alert-record.js";
import { int, openRatio, ratio } from "./fields.js";

export const TRIGGER_IDS = [
  "daily_drawdown",
  "weekly_drawdown",
  "total_drawdown",
  "circuit_breaker_trip",
  "kill_switch_activation",
  "consecutive_losses",
  "low_win_rate",
  "api_disconnected",
  "bot_stale",
] as const;
export type TriggerId = (typeof TRIGGER_IDS)[number];

export interface TriggerDefault {
  /** Default threshold; null for state triggers (they fire on a condition, not a number). */
  threshold: number | null;
  severity: Severity;
  /** Only low_win_rate uses a minimum number of trades; null elsewhere. */
  min_trades: number | null;
  /** What the condition is, for messages and generated rules. */
  condition: string;
}

export const TRIGGER_DEFAULTS: Readonly<Record<TriggerId, Readonly<TriggerDefault>>> = Object.freeze({
  daily_drawdown: { threshold: 0.05, severity: "warning", min_trades: null, condition: "daily drawdown ≥ threshold" },
  weekly_drawdown: { threshold: 0.1, severity: "error", min_trades: null, condition: "weekly drawdown ≥ threshold" },
  total_drawdown: { threshold: 0.2, severity: "critical", min_trades: null, condition: "drawdown ≥ threshold" },
  circuit_breaker_trip: { threshold: null, severity: "critical", min_trades: null, condition: "circuit breaker open" },
  kill_switch_activation: { threshold: null, severity: "critical", min_trades: null, condition: "kill switch active" },
  consecutive_losses: { threshold: 10, severity: "warning", min_trades: null, condition: "consecutive losses ≥ threshold" },
  low_win_rate: {
    threshold: 0.3,
    severity: "warning",
    min_trades: 10,
    condition: "window trades ≥ min_trades and win rate < threshold",
  },
  api_disconnected: { threshold: null, severity: "error", min_trades: null, condition: "API status disconnected" },
  bot_stale: { threshold: null, severity: "error", min_trades: null, condition: "bot stale" },
});

/** Effective settings of one trigger (for one bot). `threshold`/`min_trades` are null where not applicable. */
export interface TriggerSettings {
  enabled: boolean;
  severity: Severity;
  threshold: number | null;
  min_trades: number | null;
}

/** Partial settings: a per-bot override in the file, or a run-time change through the API. */
export interface TriggerOverride {
  enabled?: boolean;
  severity?: Severity;
  threshold?: number;
  min_trades?: number;
}

/** The valid range of a trigger's threshold. */
function thresholdSchema(id: TriggerId) {
  switch (id) {
    case "daily_drawdown":
    case "weekly_drawdown":
    case "total_drawdown":
      return openRatio();
    case "consecutive_losses":
      return int(1, 1_000_000);
    case "low_win_rate":
      return ratio();
    default:
      return undefined;
  }
}

/**
 * The schema of a trigger's override (every key optional, no defaults). Triggers without a
 * threshold don't accept one, and only low_win_rate accepts min_trades: a key that would be
 * silently ignored is rejected instead, like any unknown key (strict decoding).
 * Exported so the API's `PUT /api/v1/alerts/triggers/{trigger}` validates exactly like the file.
 */
export function triggerOverrideSchema(id: TriggerId) {
  const shape: Record<string, z.ZodType> = {
    enabled: z.boolean().optional(),
    severity: severitySchema.optional(),
  };
  const threshold = thresholdSchema(id);
  if (threshold) shape.threshold = threshold.optional();
  if (TRIGGER_DEFAULTS[id].min_trades !== null) shape.min_trades = int(1, 100_000).optional();
  return z.strictObject(shape) as unknown as z.ZodType<TriggerOverride>;
}

export function defaultSettings(id: TriggerId): TriggerSettings {
  const d = TRIGGER_DEFAULTS[id];
  return { enabled: true, severity: d.severity, threshold: d.threshold, min_trades: d.min_trades };
}

export function applyOverride(base: TriggerSettings, o: TriggerOverride | undefined): TriggerSettings {
  if (!o) return { ...base };
  return {
    enabled: o.enabled ?? base.enabled,
    severity: o.severity ?? base.severity,
    threshold: base.threshold === null ? null : (o.threshold ?? base.threshold),
    min_trades: base.min_trades === null ? null : (o.min_trades ?? base.min_trades),
  };
}

export function isTriggerId(value: string): value is TriggerId {
  return (TRIGGER_IDS as readonly string[]).includes(value);
}
