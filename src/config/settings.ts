// Views of the Config for the parts that consume it, so they don't each re-derive defaults.
import type { MetricsSettings } from "../domain/snapshots.js";
import type { Config } from "./schema.js";
import { applyOverride, TRIGGER_IDS, type TriggerId } from "../domain/trigger-defaults.js";
import type { TriggersConfig } from "./triggers.js";

/** The §5 settings the engine needs. */
export function metricsSettings(config: Config): MetricsSettings {
  const bots: MetricsSettings["bots"] = {};
  for (const [name, bot] of Object.entries(config.bots)) {
    if (bot.initial_equity !== undefined) bots[name] = { initial_equity: bot.initial_equity };
  }
  return { ...config.metrics, bots, groups: config.groups };
}

/** Trigger settings for one bot from the file: global `triggers.<id>` with `bots.<bot>.triggers.<id>` on top. */
export function effectiveTriggers(config: Config, bot: string): TriggersConfig {
  const overrides = config.bots[bot]?.triggers;
  return Object.fromEntries(
    TRIGGER_IDS.map((id: TriggerId) => [id, applyOverride(config.triggers[id], overrides?.[id])]),
  ) as TriggersConfig;
}
