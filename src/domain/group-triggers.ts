// The triggers of §7 that apply to groups (§19, the three drawdowns): same ids, defaults and
// severities as the bots', configured once for every group under `groups_triggers.<id>` (enabled,
// threshold, severity), and evaluated on a group's figures by the group part of their definitions
// (src/domain/triggers/).
import type { GroupSnapshot } from "./snapshots.js";
import { applyOverride, defaultSettings, type TriggerOverride, type TriggerSettings } from "./trigger-defaults.js";
import type { TriggerEvaluation } from "./trigger.js";
import { GROUP_TRIGGERS, type GroupTriggerId } from "./triggers/index.js";

export type { GroupTriggerId };

export const GROUP_TRIGGER_IDS: readonly GroupTriggerId[] = GROUP_TRIGGERS.map((t) => t.id);

const BY_ID = new Map(GROUP_TRIGGERS.map((t) => [t.id, t.group]));

export function isGroupTriggerId(value: string): value is GroupTriggerId {
  return BY_ID.has(value as GroupTriggerId);
}

/** `groups_triggers:` as parsed (only what the file sets). */
export type GroupTriggerConfig = Partial<Record<GroupTriggerId, TriggerOverride>>;

/** The §7 defaults ← `groups_triggers.<id>`. */
export function effectiveGroupTriggerSettings(id: GroupTriggerId, config: GroupTriggerConfig = {}): TriggerSettings {
  return applyOverride(defaultSettings(id), config[id]);
}

/** A disabled trigger never fires; a NaN figure never fires. */
export function evaluateGroupTrigger(id: GroupTriggerId, g: GroupSnapshot, settings: TriggerSettings): TriggerEvaluation {
  return BY_ID.get(id)!.evaluate(g, settings);
}

/** "summed equity of alpha, bravo: drawdown from peak 21.00% ≥ threshold 20.00%". */
export function describeGroupTrigger(id: GroupTriggerId, evaluation: TriggerEvaluation, g: GroupSnapshot): string {
  return BY_ID.get(id)!.describe(evaluation, g);
}
