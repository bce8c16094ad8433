import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { botHealth, HEALTH_DEFAULTS, type ProbeStatus } from "../../src/domain/health.js";
import {
  describeTrigger,
  effectiveTriggerSettings,
  effectiveTriggerTable,
  evaluateTrigger,
  triggerPatchSchema,
  type RuntimeOverrides,
} from "../../src/domain/triggers.js";
import { TRIGGER_IDS, type TriggerId, type TriggerOverride } from "../../src/domain/trigger-defaults.js";
import type { PerformanceSnapshot, SafetySnapshot } from "../../src/domain/snapshots.js";
import { perfSnapshot, safetySnapshot, T0 } from "./snapshots.js";

function run(
  id: TriggerId,
  perf: PerformanceSnapshot,
  safety: SafetySnapshot = safetySnapshot(),
  opts: { now?: number; probe?: ProbeStatus; settings?: TriggerOverride } = {},
) {
  const now = opts.now ?? T0;
  const health = botHealth(safety, safety.last_event_at, now, HEALTH_DEFAULTS, opts.probe ?? null);
  const settings = { ...effectiveTriggerSettings("alpha", id), ...opts.settings };
  const ctx = { safety, health, now, staleAfterSeconds: HEALTH_DEFAULTS.stale_after_seconds };
  const ev = evaluateTrigger(id, perf, ctx, settings);
  return { ...ev, message: describeTrigger(id, ev, perf, ctx, settings) };
}

describe("the nine triggers (§7)", () => {
  it("has the §7 ids, defaults and severities", () => {
    expect(TRIGGER_IDS).toHaveLength(9);
    const table = Object.fromEntries(TRIGGER_IDS.map((id) => [id, effectiveTriggerSettings("alpha", id)]));
    expect(table).toEqual({
      daily_drawdown: { enabled: true, threshold: 0.05, min_trades: null, severity: "warning" },
      weekly_drawdown: { enabled: true, threshold: 0.1, min_trades: null, severity: "error" },
      total_drawdown: { enabled: true, threshold: 0.2, min_trades: null, severity: "critical" },
      circuit_breaker_trip: { enabled: true, threshold: null, min_trades: null, severity: "critical" },
      kill_switch_activation: { enabled: true, threshold: null, min_trades: null, severity: "critical" },
      consecutive_losses: { enabled: true, threshold: 10, min_trades: null, severity: "warning" },
      low_win_rate: { enabled: true, threshold: 0.3, min_trades: 10, severity: "warning" },
      api_disconnected: { enabled: true, threshold: null, min_trades: null, severity: "error" },
      bot_stale: { enabled: true, threshold: null, min_trades: null, severity: "error" },
    });
  });

  describe.each([
    ["daily_drawdown", "daily_drawdown", 0.05],
    ["weekly_drawdown", "weekly_drawdown", 0.1],
    ["total_drawdown", "drawdown", 0.2],
  ] as const)("%s", (id, field, threshold) => {
    it("fires at the threshold (≥) and not just below it", () => {
      const at = run(id, perfSnapshot({ [field]: threshold }));
      expect(at).toMatchObject({ active: true, value: threshold, threshold });
      expect(at.message).toContain("≥ threshold");
      expect(run(id, perfSnapshot({ [field]: threshold - 1e-9 })).active).toBe(false);
      expect(run(id, perfSnapshot({ [field]: 0 })).active).toBe(false);
    });
    it("never fires on NaN", () => {
      expect(run(id, perfSnapshot({ [field]: Number.NaN })).active).toBe(false);
    });
  });

  it("daily drawdown reads as a percentage against the threshold", () => {
    expect(run("daily_drawdown", perfSnapshot({ daily_drawdown: 0.062 })).message).toBe("daily drawdown 6.20% ≥ threshold 5.00%");
  });

  it("consecutive_losses fires at 10 and resolves below", () => {
    expect(run("consecutive_losses", perfSnapshot({ consecutive_losses: 10 }))).toMatchObject({ active: true, value: 10, threshold: 10 });
    expect(run("consecutive_losses", perfSnapshot({ consecutive_losses: 9 })).active).toBe(false);
    expect(run("consecutive_losses", perfSnapshot({ consecutive_losses: 0 })).active).toBe(false);
  });

  it("low_win_rate fires below the threshold only with n ≥ min_trades", () => {
    const low = { win_rate: 0.2, window_trades: 10 };
    expect(run("low_win_rate", perfSnapshot(low))).toMatchObject({ active: true, value: 0.2, threshold: 0.3 });
    // Too few trades: not yet meaningful.
    const few = run("low_win_rate", perfSnapshot({ ...low, window_trades: 9 }));
    expect(few.active).toBe(false);
    expect(few.message).toContain("needs at least 10 trades");
    // At the threshold is not below it.
    expect(run("low_win_rate", perfSnapshot({ win_rate: 0.3, window_trades: 50 })).active).toBe(false);
    expect(run("low_win_rate", perfSnapshot({ win_rate: 0.29, window_trades: 50 })).active).toBe(true);
    // No trades: NaN win rate never fires, even with min_trades lowered to 0... which the schema refuses anyway.
    expect(run("low_win_rate", perfSnapshot(), safetySnapshot(), { settings: { min_trades: 0 } }).active).toBe(false);
    // min_trades is configurable.
    expect(run("low_win_rate", perfSnapshot({ ...low, window_trades: 5 }), safetySnapshot(), { settings: { min_trades: 5 } }).active).toBe(
      true,
    );
  });

  it("circuit_breaker_trip fires while the breaker is open", () => {
    const open = run("circuit_breaker_trip", perfSnapshot(), safetySnapshot({ circuit_breaker: { open: true, reason: "3 losses" } }));
    expect(open).toMatchObject({ active: true, value: 1, threshold: null, message: "circuit breaker open: 3 losses" });
    expect(run("circuit_breaker_trip", perfSnapshot(), safetySnapshot())).toMatchObject({ active: false, value: 0 });
  });

  it("kill_switch_activation fires while the kill switch is active", () => {
    const on = run("kill_switch_activation", perfSnapshot(), safetySnapshot({ kill_switch: { active: true, reason: "manual" } }));
    expect(on).toMatchObject({ active: true, value: 1, message: "kill switch active: manual" });
    expect(run("kill_switch_activation", perfSnapshot(), safetySnapshot()).active).toBe(false);
  });

  it("api_disconnected fires on the bot's report or on the probe, not on degraded", () => {
    expect(run("api_disconnected", perfSnapshot(), safetySnapshot({ api: { status: "disconnected" } })).active).toBe(true);
    expect(run("api_disconnected", perfSnapshot(), safetySnapshot({ api: { status: "degraded" } })).active).toBe(false);
    const probe: ProbeStatus = { status: "disconnected", latency_ms: null, checked_at: T0, consecutive_failures: 3, error: "HTTP 502" };
    const viaProbe = run("api_disconnected", perfSnapshot(), safetySnapshot({ api: { status: "connected" } }), { probe });
    expect(viaProbe).toMatchObject({ active: true, message: "exchange API disconnected (probe: 3 consecutive failures)" });
    expect(run("api_disconnected", perfSnapshot(), safetySnapshot({ api: { status: "connected" } })).active).toBe(false);
  });

  it("bot_stale fires when the bot is stale and reports its silence in seconds", () => {
    const s = safetySnapshot({ last_heartbeat_at: T0, last_event_at: T0 });
    const stale = run("bot_stale", perfSnapshot(), s, { now: T0 + 720_000 });
    expect(stale).toMatchObject({ active: true, value: 720, threshold: 600, message: "no event for 12 min (stale after 10 min)" });
    expect(run("bot_stale", perfSnapshot(), s, { now: T0 + 599_000 }).active).toBe(false);
    // No heartbeat ever: never stale.
    expect(run("bot_stale", perfSnapshot(), safetySnapshot(), { now: T0 + 10 * 720_000 }).active).toBe(false);
  });

  it("a disabled trigger never fires", () => {
    const cases: [TriggerId, PerformanceSnapshot, SafetySnapshot][] = [
      ["daily_drawdown", perfSnapshot({ daily_drawdown: 0.5 }), safetySnapshot()],
      ["kill_switch_activation", perfSnapshot(), safetySnapshot({ kill_switch: { active: true } })],
      ["low_win_rate", perfSnapshot({ win_rate: 0, window_trades: 100 }), safetySnapshot()],
    ];
    for (const [id, perf, safety] of cases) {
      expect(run(id, perf, safety).active).toBe(true);
      expect(run(id, perf, safety, { settings: { enabled: false } }).active).toBe(false);
    }
  });
});

describe("effective trigger settings", () => {
  const config = configSchema.parse({
    triggers: { daily_drawdown: { threshold: 0.03 }, low_win_rate: { min_trades: 20 } },
    bots: { beta: { triggers: { daily_drawdown: { threshold: 0.08, severity: "critical" } } } },
  });
  const runtime = (entries: [TriggerId, string | null, TriggerOverride][]): RuntimeOverrides => ({
    get: (t, b) => entries.find(([et, eb]) => et === t && eb === b)?.[2],
  });

  it("layers defaults ← config ← per-bot config ← run-time all bots ← run-time per bot", () => {
    expect(effectiveTriggerSettings("alpha", "daily_drawdown", config).threshold).toBe(0.03);
    expect(effectiveTriggerSettings("beta", "daily_drawdown", config)).toMatchObject({ threshold: 0.08, severity: "critical" });
    expect(effectiveTriggerSettings("alpha", "low_win_rate", config).min_trades).toBe(20);

    const rt = runtime([
      ["daily_drawdown", null, { threshold: 0.04 }],
      ["daily_drawdown", "gamma", { threshold: 0.06, enabled: false }],
    ]);
    // The run-time change for all bots beats the file, per-bot file entries included.
    expect(effectiveTriggerSettings("beta", "daily_drawdown", config, rt)).toMatchObject({ threshold: 0.04, severity: "critical" });
    expect(effectiveTriggerSettings("alpha", "daily_drawdown", config, rt).threshold).toBe(0.04);
    // The per-bot run-time change beats everything.
    expect(effectiveTriggerSettings("gamma", "daily_drawdown", config, rt)).toMatchObject({ threshold: 0.06, enabled: false });
  });

  it("ignores a threshold given to an on/off trigger", () => {
    const rt = runtime([["kill_switch_activation", null, { threshold: 5 }]]);
    expect(effectiveTriggerSettings("alpha", "kill_switch_activation", {}, rt).threshold).toBeNull();
  });

  it("gives one row per (bot, trigger) for the table", () => {
    const rows = effectiveTriggerTable(["alpha", "beta"], config);
    expect(rows).toHaveLength(18);
    expect(rows.find((r) => r.bot === "beta" && r.trigger === "daily_drawdown")).toMatchObject({ threshold: 0.08, enabled: true });
  });
});

describe("trigger change schema (PUT /api/v1/alerts/triggers/{trigger})", () => {
  it("accepts a valid change, with or without a bot", () => {
    expect(triggerPatchSchema("daily_drawdown").parse({ threshold: 0.07 })).toEqual({ threshold: 0.07 });
    expect(triggerPatchSchema("low_win_rate").parse({ bot: "alpha", min_trades: 25, severity: "error" })).toEqual({
      bot: "alpha",
      min_trades: 25,
      severity: "error",
    });
    expect(triggerPatchSchema("bot_stale").parse({ enabled: false })).toEqual({ enabled: false });
  });

  it.each([
    ["daily_drawdown", { threshold: 1.5 }, "threshold"],
    ["daily_drawdown", { threshold: 0 }, "threshold"],
    ["consecutive_losses", { threshold: 2.5 }, "threshold"],
    ["kill_switch_activation", { threshold: 1 }, ""],
    ["daily_drawdown", { min_trades: 5 }, ""],
    ["low_win_rate", { min_trades: 0 }, "min_trades"],
    ["daily_drawdown", { severity: "fatal" }, "severity"],
    ["daily_drawdown", { bot: "no spaces allowed" }, "bot"],
    ["daily_drawdown", { enabled: "yes" }, "enabled"],
    ["daily_drawdown", {}, ""],
    ["daily_drawdown", { bot: "alpha" }, ""],
    ["daily_drawdown", "nope", ""],
  ] as const)("rejects %s %j", (id, body, path) => {
    const r = triggerPatchSchema(id).safeParse(body);
    expect(r.success).toBe(false);
    if (!r.success && path !== "") expect(r.error.issues.map((i) => i.path.join("."))).toContain(path);
  });
});
