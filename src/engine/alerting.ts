// Alerting glue (§6, §7): reads a bot's snapshots, derives its health, evaluates the nine
// triggers with their effective settings, runs each (bot, trigger) state machine, persists the
// outcome through the AlertPersistence it is given and hands notifications to the dispatcher. No
// I/O here, no channel: the alerting runtime wires
// `evaluate(bot)` after every applied event, `tick()` on a timer, and `recordDelivery` from the
// dispatcher's onDelivery.
import { newAlertId, type AlertRecord, type Delivery, type Notification, type Severity } from "../domain/alert-record.js";
import type { Clock } from "../domain/clock.js";
import {
  botHealth,
  isStale,
  overallHealth,
  type BotHealth,
  type HealthLevel,
  type HealthSettings,
  type ProbeStatus,
} from "../domain/health.js";
import { isTriggerId, TRIGGER_IDS, type TriggerId, type TriggerSettings } from "../domain/trigger-defaults.js";
import { describeTrigger, evaluateTrigger, type TriggerConfig, type TriggerTableRow } from "../domain/triggers.js";
import { AlertCounters, type AlertCount, type SuppressedCount } from "./alert-counters.js";
import type { AlertChanges, AlertPersistence, HistoryFilter } from "./alert-persistence.js";
import { initialState, observe, stepAlert, type AlertPolicy, type TriggerState } from "./alert-state.js";
import type { PerformanceSnapshot, SafetySnapshot } from "../domain/snapshots.js";
import { TriggerTable, type AppliedOverride } from "./trigger-table.js";

export interface AlertingSettings extends TriggerConfig {
  alerts: AlertPolicy;
  health: HealthSettings;
}

export interface BotSnapshots {
  perf: PerformanceSnapshot;
  safety: SafetySnapshot;
}

export interface AlertingOptions {
  settings: AlertingSettings;
  /** Where records, states, overrides and counters are kept (SQLite in the exporter). */
  persistence: AlertPersistence;
  clock: Clock;
  /** The engine's current view of a bot; undefined for a bot it doesn't know. */
  readBot: (bot: string) => BotSnapshots | undefined;
  /** The safety half of readBot alone (health needs no more); without it health reads readBot. */
  readSafety?: (bot: string) => SafetySnapshot | undefined;
  bots: () => Iterable<string>;
  /** The exporter's own API probe (status() of src/sources/api-probe.ts). */
  probe?: () => ProbeStatus | null;
  /** `api_probe.bot`: the one bot the probe speaks for; undefined/null = every bot. */
  probeBot?: string | null;
  notify: (notification: Notification) => void;
  /** Any alert record created or changed (the live hub pushes it as an `alert` message). */
  onChange?: (record: AlertRecord) => void;
  external_url?: string | null;
  newId?: () => string;
}

export interface TriggerChange extends AppliedOverride {
  /** Effective settings after the change, for the bot (or for every known bot). */
  effective: TriggerTableRow[];
}

export interface FiringAlert {
  bot: string;
  trigger: TriggerId;
  severity: Severity;
}

/** One bot's share of the alerting series of /metrics: its effective triggers and its counts. */
export interface BotAlerting {
  /** In TRIGGER_IDS order. */
  triggers: TriggerTableRow[];
  alertCounts: AlertCount[];
  suppressedCounts: SuppressedCount[];
}

export class Alerting {
  /** Per bot, the state of each trigger in TRIGGER_IDS order (one map lookup per evaluation). */
  private readonly states = new Map<string, (TriggerState | undefined)[]>();
  private readonly table: TriggerTable;
  private readonly counters = new AlertCounters();
  private readonly newId: () => string;
  /** Per bot, the last of `changes` stamped on it (see revision()). */
  private readonly revisions = new Map<string, number>();
  private changes = 0;

  constructor(private readonly o: AlertingOptions) {
    this.newId = o.newId ?? newAlertId;
    this.table = new TriggerTable(o.settings, o.persistence);
    for (const s of o.persistence.loadStates()) this.statesOf(s.bot)[TRIGGER_IDS.indexOf(s.trigger)] = s;
    for (const c of o.persistence.loadCounters()) this.counters.add(c.bot, c.trigger, c.severity, c.firings, c.suppressed);
  }

  /** Re-evaluates one bot's triggers: O(number of triggers); writes to the store only on a transition. */
  evaluate(bot: string): void {
    const snap = this.o.readBot(bot);
    if (!snap) return;
    const now = this.o.clock.now();
    const health = this.healthFrom(bot, snap.safety, now, this.probeStatus());
    const ctx = { safety: snap.safety, health, now, staleAfterSeconds: this.o.settings.health.stale_after_seconds };
    const settings = this.table.settingsOf(bot);
    const states = this.statesOf(bot);
    const changes: AlertChanges = { records: [], states: [], counts: [] };
    const outgoing: { kind: Notification["kind"]; record: AlertRecord }[] = [];
    const next: [number, TriggerState][] = [];

    TRIGGER_IDS.forEach((trigger, i) => {
      const s = settings[i]!;
      const state = states[i] ?? initialState(bot, trigger);
      const ev = evaluateTrigger(trigger, snap.perf, ctx, s);
      // The common case, nothing firing and nothing to fire, allocates nothing more.
      if (state.firing === null && !ev.active) return;
      const obs = observe(ev, s.severity, state.firing, () => describeTrigger(trigger, ev, snap.perf, ctx, s));
      const t = stepAlert(state, obs, now, this.o.settings.alerts, this.newId);
      if (!t.changed) return;
      next.push([i, t.state]);
      changes.states.push(t.state);
      changes.records.push(...t.save);
      if (t.fired) changes.counts.push({ bot, trigger, severity: s.severity, suppressed: t.suppressed });
      outgoing.push(...t.notify);
    });

    if (changes.states.length === 0) return;
    // Persist before notifying: after a crash the alert is remembered as sent rather than sent twice.
    // If the write throws, memory keeps the old states and the next evaluation tries again.
    this.o.persistence.apply(changes);
    for (const [i, state] of next) states[i] = state;
    for (const c of changes.counts) this.counters.add(c.bot, c.trigger, c.severity, 1, c.suppressed ? 1 : 0);
    this.changed(bot);
    for (const n of outgoing) this.send(n.kind, n.record, health);
    for (const r of changes.records) this.o.onChange?.(r);
  }

  /** Time-based conditions (stale, reminders, the probe): call every alerts.evaluation_interval_seconds. */
  tick(): void {
    for (const bot of this.o.bots()) this.evaluate(bot);
  }

  /** Wire from the dispatcher's onDelivery: appends the result to the alert record. */
  recordDelivery(alertId: string, delivery: Delivery): AlertRecord | undefined {
    const record = this.o.persistence.appendDelivery(alertId, delivery);
    if (record) this.refreshFiring(record);
    return record;
  }

  history(filter: HistoryFilter = {}): AlertRecord[] {
    return this.o.persistence.history(filter);
  }

  /** Acknowledges an alert; undefined when no record has that id. */
  ack(id: string, by?: string | null): AlertRecord | undefined {
    const record = this.o.persistence.ack(id, by && by.trim() !== "" ? by : "anonymous", this.o.clock.now());
    if (record) this.refreshFiring(record);
    return record;
  }

  /** The effective trigger table for every known bot. */
  triggers(): TriggerTableRow[] {
    return this.table.rows(this.o.bots());
  }

  /** One bot's effective triggers and counts (the per-bot alerting series of /metrics). */
  botAlerting(bot: string): BotAlerting {
    const settings = this.table.settingsOf(bot);
    return { triggers: TRIGGER_IDS.map((trigger, i) => ({ bot, trigger, ...settings[i]! })), ...this.counters.countsOf(bot) };
  }

  /**
   * Changes whenever botAlerting(bot) or the bot's firing states may have changed (a transition,
   * a firing record updated, a trigger setting changed), so /metrics re-reads only such bots.
   */
  revision(bot: string): number {
    return this.revisions.get(bot) ?? 0;
  }

  /**
   * What a bot's health depends on besides its own events (its safety state): whether it is stale
   * at clock.now(), and the probe's verdict when the probe speaks for it. Both move without an
   * event, so /metrics keys a bot's cached health on this string as well as on its revision.
   */
  healthKey(bot: string, activity: Pick<SafetySnapshot, "last_heartbeat_at" | "last_event_at">): string {
    const stale = isStale(activity, activity.last_event_at, this.o.clock.now(), this.o.settings.health);
    const probe = this.probeApplies(bot) ? this.probeStatus() : null;
    return probe === null ? (stale ? "stale" : "") : `${stale ? "stale" : ""} ${probe.status} ${probe.latency_ms}`;
  }

  /** Effective settings of one (bot, trigger), run-time overrides included. */
  triggerSettings(bot: string, trigger: TriggerId): TriggerSettings {
    return this.table.settings(bot, trigger);
  }

  /**
   * Applies a run-time change (PUT /api/v1/alerts/triggers/{trigger}): validated with
   * triggerPatchSchema, persisted, then the affected bots are re-evaluated at once.
   */
  setTrigger(trigger: string, body: unknown): TriggerChange {
    const applied = this.table.change(trigger, body, this.o.clock.now());
    const affected = applied.bot === null ? [...this.o.bots()] : [applied.bot];
    for (const b of affected) this.changed(b);
    for (const b of affected) this.evaluate(b);
    return {
      ...applied,
      effective: affected.map((b) => ({ bot: b, trigger: applied.trigger, ...this.triggerSettings(b, applied.trigger) })),
    };
  }

  /** Alerts firing now (trading_alert_firing). */
  firing(): FiringAlert[] {
    const out: FiringAlert[] = [];
    for (const states of this.states.values()) {
      for (const s of states) if (s?.firing) out.push({ bot: s.bot, trigger: s.trigger, severity: s.firing.severity });
    }
    return out;
  }

  /** trading_alerts_total{bot, trigger, severity}: every firing, notified or suppressed; survives restarts. */
  alertCounts(): AlertCount[] {
    return this.counters.alertCounts();
  }

  /** trading_alerts_suppressed_total{bot, trigger}; survives restarts. */
  suppressedCounts(): SuppressedCount[] {
    return this.counters.suppressedCounts();
  }

  health(bot: string): BotHealth | undefined {
    const safety = this.o.readSafety ? this.o.readSafety(bot) : this.o.readBot(bot)?.safety;
    return safety ? this.healthFrom(bot, safety, this.o.clock.now(), this.probeStatus()) : undefined;
  }

  /** Worst level over every known bot (HEALTHY with no bot). */
  overall(): HealthLevel {
    const levels: HealthLevel[] = [];
    for (const bot of this.o.bots()) {
      const h = this.health(bot);
      if (h) levels.push(h.level);
    }
    return overallHealth(levels);
  }

  private healthFrom(bot: string, safety: SafetySnapshot, now: number, probe: ProbeStatus | null): BotHealth {
    return botHealth(safety, safety.last_event_at, now, this.o.settings.health, this.probeApplies(bot) ? probe : null);
  }

  private probeApplies(bot: string): boolean {
    return this.o.probeBot === undefined || this.o.probeBot === null || this.o.probeBot === bot;
  }

  private changed(bot: string): void {
    this.revisions.set(bot, ++this.changes);
  }

  private probeStatus(): ProbeStatus | null {
    return this.o.probe?.() ?? null;
  }

  private statesOf(bot: string): (TriggerState | undefined)[] {
    let s = this.states.get(bot);
    if (!s) {
      s = new Array<TriggerState | undefined>(TRIGGER_IDS.length).fill(undefined);
      this.states.set(bot, s);
    }
    return s;
  }

  private send(kind: Notification["kind"], alert: AlertRecord, health: BotHealth): void {
    try {
      this.o.notify({
        kind,
        alert,
        health: { level: health.level, reasons: health.reasons },
        external_url: this.o.external_url ?? null,
      });
    } catch {
      // The dispatcher queues and never throws by contract; a bug there must not stop evaluation.
    }
  }

  /**
   * Keeps the in-memory firing record (deliveries, ack) equal to the stored one, and tells listeners
   * (a group's record is kept current by GroupAlerting, which the runtime tells).
   */
  private refreshFiring(record: AlertRecord): void {
    if (record.bot !== undefined && isTriggerId(record.trigger)) {
      const states = this.statesOf(record.bot);
      const i = TRIGGER_IDS.indexOf(record.trigger);
      const state = states[i];
      if (state?.firing?.id === record.id) {
        states[i] = { ...state, firing: record };
        this.changed(record.bot);
      }
    }
    this.o.onChange?.(record);
  }
}
