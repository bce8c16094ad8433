// Alerting end to end (no HTTP): snapshots in, notifications out, state on a real SQLite file.
import { describe, expect, it } from "vitest";
import { TriggerChangeError } from "../../src/engine/trigger-table.js";
import { closedAfterEach } from "./harness.js";
import { T0 } from "./snapshots.js";

const S = 1000;
const harness = closedAfterEach();

const KILL = { kill_switch: { active: true, reason: "max daily loss" } };

describe("Alerting", () => {
  it("fires a notification with the record, the bot's health and the dashboard link", () => {
    const h = harness();
    h.set("alpha");
    expect(h.sent).toEqual([]);
    h.set("alpha", {}, KILL);
    expect(h.kinds()).toEqual(["firing:alpha:kill_switch_activation"]);
    const n = h.sent[0]!;
    expect(n.alert).toMatchObject({
      bot: "alpha",
      trigger: "kill_switch_activation",
      severity: "critical",
      status: "firing",
      value: 1,
      threshold: null,
      message: "kill switch active: max daily loss",
      started_at: T0,
      notified: true,
      suppressed: false,
    });
    expect(n.health).toEqual({ level: "CRITICAL", reasons: ["kill switch active: max daily loss"] });
    expect(n.external_url).toBe("http://grafana.example/d/trading");
    expect(h.alerting.firing()).toEqual([{ bot: "alpha", trigger: "kill_switch_activation", severity: "critical" }]);
    expect(h.alerting.history()).toHaveLength(1);
    expect(h.changes.map((r) => r.status)).toEqual(["firing"]);
  });

  it("keeps bots apart: one bot's alert does not touch another's", () => {
    const h = harness();
    h.set("alpha", { daily_drawdown: 0.06 });
    h.set("beta", { daily_drawdown: 0.01 });
    expect(h.kinds()).toEqual(["firing:alpha:daily_drawdown"]);
    h.set("beta", { daily_drawdown: 0.07 });
    // beta's first firing is not in alpha's cooldown.
    expect(h.kinds()).toEqual(["firing:alpha:daily_drawdown", "firing:beta:daily_drawdown"]);
  });

  it("acceptance with a real store: flapping within 5 minutes → one firing notification and two suppressed records; the one still firing is notified when the cooldown ends", () => {
    const h = harness();
    const flap = (active: boolean) => {
      h.set("alpha", { consecutive_losses: active ? 12 : 0 });
      h.clock.advance(60 * S);
    };
    flap(true);
    flap(false);
    flap(true);
    flap(false);
    flap(true);
    const history = h.alerting.history({ trigger: "consecutive_losses" });
    expect(history).toHaveLength(3);
    expect(history.filter((r) => r.suppressed)).toHaveLength(2);
    expect(history.map((r) => r.status)).toEqual(["firing", "resolved", "resolved"]);
    expect(h.alerting.alertCounts()).toEqual([{ bot: "alpha", trigger: "consecutive_losses", severity: "warning", count: 3 }]);
    expect(h.alerting.suppressedCounts()).toEqual([{ bot: "alpha", trigger: "consecutive_losses", count: 2 }]);

    // The clock is at t = 5 min, the end of the cooldown begun by the first notification.
    h.alerting.tick();
    expect(h.kinds()).toEqual(["firing:alpha:consecutive_losses", "resolved:alpha:consecutive_losses", "firing:alpha:consecutive_losses"]);
    expect(h.sent.at(-1)!.alert).toMatchObject({ id: history[0]!.id, started_at: T0 + 240 * S, notified: true });
    expect(h.alerting.history({ limit: 1 })[0]).toMatchObject({ id: history[0]!.id, notified: true, status: "firing" });
    // A late notification is not a new firing: the counters stay.
    expect(h.alerting.alertCounts()[0]!.count).toBe(3);

    h.clock.set(T0 + 300 * S + 3600 * S);
    h.alerting.tick();
    expect(h.sent.at(-1)!.kind).toBe("reminder");
    h.set("alpha", { consecutive_losses: 0 });
    h.alerting.tick();
    expect(h.sent.map((n) => n.kind)).toEqual(["firing", "resolved", "firing", "reminder", "resolved"]);
  });

  it("fire → resolve → re-fire inside the cooldown → notified when the cooldown ends (a critical kill switch)", () => {
    const h = harness();
    h.set("alpha", {}, KILL); // t = 0: notified
    h.clock.advance(30 * S);
    h.set("alpha"); // t = 30 s: resolved, notified
    h.clock.advance(30 * S);
    h.set("alpha", {}, KILL); // t = 60 s: inside the 300 s cooldown → suppressed
    expect(h.kinds()).toEqual(["firing:alpha:kill_switch_activation", "resolved:alpha:kill_switch_activation"]);
    // The evaluation timer keeps ticking; nothing goes out before the cooldown ends at t = 300 s.
    for (let t = 65; t < 300; t += 5) {
      h.clock.set(T0 + t * S);
      h.alerting.tick();
    }
    expect(h.sent).toHaveLength(2);
    h.clock.set(T0 + 300 * S);
    h.alerting.tick();
    expect(h.kinds().at(-1)).toBe("firing:alpha:kill_switch_activation");
    expect(h.sent.at(-1)!.alert).toMatchObject({ severity: "critical", started_at: T0 + 60 * S, status: "firing", notified: true });
    // Exactly once: the next ticks inside the repeat interval send nothing more.
    h.clock.advance(60 * S);
    h.alerting.tick();
    expect(h.sent).toHaveLength(3);
  });

  it("tick() catches time-based conditions: a silent bot goes stale, then recovers", () => {
    const h = harness();
    h.set("alpha", {}, { last_heartbeat_at: T0, last_event_at: T0 });
    h.clock.advance(599 * S);
    h.alerting.tick();
    expect(h.sent).toEqual([]);
    h.clock.advance(S);
    h.alerting.tick();
    expect(h.kinds()).toEqual(["firing:alpha:bot_stale"]);
    expect(h.sent[0]!.alert).toMatchObject({ value: 600, threshold: 600 });
    expect(h.alerting.health("alpha")).toMatchObject({ level: "DEGRADED", stale: true });
    h.set("alpha", {}, { last_heartbeat_at: T0 + 700 * S, last_event_at: T0 + 700 * S });
    expect(h.kinds()).toEqual(["firing:alpha:bot_stale", "resolved:alpha:bot_stale"]);
  });

  it("the probe counts only for api_probe.bot", () => {
    const h = harness({ probeBot: "alpha" });
    h.set("alpha");
    h.set("beta");
    h.probeStatus = { status: "disconnected", latency_ms: null, checked_at: T0, consecutive_failures: 3, error: "HTTP 502" };
    h.alerting.tick();
    expect(h.kinds()).toEqual(["firing:alpha:api_disconnected"]);
    expect(h.alerting.health("beta")!.level).toBe("HEALTHY");
    expect(h.alerting.overall()).toBe("DEGRADED");
  });

  it("the probe counts for every bot when api_probe.bot is not set", () => {
    const h = harness();
    h.set("alpha");
    h.set("beta");
    h.probeStatus = { status: "disconnected", latency_ms: null, checked_at: T0, consecutive_failures: 3, error: "HTTP 502" };
    h.alerting.tick();
    expect(h.kinds().sort()).toEqual(["firing:alpha:api_disconnected", "firing:beta:api_disconnected"]);
  });

  it("health(bot) and overall() follow the worst bot", () => {
    const h = harness();
    h.set("alpha");
    h.set("beta", {}, { circuit_breaker: { open: true } });
    expect(h.alerting.overall()).toBe("DEGRADED");
    h.set("gamma", {}, KILL);
    expect(h.alerting.overall()).toBe("CRITICAL");
    expect(h.alerting.health("alpha")!.level).toBe("HEALTHY");
    expect(h.alerting.health("nobody")).toBeUndefined();
  });

  describe("run-time trigger changes", () => {
    it("rejects an unknown trigger (404) and an invalid body (422 with every issue)", () => {
      const h = harness();
      expect(() => h.alerting.setTrigger("moon_phase", { enabled: false })).toThrow(TriggerChangeError);
      try {
        h.alerting.setTrigger("daily_drawdown", { threshold: 2, severity: "loud" });
        expect.unreachable();
      } catch (e) {
        const err = e as TriggerChangeError;
        expect(err.status).toBe(422);
        expect(err.errors.map((x) => x.path).sort()).toEqual(["severity", "threshold"]);
      }
      expect(() => h.alerting.setTrigger("moon_phase", {})).toThrow(expect.objectContaining({ status: 404 }));
    });

    it("applies at once: a lower threshold fires, disabling resolves a firing alert", () => {
      const h = harness();
      h.set("alpha", { daily_drawdown: 0.04 });
      expect(h.sent).toEqual([]);
      const change = h.alerting.setTrigger("daily_drawdown", { threshold: 0.03 });
      expect(change.effective).toEqual([
        { bot: "alpha", trigger: "daily_drawdown", enabled: true, threshold: 0.03, min_trades: null, severity: "warning" },
      ]);
      expect(h.kinds()).toEqual(["firing:alpha:daily_drawdown"]);
      expect(h.sent[0]!.alert.threshold).toBe(0.03);

      h.clock.advance(S);
      h.alerting.setTrigger("daily_drawdown", { bot: "alpha", enabled: false });
      expect(h.kinds()).toEqual(["firing:alpha:daily_drawdown", "resolved:alpha:daily_drawdown"]);
      expect(h.alerting.firing()).toEqual([]);
      // Stays quiet while disabled.
      h.set("alpha", { daily_drawdown: 0.5 });
      expect(h.sent).toHaveLength(2);
    });

    it("a per-bot change beats the change for all bots, and merges with earlier changes", () => {
      const h = harness({ triggers: { consecutive_losses: { threshold: 8 } } });
      h.set("alpha");
      h.set("beta");
      h.alerting.setTrigger("consecutive_losses", { threshold: 5 });
      h.alerting.setTrigger("consecutive_losses", { bot: "beta", threshold: 3 });
      h.alerting.setTrigger("consecutive_losses", { bot: "beta", severity: "critical" });
      const row = (bot: string) => h.alerting.triggers().find((r) => r.bot === bot && r.trigger === "consecutive_losses");
      expect(row("alpha")).toMatchObject({ threshold: 5, severity: "warning" });
      expect(row("beta")).toMatchObject({ threshold: 3, severity: "critical" });
      h.set("alpha", { consecutive_losses: 4 });
      h.set("beta", { consecutive_losses: 4 });
      expect(h.kinds()).toEqual(["firing:beta:consecutive_losses"]);
      expect(h.sent[0]!.alert.severity).toBe("critical");
    });
  });

  it("records deliveries on the alert and keeps them when the alert resolves", () => {
    const h = harness();
    h.set("alpha", {}, KILL);
    const id = h.sent[0]!.alert.id;
    h.alerting.recordDelivery(id, { channel: "slack", ok: true, attempts: 1, error: null, at: T0 + 5 });
    h.alerting.recordDelivery(id, { channel: "email", ok: false, attempts: 3, error: "connection refused", at: T0 + 9 });
    expect(h.alerting.recordDelivery("no-such-alert", { channel: "slack", ok: true, attempts: 1, error: null, at: T0 })).toBeUndefined();
    h.clock.advance(S);
    h.set("alpha");
    const [record] = h.alerting.history({ trigger: "kill_switch_activation" });
    expect(record).toMatchObject({ status: "resolved", resolved_at: T0 + S });
    expect(record!.deliveries).toEqual([
      { channel: "slack", ok: true, attempts: 1, error: null, at: T0 + 5 },
      { channel: "email", ok: false, attempts: 3, error: "connection refused", at: T0 + 9 },
    ]);
    // The resolved notification carries the deliveries of the firing.
    expect(h.sent.at(-1)!.alert.deliveries).toHaveLength(2);
  });

  it("acknowledges an alert once; unknown ids give undefined", () => {
    const h = harness();
    h.set("alpha", {}, KILL);
    const id = h.sent[0]!.alert.id;
    h.clock.advance(30 * S);
    expect(h.alerting.ack(id, "oncall@example.com")).toMatchObject({ acknowledged_by: "oncall@example.com", acknowledged_at: T0 + 30 * S });
    h.clock.advance(30 * S);
    expect(h.alerting.ack(id, "someone-else")).toMatchObject({ acknowledged_by: "oncall@example.com", acknowledged_at: T0 + 30 * S });
    expect(h.alerting.ack("nope", "x")).toBeUndefined();
    expect(h.alerting.ack(h.sent[0]!.alert.id)).toBeDefined();
  });
});

describe("metrics view (trading_alert_* series)", () => {
  it("gives each bot's effective triggers and counts, what fires, and a revision that moves with them", () => {
    const h = harness({ bots: { beta: { triggers: { low_win_rate: { min_trades: 40 } } } } });
    h.set("beta");
    const calm = h.alerting.revision("alpha");
    h.set("alpha", {}, KILL);
    expect(h.alerting.revision("alpha")).not.toBe(calm);
    const alpha = h.alerting.botAlerting("alpha");
    const beta = h.alerting.botAlerting("beta");
    expect(alpha.triggers).toHaveLength(9);
    expect(beta.triggers.find((r) => r.trigger === "low_win_rate")).toMatchObject({
      bot: "beta",
      min_trades: 40,
      threshold: 0.3,
      enabled: true,
    });
    expect(alpha.triggers.find((r) => r.trigger === "low_win_rate")).toMatchObject({ bot: "alpha", min_trades: 10 });
    expect(h.alerting.firing()).toEqual([{ bot: "alpha", trigger: "kill_switch_activation", severity: "critical" }]);
    expect(alpha.alertCounts).toEqual([{ bot: "alpha", trigger: "kill_switch_activation", severity: "critical", count: 1 }]);
    expect(alpha.suppressedCounts).toEqual([{ bot: "alpha", trigger: "kill_switch_activation", count: 0 }]);
    expect(beta.alertCounts).toEqual([]);
    expect(h.alerting.alertCounts()).toEqual(alpha.alertCounts);

    // Nothing changed: the same revision. A trigger setting changed: every bot's moves.
    const before = [h.alerting.revision("alpha"), h.alerting.revision("beta")];
    h.alerting.evaluate("alpha");
    h.alerting.evaluate("beta");
    expect([h.alerting.revision("alpha"), h.alerting.revision("beta")]).toEqual(before);
    h.alerting.setTrigger("low_win_rate", { threshold: 0.2 });
    expect(h.alerting.revision("alpha")).not.toBe(before[0]);
    expect(h.alerting.revision("beta")).not.toBe(before[1]);
    expect(h.alerting.botAlerting("beta").triggers.find((r) => r.trigger === "low_win_rate")).toMatchObject({ threshold: 0.2 });
  });
});

describe("health key (what a bot's cached health series are keyed on besides its events)", () => {
  const probe = (status: "connected" | "degraded" | "disconnected", latency_ms: number) => ({
    status,
    latency_ms,
    checked_at: T0,
    consecutive_failures: status === "disconnected" ? 3 : 0,
    error: null,
  });

  it("moves when the bot goes stale, and with the probe's status and latency", () => {
    const h = harness();
    const heard = { last_heartbeat_at: T0, last_event_at: T0 };
    const fresh = h.alerting.healthKey("alpha", heard);
    h.clock.advance(599 * S);
    expect(h.alerting.healthKey("alpha", heard)).toBe(fresh);
    h.clock.advance(1 * S); // stale_after_seconds (600), boundary included
    const stale = h.alerting.healthKey("alpha", heard);
    expect(stale).not.toBe(fresh);
    // Without a heartbeat a bot is never stale.
    expect(h.alerting.healthKey("alpha", { last_heartbeat_at: null, last_event_at: T0 })).toBe(fresh);

    h.probeStatus = probe("connected", 20);
    const connected = h.alerting.healthKey("alpha", heard);
    expect(connected).not.toBe(stale);
    h.probeStatus = probe("connected", 35);
    const slower = h.alerting.healthKey("alpha", heard);
    expect(slower).not.toBe(connected);
    h.probeStatus = probe("disconnected", 35);
    expect(h.alerting.healthKey("alpha", heard)).not.toBe(slower);
  });

  it("ignores the probe for a bot it does not speak for", () => {
    const h = harness({ probeBot: "beta" });
    const heard = { last_heartbeat_at: T0, last_event_at: T0 };
    const before = h.alerting.healthKey("alpha", heard);
    h.probeStatus = probe("disconnected", 5);
    expect(h.alerting.healthKey("alpha", heard)).toBe(before);
    expect(h.alerting.healthKey("beta", heard)).not.toBe(before);
  });
});
