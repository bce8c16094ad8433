// The group drawdown triggers of §19: for each configured group and each of the three drawdown
// triggers, the same state machine as a bot's (§7: cooldown, reminders, resolution), records
// carrying `group` instead of `bot`, persisted beside the bots' states. No I/O: the alerting runtime
// calls `evaluate(group)` after a member's events and `tick()` on its timer.
import type { AlertRecord, Notification } from "../domain/alert-record.js";
import type { Clock } from "../domain/clock.js";
import {
  describeGroupTrigger,
  effectiveGroupTriggerSettings,
  evaluateGroupTrigger,
  GROUP_TRIGGER_IDS,
  type GroupTriggerConfig,
  type GroupTriggerId,
} from "../domain/group-triggers.js";
import { overallHealth, type HealthLevel } from "../domain/health.js";
import type { GroupSnapshot } from "../domain/snapshots.js";
import type { TriggerSettings } from "../domain/trigger-defaults.js";
import type { AlertChanges, AlertPersistence } from "./alert-persistence.js";
import { observe, stepAlert, type AlertPolicy, type GroupTriggerState } from "./alert-state.js";

export interface GroupAlertingOptions {
  policy: AlertPolicy;
  config: GroupTriggerConfig;
  persistence: Pick<AlertPersistence, "loadGroupStates" | "apply">;
  clock: Clock;
  groups: () => Iterable<string>;
  /** The engine's figures of a group as of now. */
  readGroup: (group: string) => GroupSnapshot;
  /** A member's health, undefined before its first event. */
  memberHealth: (bot: string) => { level: HealthLevel; reasons: string[] } | undefined;
  notify: (notification: Notification) => void;
  onChange?: (record: AlertRecord) => void;
  external_url: string | null;
  newId: () => string;
}

export interface GroupTriggerRow extends TriggerSettings {
  group: string;
  trigger: GroupTriggerId;
}

export interface FiringGroupAlert {
  group: string;
  trigger: GroupTriggerId;
  severity: AlertRecord["severity"];
}

export class GroupAlerting {
  private readonly states = new Map<string, GroupTriggerState>();
  private readonly settings: TriggerSettings[];

  constructor(private readonly o: GroupAlertingOptions) {
    this.settings = GROUP_TRIGGER_IDS.map((id) => effectiveGroupTriggerSettings(id, o.config));
    for (const s of o.persistence.loadGroupStates()) this.states.set(key(s.group, s.trigger), s);
  }

  /** Re-evaluates one group's three triggers; writes only on a transition. */
  evaluate(group: string): void {
    const g = this.o.readGroup(group);
    const now = this.o.clock.now();
    const changes: AlertChanges = { records: [], states: [], groupStates: [], counts: [] };
    const outgoing: Array<{ kind: Notification["kind"]; record: AlertRecord }> = [];
    GROUP_TRIGGER_IDS.forEach((trigger, i) => {
      const s = this.settings[i]!;
      const state = this.states.get(key(group, trigger)) ?? { group, trigger, firing: null, last_notified_at: null };
      const ev = evaluateGroupTrigger(trigger, g, s);
      if (state.firing === null && !ev.active) return;
      const obs = observe(ev, s.severity, state.firing, () => describeGroupTrigger(trigger, ev, g));
      const t = stepAlert(state, obs, now, this.o.policy, this.o.newId);
      if (!t.changed) return;
      changes.groupStates!.push(t.state);
      changes.records.push(...t.save);
      outgoing.push(...t.notify);
    });
    if (changes.groupStates!.length === 0) return;
    // Persist before notifying, as for bots: after a crash an alert is remembered as sent, not sent twice.
    this.o.persistence.apply(changes);
    for (const s of changes.groupStates!) this.states.set(key(s.group, s.trigger), s);
    const health = this.healthOf(g);
    for (const n of outgoing) this.send(n.kind, n.record, health);
    for (const r of changes.records) this.o.onChange?.(r);
  }

  /** Day and week turn over without events: every group, on the evaluation timer. */
  tick(): void {
    for (const group of this.o.groups()) this.evaluate(group);
  }

  /** Keeps a firing record's deliveries and acknowledgment equal to the stored one. */
  refresh(record: AlertRecord): void {
    if (record.group === undefined) return;
    const k = key(record.group, record.trigger);
    const state = this.states.get(k);
    if (state?.firing?.id === record.id) this.states.set(k, { ...state, firing: record });
  }

  /** trading_group_alert_firing. */
  firing(): FiringGroupAlert[] {
    const out: FiringGroupAlert[] = [];
    for (const s of this.states.values()) if (s.firing) out.push({ group: s.group, trigger: s.trigger, severity: s.firing.severity });
    return out;
  }

  /** The effective settings for every configured group (the same for all: `groups_triggers`). */
  triggers(): GroupTriggerRow[] {
    const rows: GroupTriggerRow[] = [];
    for (const group of this.o.groups()) GROUP_TRIGGER_IDS.forEach((trigger, i) => rows.push({ group, trigger, ...this.settings[i]! }));
    return rows;
  }

  /** A group's health in its messages: the worst of its members', each reason naming its bot. */
  private healthOf(g: GroupSnapshot): Notification["health"] {
    const levels: HealthLevel[] = [];
    const reasons: string[] = [];
    for (const bot of g.members) {
      const h = this.o.memberHealth(bot);
      if (!h) continue;
      levels.push(h.level);
      for (const r of h.reasons) reasons.push(`${bot}: ${r}`);
    }
    return { level: overallHealth(levels), reasons };
  }

  private send(kind: Notification["kind"], alert: AlertRecord, health: Notification["health"]): void {
    try {
      this.o.notify({ kind, alert, health, external_url: this.o.external_url });
    } catch {
      // The dispatcher queues and never throws by contract; a bug there must not stop evaluation.
    }
  }
}

function key(group: string, trigger: string): string {
  return `${group}\u0000${trigger}`;
}
