// The per-(bot, trigger) alert state machine of §7. Pure: the caller passes the condition as
// observed now, the clock reading and an id maker, and gets back the next state plus what to notify
// and what to persist. Nothing here does I/O, so restarts and fake clocks are trivial.
//
//   inactive ──condition true──▶ firing ──condition false (or trigger disabled)──▶ resolved (= inactive)
//
// - Firing notifies unless a firing/reminder notification for the same (bot, trigger) went out less
//   than `cooldown_seconds` ago; then the record is stored as suppressed (a 5-minute
//   debounce: a flapping condition produces records, not messages).
// - A suppressed firing that is still active when the cooldown ends is notified then (§17): the
//   cooldown only delays it. Otherwise the operator's last message about a critical trigger could be
//   "resolved" for up to a repeat interval while it fires again. The record becomes `notified` and
//   the cooldown and reminders count from that notification.
// - While firing, a reminder goes out every `repeat_interval_seconds` counted from the last
//   firing/reminder notification of that (bot, trigger) (0 = no reminders).
// - Resolution is notified when `send_resolved` and the alert was notified; resolved messages don't
//   restart the cooldown (they say "all clear", not "something is wrong").
import type { AlertRecord, Severity } from "../domain/alert-record.js";
import type { GroupTriggerId } from "../domain/group-triggers.js";
import type { TriggerEvaluation } from "../domain/trigger.js";
import type { TriggerId } from "../domain/trigger-defaults.js";

export interface AlertPolicy {
  cooldown_seconds: number;
  repeat_interval_seconds: number;
  send_resolved: boolean;
}

export const ALERT_POLICY_DEFAULTS: AlertPolicy = { cooldown_seconds: 300, repeat_interval_seconds: 3600, send_resolved: true };

interface AlertStateFields {
  trigger: TriggerId;
  /** The alert currently firing; null when the condition is inactive. */
  firing: AlertRecord | null;
  /** When the last firing or reminder notification went out (epoch ms); cooldown and reminders count from it. */
  last_notified_at: number | null;
}

/** What is remembered per (bot, trigger); persisted so a restart neither re-sends nor forgets. */
export interface TriggerState extends AlertStateFields {
  bot: string;
}

/** The same per (group, trigger) of a group's drawdown triggers (§19). */
export interface GroupTriggerState extends AlertStateFields {
  group: string;
  trigger: GroupTriggerId;
}

type AnyState = TriggerState | GroupTriggerState;

/** A trigger's condition as evaluated now (from src/domain/triggers.ts) with its effective severity. */
export interface Observation {
  active: boolean;
  value: number;
  threshold: number | null;
  severity: Severity;
  message: string;
}

/**
 * What one evaluation tells the state machine. Only a new firing needs the text, so `describe` runs
 * only while nothing fires: a firing alert keeps the message it started with.
 */
export function observe(ev: TriggerEvaluation, severity: Severity, firing: AlertRecord | null, describe: () => string): Observation {
  return { active: ev.active, value: ev.value, threshold: ev.threshold, severity, message: firing === null ? describe() : "" };
}

export type NotifyKind = "firing" | "reminder" | "resolved";

export interface NotifyAction {
  kind: NotifyKind;
  record: AlertRecord;
}

export interface Transition<S extends AnyState = TriggerState> {
  state: S;
  /** Notifications to hand to the dispatcher, in order. */
  notify: NotifyAction[];
  /** Records created or updated (state-machine fields only: deliveries and acks live elsewhere). */
  save: AlertRecord[];
  /** A new firing began (counts toward trading_alerts_total). */
  fired: boolean;
  /** That firing was suppressed by the cooldown (counts toward trading_alerts_suppressed_total). */
  suppressed: boolean;
  /** Whether `state` differs from the input (then it must be persisted). */
  changed: boolean;
}

export function initialState(bot: string, trigger: TriggerId): TriggerState {
  return { bot, trigger, firing: null, last_notified_at: null };
}

/** Advances one (bot, trigger) or (group, trigger) by one evaluation. */
export function stepAlert<S extends AnyState>(
  state: S,
  obs: Observation,
  now: number,
  policy: AlertPolicy,
  newId: () => string,
): Transition<S> {
  const unchanged: Transition<S> = { state, notify: [], save: [], fired: false, suppressed: false, changed: false };
  const firing = state.firing;

  if (firing === null) {
    if (!obs.active) return unchanged;
    const last = state.last_notified_at;
    const cooling = last !== null && now - last < policy.cooldown_seconds * 1000;
    const record: AlertRecord = {
      id: newId(),
      ...subjectOf(state),
      trigger: state.trigger,
      severity: obs.severity,
      status: "firing",
      value: finiteOrNull(obs.value),
      threshold: obs.threshold === null ? null : finiteOrNull(obs.threshold),
      message: obs.message,
      started_at: now,
      resolved_at: null,
      notified: !cooling,
      suppressed: cooling,
      deliveries: [],
      acknowledged_at: null,
      acknowledged_by: null,
    };
    return {
      state: { ...state, firing: record, last_notified_at: cooling ? last : now },
      notify: cooling ? [] : [{ kind: "firing", record }],
      save: [record],
      fired: true,
      suppressed: cooling,
      changed: true,
    };
  }

  if (obs.active) {
    if (!firing.notified) {
      // Suppressed at start: due once the cooldown since the last notification is over.
      const since = state.last_notified_at ?? firing.started_at;
      if (now - since < policy.cooldown_seconds * 1000) return unchanged;
      const record: AlertRecord = { ...firing, notified: true };
      return {
        state: { ...state, firing: record, last_notified_at: now },
        notify: [{ kind: "firing", record }],
        save: [record],
        fired: false,
        suppressed: false,
        changed: true,
      };
    }
    if (policy.repeat_interval_seconds <= 0) return unchanged;
    const since = state.last_notified_at ?? firing.started_at;
    if (now - since < policy.repeat_interval_seconds * 1000) return unchanged;
    return {
      state: { ...state, last_notified_at: now },
      notify: [{ kind: "reminder", record: firing }],
      save: [],
      fired: false,
      suppressed: false,
      changed: true,
    };
  }

  const resolved: AlertRecord = { ...firing, status: "resolved", resolved_at: now };
  return {
    state: { ...state, firing: null },
    notify: policy.send_resolved && firing.notified ? [{ kind: "resolved", record: resolved }] : [],
    save: [resolved],
    fired: false,
    suppressed: false,
    changed: true,
  };
}

/** A record names its bot, or (a group's alert) its group instead. */
function subjectOf(state: AnyState): { bot: string } | { group: string } {
  return "group" in state ? { group: state.group } : { bot: state.bot };
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
