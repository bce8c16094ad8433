// The nine alert triggers of §7: how configuration layers combine into the effective settings of
// one (bot, trigger), and the pure evaluation of a trigger's condition (their ids and defaults are
// in trigger-defaults.ts).
import { z } from "zod";
import { botNameField } from "./fields.js";
import type { PerformanceSnapshot, SafetySnapshot } from "./snapshots.js";
import { formatDuration, type BotHealth } from "./health.js";
import {
  applyOverride,
  defaultSettings,
  TRIGGER_DEFAULTS,
  TRIGGER_IDS,
  triggerOverrideSchema,
  type TriggerId,
  type TriggerOverride,
  type TriggerSettings,
} from "./trigger-defaults.js";

export type TriggerOverrides = Partial<Record<TriggerId, TriggerOverride>>;

/** The config-file part: `triggers.<id>` and `bots.<bot>.triggers.<id>`. */
export interface TriggerConfig {
  /** Parsed config: every id present and fully defaulted; a partial table is accepted too (tests). */
  triggers?: Partial<Record<TriggerId, TriggerSettings | TriggerOverride>>;
  bots?: Record<string, { triggers?: TriggerOverrides } | undefined>;
}

/** Run-time overrides (PUT /api/v1/alerts/triggers/{id}); `bot` null = for all bots. */
export interface RuntimeOverrides {
  get(trigger: TriggerId, bot: string | null): TriggerOverride | undefined;
}

export const NO_RUNTIME_OVERRIDES: RuntimeOverrides = { get: () => undefined };

/** Boolean ("state") triggers fire on a condition and have no threshold. */
export function usesThreshold(id: TriggerId): boolean {
  return TRIGGER_DEFAULTS[id].threshold !== null;
}

/** Only low_win_rate waits for a minimum number of trades. */
export function usesMinTrades(id: TriggerId): boolean {
  return TRIGGER_DEFAULTS[id].min_trades !== null;
}

/**
 * defaults ← config `triggers.<id>` ← config `bots.<bot>.triggers.<id>` ← run-time override for all
 * bots ← run-time override for that bot. Keys that don't apply to the trigger are ignored.
 */
export function effectiveTriggerSettings(
  bot: string,
  id: TriggerId,
  config: TriggerConfig = {},
  runtime: RuntimeOverrides = NO_RUNTIME_OVERRIDES,
): TriggerSettings {
  // applyOverride ignores a threshold / min_trades the trigger doesn't have.
  let out = applyOverride(defaultSettings(id), withoutNulls(config.triggers?.[id]));
  out = applyOverride(out, config.bots?.[bot]?.triggers?.[id]);
  out = applyOverride(out, runtime.get(id, null));
  return applyOverride(out, runtime.get(id, bot));
}

export interface TriggerTableRow extends TriggerSettings {
  bot: string;
  trigger: TriggerId;
}

/** The effective table for a set of bots: GET /alerts/triggers and the trading_alert_* series. */
export function effectiveTriggerTable(
  bots: Iterable<string>,
  config: TriggerConfig = {},
  runtime: RuntimeOverrides = NO_RUNTIME_OVERRIDES,
): TriggerTableRow[] {
  const rows: TriggerTableRow[] = [];
  for (const bot of bots) {
    for (const trigger of TRIGGER_IDS) rows.push({ bot, trigger, ...effectiveTriggerSettings(bot, trigger, config, runtime) });
  }
  return rows;
}

function withoutNulls(layer: TriggerSettings | TriggerOverride | undefined): TriggerOverride | undefined {
  if (!layer) return undefined;
  const out: TriggerOverride = {};
  if (layer.enabled !== undefined) out.enabled = layer.enabled;
  if (layer.severity !== undefined) out.severity = layer.severity;
  if (layer.threshold !== undefined && layer.threshold !== null) out.threshold = layer.threshold;
  if (layer.min_trades !== undefined && layer.min_trades !== null) out.min_trades = layer.min_trades;
  return out;
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

/**
 * Evaluates one trigger's condition (§7). A disabled trigger is never active; an undefined figure
 * (NaN) never fires. Runs after every event, so it builds no text: see describeTrigger.
 */
export function evaluateTrigger(
  id: TriggerId,
  perf: PerformanceSnapshot,
  ctx: TriggerContext,
  settings: TriggerSettings,
): TriggerEvaluation {
  const th = settings.threshold ?? Number.NaN;
  const on = settings.enabled;
  // `>=` is false when either side is NaN.
  switch (id) {
    case "daily_drawdown":
      return { active: on && perf.daily_drawdown >= th, value: perf.daily_drawdown, threshold: th };
    case "weekly_drawdown":
      return { active: on && perf.weekly_drawdown >= th, value: perf.weekly_drawdown, threshold: th };
    case "total_drawdown":
      return { active: on && perf.drawdown >= th, value: perf.drawdown, threshold: th };
    case "consecutive_losses":
      return { active: on && perf.consecutive_losses >= th, value: perf.consecutive_losses, threshold: th };
    case "low_win_rate": {
      const enough = perf.window_trades >= (settings.min_trades ?? 0);
      return { active: on && enough && perf.win_rate < th, value: perf.win_rate, threshold: th };
    }
    case "circuit_breaker_trip":
      return flag(on, ctx.safety.circuit_breaker.open);
    case "kill_switch_activation":
      return flag(on, ctx.safety.kill_switch.active);
    case "api_disconnected":
      return flag(on, ctx.health.api.status === "disconnected");
    case "bot_stale": {
      const last = ctx.safety.last_event_at;
      const silence = last === null ? 0 : Math.max(0, Math.floor((ctx.now - last) / 1000));
      return { active: on && ctx.health.stale, value: silence, threshold: ctx.staleAfterSeconds };
    }
  }
}

function flag(enabled: boolean, condition: boolean): TriggerEvaluation {
  return { active: enabled && condition, value: condition ? 1 : 0, threshold: null };
}

/** The alert message: the figure against the threshold, in words an operator reads at 3 a.m. */
export function describeTrigger(
  id: TriggerId,
  evaluation: TriggerEvaluation,
  perf: PerformanceSnapshot,
  ctx: TriggerContext,
  settings: TriggerSettings,
): string {
  const { value, threshold } = evaluation;
  const cmp = (fires: boolean, yes: string, no: string) => (fires ? yes : no);
  switch (id) {
    case "daily_drawdown":
    case "weekly_drawdown":
    case "total_drawdown": {
      const what = id === "daily_drawdown" ? "daily drawdown" : id === "weekly_drawdown" ? "weekly drawdown" : "drawdown from peak";
      return `${what} ${pct(value)} ${cmp(value >= (threshold ?? NaN), "≥", "<")} threshold ${pct(threshold ?? NaN)}`;
    }
    case "consecutive_losses":
      return `${value} consecutive losing trades (threshold ${threshold})`;
    case "low_win_rate": {
      const n = perf.window_trades;
      const minTrades = settings.min_trades ?? 0;
      if (n < minTrades) return `win rate ${pct(value)} over ${n} trades (needs at least ${minTrades} trades)`;
      return `win rate ${pct(value)} over the last ${n} trades ${cmp(value < (threshold ?? NaN), "<", "≥")} threshold ${pct(threshold ?? NaN)}`;
    }
    case "circuit_breaker_trip": {
      const cb = ctx.safety.circuit_breaker;
      return cb.open ? withReason("circuit breaker open", cb.reason) : "circuit breaker closed";
    }
    case "kill_switch_activation": {
      const ks = ctx.safety.kill_switch;
      return ks.active ? withReason("kill switch active", ks.reason) : "kill switch inactive";
    }
    case "api_disconnected": {
      const api = ctx.health.api;
      const failures = `${api.consecutive_failures} consecutive failure${api.consecutive_failures === 1 ? "" : "s"}`;
      const detail = api.source === "probe" ? ` (probe: ${failures})` : api.source === "bot" ? " (reported by bot)" : "";
      return `exchange API ${api.status ?? "status unknown"}${detail}`;
    }
    case "bot_stale": {
      const limit = formatDuration(ctx.staleAfterSeconds * 1000);
      return ctx.health.stale
        ? `no event for ${formatDuration(value * 1000)} (stale after ${limit})`
        : `last event ${formatDuration(value * 1000)} ago (stale after ${limit})`;
    }
  }
}

function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)}%` : "n/a";
}

function withReason(what: string, reason: string | null): string {
  return reason ? `${what}: ${reason}` : what;
}

/** Body of PUT /api/v1/alerts/triggers/{trigger}: an override, for all bots or for one (`bot`). */
export type TriggerPatch = TriggerOverride & { bot?: string };

/**
 * The schema of a run-time change to one trigger. It validates exactly like the config file
 * (`triggerOverrideSchema`: strict, ranges per trigger, no threshold on on/off triggers, min_trades
 * only on low_win_rate), plus an optional `bot`, and refuses an empty change.
 * Exported for the HTTP layer, which reports the issues as problem+json `errors`.
 */
export function triggerPatchSchema(id: TriggerId): z.ZodType<TriggerPatch> {
  const override = triggerOverrideSchema(id);
  return z.looseObject({ bot: botNameField().optional() }).transform((body, ctx): TriggerPatch => {
    const { bot, ...rest } = body;
    const parsed = override.safeParse(rest);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.issues.push({ code: "custom", message: issue.message, path: issue.path, input: rest });
      }
      return z.NEVER;
    }
    if (Object.keys(parsed.data).length === 0) {
      ctx.issues.push({
        code: "custom",
        message:
          "must set at least one of enabled, severity" +
          (usesThreshold(id) ? ", threshold" : "") +
          (usesMinTrades(id) ? ", min_trades" : ""),
        path: [],
        input: body,
      });
      return z.NEVER;
    }
    return bot === undefined ? parsed.data : { ...parsed.data, bot };
  });
}
