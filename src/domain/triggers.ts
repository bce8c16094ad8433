// The alert triggers of §7: how configuration layers combine into the effective settings of one
// (bot, trigger), and evaluating and describing a trigger through its definition
// (src/domain/triggers/; ids and defaults as a table in trigger-defaults.ts).
import { z } from "zod";
import { botNameField } from "./fields.js";
import type { PerformanceSnapshot } from "./snapshots.js";
import type { TriggerContext, TriggerEvaluation } from "./trigger.js";
import { triggerDefinition } from "./triggers/index.js";
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

export type { TriggerContext, TriggerEvaluation };
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

/** Evaluates one trigger's condition (§7), as its definition says. Runs after every event, so it builds no text: see describeTrigger. */
export function evaluateTrigger(
  id: TriggerId,
  perf: PerformanceSnapshot,
  ctx: TriggerContext,
  settings: TriggerSettings,
): TriggerEvaluation {
  return triggerDefinition(id).evaluate(perf, ctx, settings);
}

/** The alert message: the figure against the threshold, in words an operator reads at 3 a.m. */
export function describeTrigger(
  id: TriggerId,
  evaluation: TriggerEvaluation,
  perf: PerformanceSnapshot,
  ctx: TriggerContext,
  settings: TriggerSettings,
): string {
  return triggerDefinition(id).describe(evaluation, perf, ctx, settings);
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
