// The three drawdown triggers of §7 applied to groups (§19): same ids, defaults and severities as
// the bots', configured once for every group under `groups_triggers.<id>` (enabled, threshold,
// severity), and evaluated on a group's figures.
import { applyOverride, defaultSettings, type TriggerId, type TriggerOverride, type TriggerSettings } from "./trigger-defaults.js";
import type { TriggerEvaluation } from "./triggers.js";
import type { GroupSnapshot } from "./snapshots.js";

export const GROUP_TRIGGER_IDS = ["daily_drawdown", "weekly_drawdown", "total_drawdown"] as const satisfies readonly TriggerId[];
export type GroupTriggerId = (typeof GROUP_TRIGGER_IDS)[number];

export function isGroupTriggerId(value: string): value is GroupTriggerId {
  return (GROUP_TRIGGER_IDS as readonly string[]).includes(value);
}

/** `groups_triggers:` as parsed (only what the file sets). */
export type GroupTriggerConfig = Partial<Record<GroupTriggerId, TriggerOverride>>;

/** The §7 defaults ← `groups_triggers.<id>`. */
export function effectiveGroupTriggerSettings(id: GroupTriggerId, config: GroupTriggerConfig = {}): TriggerSettings {
  return applyOverride(defaultSettings(id), config[id]);
}

function drawdownOf(id: GroupTriggerId, g: GroupSnapshot): number {
  switch (id) {
    case "daily_drawdown":
      return g.daily_drawdown;
    case "weekly_drawdown":
      return g.weekly_drawdown;
    case "total_drawdown":
      return g.drawdown;
  }
}

/** A disabled trigger never fires; a NaN figure never fires (`>=` is false). */
export function evaluateGroupTrigger(id: GroupTriggerId, g: GroupSnapshot, settings: TriggerSettings): TriggerEvaluation {
  const threshold = settings.threshold ?? Number.NaN;
  const value = drawdownOf(id, g);
  return { active: settings.enabled && value >= threshold, value, threshold };
}

/** "fleet (alpha, bravo): drawdown from peak 21.00% ≥ threshold 20.00%". */
export function describeGroupTrigger(id: GroupTriggerId, evaluation: TriggerEvaluation, g: GroupSnapshot): string {
  const what = id === "daily_drawdown" ? "daily drawdown" : id === "weekly_drawdown" ? "weekly drawdown" : "drawdown from peak";
  const { value, threshold } = evaluation;
  const th = threshold ?? Number.NaN;
  return `summed equity of ${g.members.join(", ")}: ${what} ${pct(value)} ${value >= th ? "≥" : "<"} threshold ${pct(th)}`;
}

function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)}%` : "n/a";
}
