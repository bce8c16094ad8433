// Alert history (capped, filtered) and what survives a restart on the same SQLite file.
import { describe, expect, it } from "vitest";
import { closedAfterEach } from "./harness.js";
import { T0 } from "./snapshots.js";

const S = 1000;
const harness = closedAfterEach();

const KILL = { kill_switch: { active: true, reason: "max daily loss" } };

describe("alert history", () => {
  it("filters by bot, trigger, status and since, newest first, with a limit", () => {
    const h = harness({ alerts: { cooldown_seconds: 0 } });
    h.set("alpha", { daily_drawdown: 0.06 });
    h.clock.advance(S);
    h.set("beta", {}, KILL);
    h.clock.advance(S);
    h.set("alpha", { daily_drawdown: 0 });
    h.clock.advance(S);
    h.set("alpha", { daily_drawdown: 0.06, consecutive_losses: 11 });

    const all = h.alerting.history();
    expect(all.map((r) => `${r.bot}:${r.trigger}:${r.status}`)).toEqual([
      "alpha:consecutive_losses:firing",
      "alpha:daily_drawdown:firing",
      "beta:kill_switch_activation:firing",
      "alpha:daily_drawdown:resolved",
    ]);
    expect(h.alerting.history({ bot: "beta" })).toHaveLength(1);
    expect(h.alerting.history({ trigger: "daily_drawdown" })).toHaveLength(2);
    expect(h.alerting.history({ status: "resolved" }).map((r) => r.trigger)).toEqual(["daily_drawdown"]);
    expect(h.alerting.history({ since: T0 + S }).map((r) => r.started_at)).toEqual([T0 + 3 * S, T0 + 3 * S, T0 + S]);
    expect(h.alerting.history({ limit: 2 })).toHaveLength(2);
    expect(h.alerting.history({ bot: "alpha", trigger: "daily_drawdown", status: "firing" })).toHaveLength(1);
  });

  it("keeps only the newest history_size records", () => {
    const h = harness({ historySize: 5, alerts: { cooldown_seconds: 0 } });
    for (let i = 0; i < 8; i++) {
      h.set("alpha", {}, KILL);
      h.clock.advance(S);
      h.set("alpha");
      h.clock.advance(S);
    }
    const history = h.alerting.history({ limit: 100 });
    expect(history).toHaveLength(5);
    expect(history[0]!.started_at).toBe(T0 + 14 * S);
    expect(history.at(-1)!.started_at).toBe(T0 + 6 * S);
    const rows = h.db.prepare("SELECT COUNT(*) AS n FROM alert_records").get() as { n: number };
    expect(rows.n).toBe(5);
    // Counters are not capped with the history.
    expect(h.alerting.alertCounts()[0]!.count).toBe(8);
  });

  it("never prunes an alert that is still firing", () => {
    const h = harness({ historySize: 2, alerts: { cooldown_seconds: 0 } });
    h.set("alpha", {}, KILL); // stays firing throughout
    for (let i = 0; i < 4; i++) {
      h.set("alpha", { daily_drawdown: 0.06 }, KILL);
      h.set("alpha", {}, KILL);
    }
    h.reopen();
    expect(h.alerting.firing()).toEqual([{ bot: "alpha", trigger: "kill_switch_activation", severity: "critical" }]);
    h.set("alpha");
    expect(h.sent.at(-1)).toMatchObject({ kind: "resolved", alert: { trigger: "kill_switch_activation" } });
  });
});

describe("restart on the same database file", () => {
  it("does not re-send a firing alert that was already notified, and still resolves it", () => {
    const h = harness();
    h.set("alpha", {}, KILL);
    expect(h.sent).toHaveLength(1);
    h.reopen();
    h.clock.advance(10 * S);
    h.set("alpha", {}, KILL);
    h.alerting.tick();
    expect(h.sent).toHaveLength(1);
    expect(h.alerting.firing()).toHaveLength(1);
    h.set("alpha");
    expect(h.kinds()).toEqual(["firing:alpha:kill_switch_activation", "resolved:alpha:kill_switch_activation"]);
  });

  it("honours the cooldown across a restart", () => {
    const h = harness();
    h.set("alpha", { weekly_drawdown: 0.12 });
    h.clock.advance(60 * S);
    h.set("alpha");
    h.reopen();
    h.clock.advance(60 * S);
    h.set("alpha", { weekly_drawdown: 0.12 });
    expect(h.kinds()).toEqual(["firing:alpha:weekly_drawdown", "resolved:alpha:weekly_drawdown"]);
    expect(h.alerting.history({ limit: 1 })[0]).toMatchObject({ suppressed: true, notified: false });
    // The cooldown's end survives too: the suppressed alert, still firing, is notified at t = 300 s.
    h.reopen();
    h.clock.set(T0 + 300 * S - 1);
    h.alerting.tick();
    expect(h.sent).toHaveLength(2);
    h.clock.set(T0 + 300 * S);
    h.alerting.tick();
    expect(h.kinds().at(-1)).toBe("firing:alpha:weekly_drawdown");
    // And the reminder schedule: due one hour after that notification, across another restart.
    h.reopen();
    h.clock.set(T0 + 300 * S + 3600 * S);
    h.alerting.tick();
    expect(h.sent.at(-1)!.kind).toBe("reminder");
  });

  it("keeps run-time overrides, acknowledgments, deliveries and counters", () => {
    const h = harness();
    h.set("alpha");
    h.alerting.setTrigger("total_drawdown", { threshold: 0.1 });
    h.alerting.setTrigger("low_win_rate", { bot: "alpha", min_trades: 30, enabled: false });
    h.set("alpha", { drawdown: 0.15 });
    const id = h.sent[0]!.alert.id;
    h.alerting.ack(id, "ops");
    h.alerting.recordDelivery(id, { channel: "webhook", ok: true, attempts: 2, error: null, at: T0 });

    h.reopen();
    const row = (trigger: string) => h.alerting.triggers().find((r) => r.bot === "alpha" && r.trigger === trigger);
    expect(row("total_drawdown")).toMatchObject({ threshold: 0.1 });
    expect(row("low_win_rate")).toMatchObject({ min_trades: 30, enabled: false });
    expect(h.alerting.history()[0]).toMatchObject({ id, acknowledged_by: "ops", deliveries: [{ channel: "webhook", attempts: 2 }] });
    expect(h.alerting.alertCounts()).toEqual([{ bot: "alpha", trigger: "total_drawdown", severity: "critical", count: 1 }]);
    expect(h.alerting.suppressedCounts()).toEqual([{ bot: "alpha", trigger: "total_drawdown", count: 0 }]);
    // Still firing at the restored threshold: no new notification.
    h.set("alpha", { drawdown: 0.15 });
    expect(h.sent).toHaveLength(1);
  });
});
