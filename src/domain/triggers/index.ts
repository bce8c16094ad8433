// The registry of alert triggers (§7). Adding a trigger is one definition object in this folder and
// one line in TRIGGERS; the trigger ids, defaults and override schemas (trigger-defaults.ts), the
// evaluation and messages (triggers.ts), the notifier's wording and the bundle's Prometheus rules
// read this list.
import type { GroupTrigger, TriggerDefinition } from "../trigger.js";
import { apiDisconnected, botStale, circuitBreakerTrip, killSwitchActivation } from "./bot-state.js";
import { dailyDrawdown, totalDrawdown, weeklyDrawdown } from "./drawdowns.js";
import { consecutiveLosses, lowWinRate } from "./trade-streaks.js";

/** Every trigger, in §7's order (the order of the API's trigger table and of the rules file). */
export const TRIGGERS = [
  dailyDrawdown,
  weeklyDrawdown,
  totalDrawdown,
  circuitBreakerTrip,
  killSwitchActivation,
  consecutiveLosses,
  lowWinRate,
  apiDisconnected,
  botStale,
] as const;

export type TriggerId = (typeof TRIGGERS)[number]["id"];

export const TRIGGER_IDS: readonly TriggerId[] = TRIGGERS.map((t) => t.id);

const BY_ID = new Map<string, TriggerDefinition<TriggerId>>(TRIGGERS.map((t) => [t.id, t]));

export function isTriggerId(value: string): value is TriggerId {
  return BY_ID.has(value);
}

export function triggerDefinition(id: TriggerId): TriggerDefinition<TriggerId> {
  return BY_ID.get(id)!;
}

/** The definition of a trigger id found in a stored record or a message, or undefined for one this version does not know. */
export function findTrigger(id: string): TriggerDefinition<TriggerId> | undefined {
  return BY_ID.get(id);
}

type WithGroup = Extract<(typeof TRIGGERS)[number], { group: GroupTrigger }>;
/** The triggers that apply to groups too (§19): those whose definition has a group part. */
export type GroupTriggerId = WithGroup["id"];

export const GROUP_TRIGGERS: readonly (TriggerDefinition<GroupTriggerId> & { group: GroupTrigger })[] = TRIGGERS.filter(
  (t): t is WithGroup => "group" in t && t.group !== undefined,
);
