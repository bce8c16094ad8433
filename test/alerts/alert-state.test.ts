// The pure (bot, trigger) state machine, driven with a hand-moved clock.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import {
  ALERT_POLICY_DEFAULTS,
  initialState,
  stepAlert,
  type AlertPolicy,
  type NotifyAction,
  type Observation,
  type TriggerState,
} from "../../src/engine/alert-state.js";
import type { AlertRecord } from "../../src/notify/types.js";
import { T0 } from "./snapshots.js";

const S = 1000;

/** Drives one (bot, trigger) and keeps everything it notified and saved. */
function machine(policy: AlertPolicy = ALERT_POLICY_DEFAULTS) {
  const clock = new ManualClock(T0);
  let state: TriggerState = initialState("alpha", "daily_drawdown");
  let n = 0;
  const sent: NotifyAction[] = [];
  const saved = new Map<string, AlertRecord>();
  const obs = (active: boolean): Observation => ({
    active,
    value: active ? 0.06 : 0.01,
    threshold: 0.05,
    severity: "warning",
    message: "daily drawdown",
  });
  return {
    clock,
    sent,
    saved,
    get state() {
      return state;
    },
    observe(active: boolean) {
      const t = stepAlert(state, obs(active), clock.now(), policy, () => `a${++n}`);
      state = t.state;
      sent.push(...t.notify);
      for (const r of t.save) saved.set(r.id, r);
      return t;
    },
  };
}

describe("alert state machine (§7)", () => {
  it("stays inactive while the condition is false, with nothing to do", () => {
    const m = machine();
    const t = m.observe(false);
    expect(t).toMatchObject({ changed: false, notify: [], save: [] });
    expect(m.state.firing).toBeNull();
  });

  it("fires once, notifies once, and does not repeat while firing within the repeat interval", () => {
    const m = machine();
    const t = m.observe(true);
    expect(t).toMatchObject({ fired: true, suppressed: false, changed: true });
    expect(t.notify.map((a) => a.kind)).toEqual(["firing"]);
    expect(t.save[0]).toMatchObject({ status: "firing", notified: true, suppressed: false, started_at: T0, value: 0.06, threshold: 0.05 });
    m.clock.advance(59 * 60 * S);
    expect(m.observe(true).changed).toBe(false);
    expect(m.sent).toHaveLength(1);
  });

  it("acceptance: flapping three times within 5 minutes gives one firing notification and two suppressed records; the one still firing when the cooldown ends is notified then; reminders count from it", () => {
    const m = machine();
    m.observe(true); // t = 0: fires, notified
    m.clock.advance(60 * S);
    m.observe(false); // t = 1 min: resolves (notified firing → resolved message)
    m.clock.advance(60 * S);
    m.observe(true); // t = 2 min: cooldown → suppressed
    m.clock.advance(60 * S);
    m.observe(false); // t = 3 min: resolves silently (was not notified)
    m.clock.advance(60 * S);
    m.observe(true); // t = 4 min: suppressed again
    const records = [...m.saved.values()];
    expect(records).toHaveLength(3);
    expect(records.filter((r) => r.suppressed)).toHaveLength(2);
    expect(records.filter((r) => r.notified)).toHaveLength(1);
    expect(m.sent.map((a) => a.kind)).toEqual(["firing", "resolved"]);

    // The cooldown counts from the last firing notification (t = 0): it ends at t = 5 min, and the
    // alert still firing then is notified, so the last word is not "resolved" while it fires.
    m.clock.set(T0 + 300 * S - 1);
    expect(m.observe(true).notify).toEqual([]);
    m.clock.set(T0 + 300 * S);
    const late = m.observe(true);
    expect(late.notify.map((a) => a.kind)).toEqual(["firing"]);
    expect(late.notify[0]!.record).toMatchObject({
      id: "a3",
      status: "firing",
      suppressed: true,
      notified: true,
      started_at: T0 + 240 * S,
    });
    expect(late).toMatchObject({ fired: false, changed: true });
    expect(m.saved.get("a3")).toMatchObject({ notified: true });
    expect(m.state.last_notified_at).toBe(T0 + 300 * S);

    // Reminders count from that notification: one repeat interval after t = 5 min.
    m.clock.set(T0 + 300 * S + 3600 * S - 1);
    expect(m.observe(true).notify).toEqual([]);
    m.clock.set(T0 + 300 * S + 3600 * S);
    const reminder = m.observe(true);
    expect(reminder.notify.map((a) => a.kind)).toEqual(["reminder"]);
    expect(reminder.notify[0]!.record).toMatchObject({ id: "a3", notified: true });

    // Resolution: notified once (the alert was notified), and never again while inactive.
    m.clock.advance(10 * S);
    const resolved = m.observe(false);
    expect(resolved.notify.map((a) => a.kind)).toEqual(["resolved"]);
    expect(resolved.notify[0]!.record).toMatchObject({ id: "a3", status: "resolved", resolved_at: m.clock.now() });
    m.clock.advance(10 * S);
    expect(m.observe(false).notify).toEqual([]);
    expect(m.sent.map((a) => a.kind)).toEqual(["firing", "resolved", "firing", "reminder", "resolved"]);
  });

  it("a suppressed firing that resolves inside the cooldown stays silent: nothing is sent about it", () => {
    const m = machine();
    m.observe(true);
    m.clock.advance(10 * S);
    m.observe(false);
    m.clock.advance(10 * S);
    expect(m.observe(true).suppressed).toBe(true);
    m.clock.advance(10 * S);
    expect(m.observe(false).notify).toEqual([]);
    m.clock.set(T0 + 3600 * S);
    expect(m.observe(false).changed).toBe(false);
    expect(m.sent.map((a) => a.kind)).toEqual(["firing", "resolved"]);
  });

  it("a cooldown longer than the repeat interval: the suppressed firing is still notified as a firing at the cooldown's end", () => {
    const m = machine({ cooldown_seconds: 600, repeat_interval_seconds: 120, send_resolved: true });
    m.observe(true);
    m.clock.advance(S);
    m.observe(false);
    m.clock.advance(S);
    m.observe(true); // suppressed at t = 2 s
    m.clock.set(T0 + 599 * S);
    expect(m.observe(true).notify).toEqual([]);
    m.clock.set(T0 + 600 * S);
    expect(m.observe(true).notify.map((a) => a.kind)).toEqual(["firing"]);
    m.clock.set(T0 + 720 * S);
    expect(m.observe(true).notify.map((a) => a.kind)).toEqual(["reminder"]);
  });

  it("fires with a notification again once the cooldown has passed (boundary included)", () => {
    const m = machine();
    m.observe(true);
    m.clock.advance(10 * S);
    m.observe(false);
    m.clock.set(T0 + 300 * S - 1);
    expect(m.observe(true).suppressed).toBe(true);
    m.observe(false);
    m.clock.set(T0 + 300 * S);
    const t = m.observe(true);
    expect(t).toMatchObject({ fired: true, suppressed: false });
    expect(t.notify.map((a) => a.kind)).toEqual(["firing"]);
  });

  it("does not notify resolution when send_resolved is false", () => {
    const m = machine({ ...ALERT_POLICY_DEFAULTS, send_resolved: false });
    m.observe(true);
    m.clock.advance(S);
    const t = m.observe(false);
    expect(t.notify).toEqual([]);
    expect(t.save[0]).toMatchObject({ status: "resolved", resolved_at: T0 + S });
  });

  it("sends no reminders when repeat_interval_seconds is 0", () => {
    const m = machine({ ...ALERT_POLICY_DEFAULTS, repeat_interval_seconds: 0 });
    m.observe(true);
    m.clock.advance(100 * 3600 * S);
    expect(m.observe(true).changed).toBe(false);
    expect(m.sent).toHaveLength(1);
  });

  it("notifies every firing when the cooldown is 0", () => {
    const m = machine({ ...ALERT_POLICY_DEFAULTS, cooldown_seconds: 0 });
    for (let i = 0; i < 3; i++) {
      m.observe(true);
      m.observe(false);
    }
    expect(m.sent.filter((a) => a.kind === "firing")).toHaveLength(3);
  });
});
