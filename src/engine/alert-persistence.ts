// What alerting keeps across restarts (§7, §10), declared here so the engine never imports the
// store: alert history, the per-(bot, trigger) state that makes a restart neither re-send nor forget
// an alert, run-time trigger overrides, acknowledgments, delivery results and the alert counters.
// src/store/alert-store.ts implements it with SQLite; tests may hand in any other implementation.
import type { AlertRecord, Delivery, Severity } from "../domain/alert-record.js";
import type { TriggerId, TriggerOverride } from "../domain/trigger-defaults.js";
import type { GroupTriggerState, TriggerState } from "./alert-state.js";

export interface HistoryFilter {
  bot?: string;
  trigger?: string;
  status?: "firing" | "resolved";
  /** A group's alerts (§19); `bot` matches bots' alerts only. */
  group?: string;
  /** Epoch ms: alerts that started at or after it. */
  since?: number;
  limit?: number;
}

export interface StoredOverride {
  trigger: TriggerId;
  /** null = for all bots. */
  bot: string | null;
  override: TriggerOverride;
  updated_at: number;
}

export interface AlertCounter {
  bot: string;
  trigger: string;
  severity: Severity;
  /** Every firing, notified or suppressed (trading_alerts_total). */
  firings: number;
  /** Firings the cooldown suppressed (trading_alerts_suppressed_total). */
  suppressed: number;
}

/** What one evaluation changed, written in one transaction. */
export interface AlertChanges {
  records: AlertRecord[];
  states: TriggerState[];
  /** Group drawdown triggers (§19): kept beside the bots' states. */
  groupStates?: GroupTriggerState[];
  counts: { bot: string; trigger: string; severity: Severity; suppressed: boolean }[];
}

export interface AlertPersistence {
  /** Every persisted (bot, trigger) state, with its firing record. */
  loadStates(): TriggerState[];
  /** Every persisted (group, trigger) state, with its firing record. */
  loadGroupStates(): GroupTriggerState[];
  loadOverrides(): StoredOverride[];
  loadCounters(): AlertCounter[];
  /** Writes the outcome of one evaluation atomically (records, states and counters together); throws if it could not. */
  apply(changes: AlertChanges): void;
  /** Appends a delivery result to a record; undefined when no record has that id. */
  appendDelivery(id: string, delivery: Delivery): AlertRecord | undefined;
  /** Newest first; `limit` defaults to 100 and is capped at the history size. */
  history(filter: HistoryFilter): AlertRecord[];
  /** Records the first acknowledgment (a second one doesn't overwrite who acknowledged first). */
  ack(id: string, by: string, at: number): AlertRecord | undefined;
  /** Merges `patch` into the stored override of (trigger, bot) and returns the merged override. */
  setOverride(trigger: TriggerId, bot: string | null, patch: TriggerOverride, at: number): TriggerOverride;
}
