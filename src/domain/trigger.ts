// The one shape a §7 alert trigger has. A trigger is one definition object (src/domain/triggers/)
// and one line in the registry (src/domain/triggers/index.ts): its id, default severity and
// threshold, its condition and how it reads to a person, and its Prometheus rule (§14). The engine,
// the config, the API, the notifier's messages and the bundle's rules all read the registry.
import type { z } from "zod";
import type { Severity } from "./alert-record.js";
import type { BotHealth } from "./health.js";
import type { GroupSnapshot, PerformanceSnapshot, SafetySnapshot } from "./snapshots.js";

/** Effective settings of one trigger (for one bot). `threshold`/`min_trades` are null where not applicable. */
export interface TriggerSettings {
  enabled: boolean;
  severity: Severity;
  threshold: number | null;
  min_trades: number | null;
}

/** What a trigger sees of a bot besides its performance. */
export interface TriggerContext {
  safety: SafetySnapshot;
  health: BotHealth;
  now: number;
  /** `health.stale_after_seconds`: bot_stale reports its silence against it. */
  staleAfterSeconds: number;
}

export interface TriggerEvaluation {
  active: boolean;
  /**
   * The observed figure: a ratio (drawdowns, win rate), a count (consecutive losses), seconds of
   * silence (bot_stale), or 1/0 for the on/off triggers.
   */
  value: number;
  /** The threshold compared against; stale_after_seconds for bot_stale; null for on/off triggers. */
  threshold: number | null;
}

/** How a trigger's value reads: ratios as percent, counts as integers, seconds as a duration, flags as yes/no. */
export type ValueKind = "ratio" | "count" | "seconds" | "flag" | "number";

/** The trigger's alert in prometheus/rules/ (§14); the bundle adds its labels, `for:` and dashboard link. */
export interface TriggerRule {
  /** e.g. TradingDailyDrawdown. */
  alert: string;
  /** Reads the threshold from the exporter's trading_alert_* series, never a literal. */
  expr: string;
  summary: string;
  description: string;
}

export interface TriggerDefinition<Id extends string = string> {
  readonly id: Id;
  readonly severity: Severity;
  /** The default threshold and the range an override may set; null for on/off triggers (they fire on a condition). */
  readonly threshold: { readonly default: number; readonly schema: () => z.ZodNumber } | null;
  /** Trades needed before the trigger is evaluated (low_win_rate); null where it does not apply. */
  readonly minTrades: number | null;
  /** The condition in words, as §7's table gives it. */
  readonly condition: string;
  /** What firing means, for a notification ("Daily drawdown reached its limit"). */
  readonly meaning: string;
  /** How the value reads, and which way it stands from the threshold when the trigger fires. */
  readonly value: { readonly kind: ValueKind; readonly comparator: "≥" | "<" };
  /**
   * Whether the condition holds. A disabled trigger is never active; an undefined figure (NaN)
   * never fires. Runs after every event, so it builds no text.
   */
  readonly evaluate: (perf: PerformanceSnapshot, ctx: TriggerContext, settings: TriggerSettings) => TriggerEvaluation;
  /** The alert message: the figure against the threshold, in words an operator reads at 3 a.m. */
  readonly describe: (evaluation: TriggerEvaluation, perf: PerformanceSnapshot, ctx: TriggerContext, settings: TriggerSettings) => string;
  readonly rule: TriggerRule;
  /** The trigger applied to a group's summed equity (§19), for the triggers that apply to groups. */
  readonly group?: GroupTrigger;
}

/** A trigger on a group (§19): same id, defaults and severity, evaluated on the group's figures. */
export interface GroupTrigger {
  readonly evaluate: (g: GroupSnapshot, settings: TriggerSettings) => TriggerEvaluation;
  readonly describe: (evaluation: TriggerEvaluation, g: GroupSnapshot) => string;
  /** On the group's series (label `group`), reading trading_group_alert_*. */
  readonly rule: TriggerRule;
}

/** Identity, kept as a function so a definition's id stays a literal type and its group part shows in its type. */
export function defineTrigger<const D extends TriggerDefinition<string>>(definition: D): D {
  return definition;
}

/** An on/off condition: the value is 1 or 0 and there is no threshold. */
export function flag(enabled: boolean, condition: boolean): TriggerEvaluation {
  return { active: enabled && condition, value: condition ? 1 : 0, threshold: null };
}

/** A ratio as a percentage with two decimals; "n/a" when undefined. */
export function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)}%` : "n/a";
}
