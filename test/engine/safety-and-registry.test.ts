// The safety state of §3/§6 as the engine keeps it, the bot registry, and snapshot encoding.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import type { MetricsSettings } from "../../src/domain/snapshots.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-05T12:00:00Z");

const settings: MetricsSettings = {
  initial_equity: 1000,
  window_trades: 100,
  annualization_factor: 365,
  daily_window_days: 90,
  daily_annualization_factor: 365,
  cagr_min_days: 30,
  timezone: "UTC",
  bots: { whale: { initial_equity: 1_000_000 } },
};

function engineWith(events: TradingEvent[], now = T0 + DAY): Engine {
  const engine = new Engine(settings, new ManualClock(now));
  for (const e of events) engine.apply(e);
  return engine;
}

describe("safety state", () => {
  it("starts neutral: nothing reported yet", () => {
    const s = engineWith([{ type: "heartbeat", bot: "a", ts: T0 }]).safety("a");
    expect(s).toEqual({
      bot: "a",
      kill_switch: { active: false, reason: null, changed_at: null },
      circuit_breaker: { open: false, reason: null, changed_at: null, trips: 0 },
      positions: { open: null, max: null, utilization: 0 },
      api: { status: null, latency_ms: null, checked_at: null, consecutive_failures: 0 },
      last_heartbeat_at: T0,
      last_event_at: T0,
    });
  });

  it("kill switch: changed_at is when `active` flipped, the reason is the latest one", () => {
    const e = engineWith([
      { type: "kill_switch", bot: "a", ts: T0, active: false },
      { type: "kill_switch", bot: "a", ts: T0 + 1, active: true, reason: "max loss" },
      { type: "kill_switch", bot: "a", ts: T0 + 2, active: true, reason: "still max loss" },
    ]);
    expect(e.safety("a").kill_switch).toEqual({ active: true, reason: "still max loss", changed_at: T0 + 1 });
  });

  it("circuit breaker counts closed → open transitions only", () => {
    const e = engineWith([
      { type: "circuit_breaker", bot: "a", ts: T0, open: true, reason: "volatility" },
      { type: "circuit_breaker", bot: "a", ts: T0 + 1, open: true },
      { type: "circuit_breaker", bot: "a", ts: T0 + 2, open: false },
      { type: "circuit_breaker", bot: "a", ts: T0 + 3, open: true, reason: "again" },
    ]);
    expect(e.safety("a").circuit_breaker).toEqual({ open: true, reason: "again", changed_at: T0 + 3, trips: 2 });
  });

  it("positions, API status, heartbeat and last event times", () => {
    const e = engineWith([
      { type: "positions", bot: "a", ts: T0, open: 3, max: 4 },
      { type: "api_status", bot: "a", ts: T0 + 5, status: "degraded", latency_ms: 1500 },
      { type: "heartbeat", bot: "a", ts: T0 + 10 },
      { type: "heartbeat", bot: "a", ts: T0 + 7 }, // late: the latest time stays
      { type: "trade", bot: "a", ts: T0 + 8, id: "1", pnl: 1 },
    ]);
    const s = e.safety("a");
    expect(s.positions).toEqual({ open: 3, max: 4, utilization: 0.75 });
    expect(s.api).toEqual({ status: "degraded", latency_ms: 1500, checked_at: T0 + 5, consecutive_failures: 0 });
    expect(s.last_heartbeat_at).toBe(T0 + 10);
    expect(s.last_event_at).toBe(T0 + 10);
    expect(e.performance("a").last_trade_at).toBe(T0 + 8);
    expect(e.performance("a").last_event_at).toBe(T0 + 10);
  });
});

describe("bot registry", () => {
  it("a bot exists from its first event of any type, listed in first-seen order", () => {
    const e = engineWith([
      { type: "heartbeat", bot: "zulu", ts: T0 },
      { type: "equity", bot: "alpha", ts: T0, equity: 900 },
      { type: "heartbeat", bot: "zulu", ts: T0 + 1 },
    ]);
    expect(e.bots()).toEqual(["zulu", "alpha"]);
    expect(e.hasBot("alpha")).toBe(true);
    expect(e.hasBot("bravo")).toBe(false);
    expect(() => e.performance("bravo")).toThrow(/unknown bot/);
    expect(() => e.safety("bravo")).toThrow(/unknown bot/);
  });

  it("a bot with no trade yet has the initial equity (per-bot override) and NaN ratios", () => {
    const p = engineWith([{ type: "heartbeat", bot: "whale", ts: T0 }]).performance("whale");
    expect(p.equity).toBe(1_000_000);
    expect(p.peak_equity).toBe(1_000_000);
    expect(p.initial_equity).toBe(1_000_000);
    expect(p.sharpe_ratio).toBeNaN();
    expect(p.sortino_ratio).toBeNaN();
    expect(p.win_rate).toBeNaN();
    expect(p.window_trades).toBe(0);
    expect(p.sharpe_indicator).toBe("negative");
    expect(p.last_trade_at).toBeNull();
    expect(p.trades).toEqual({ total: 0, wins: 0, losses: 0, breakeven: 0 });
  });

  it("the peak starts at the initial equity: a first losing trade is a drawdown", () => {
    const p = engineWith([{ type: "trade", bot: "a", ts: T0, id: "1", pnl: -100 }], T0).performance("a");
    expect(p.drawdown).toBeCloseTo(0.1, 15);
    expect(p.max_drawdown).toBeCloseTo(0.1, 15);
    expect(p.daily_drawdown).toBeCloseTo(0.1, 15);
  });
});

describe("snapshots", () => {
  it("encode non-finite state (a day that began at equity 0) and restore it exactly", () => {
    const events: TradingEvent[] = [
      { type: "trade", bot: "a", ts: T0, id: "1", pnl: -1000 }, // equity exactly 0
      { type: "heartbeat", bot: "a", ts: T0 + DAY },
      { type: "heartbeat", bot: "a", ts: T0 + 2 * DAY }, // days 1 and 2 return 0/0 − 1 = NaN
      { type: "equity", bot: "a", ts: T0 + 3 * DAY, equity: 500 }, // and then 500/0 − 1 = +Inf
      { type: "heartbeat", bot: "a", ts: T0 + 4 * DAY }, // closes that day
    ];
    const clock = new ManualClock(T0 + 4 * DAY);
    const e = new Engine(settings, clock);
    for (const ev of events) e.apply(ev);
    const text = JSON.stringify(e.toSnapshot());
    // JSON.stringify alone would have written null for both.
    expect(JSON.parse(text).bots[0].performance.daily.completed).toEqual([-1, "NaN", "NaN", "+Inf"]);
    const restored = Engine.fromSnapshot(JSON.parse(text), settings, clock);
    expect(restored.performance("a")).toEqual(e.performance("a"));
    // Long after, the non-finite days have left the 90-day window in both: the figures are numbers again.
    for (let d = 5; d < 100; d++) {
      const ev: TradingEvent = { type: "trade", bot: "a", ts: T0 + d * DAY, id: `d${d}`, pnl: d % 3 === 0 ? -5 : 7 };
      e.apply(ev);
      restored.apply(ev);
    }
    clock.set(T0 + 99 * DAY);
    expect(Number.isFinite(restored.performance("a").daily_sharpe_ratio)).toBe(true);
    expect(restored.performance("a")).toEqual(e.performance("a"));
  });

  it("'never' event times stay null through a snapshot, and the first such event after it sets them", () => {
    const clock = new ManualClock(T0 + DAY);
    const e = new Engine(settings, clock);
    e.apply({ type: "equity", bot: "a", ts: T0, equity: 1200 });
    const text = JSON.stringify(e.toSnapshot());
    const saved = JSON.parse(text).bots[0];
    expect([saved.performance.lastTradeAt, saved.performance.lastEventAt]).toEqual([null, T0]);
    expect([saved.safety.last_heartbeat_at, saved.safety.last_event_at]).toEqual([null, T0]);
    const restored = Engine.fromSnapshot(JSON.parse(text), settings, clock);
    for (const engine of [e, restored]) {
      expect(engine.performance("a").last_trade_at).toBeNull();
      expect(engine.activity("a")).toEqual({ last_heartbeat_at: null, last_event_at: T0 });
      // An event older than the last one does not move "last event", but a first trade or heartbeat is always later than never.
      engine.apply({ type: "trade", bot: "a", ts: T0 - 1000, id: "late", pnl: 5 });
      engine.apply({ type: "heartbeat", bot: "a", ts: T0 - 2000 });
      expect(engine.performance("a").last_trade_at).toBe(T0 - 1000);
      expect(engine.performance("a").last_event_at).toBe(T0);
      expect(engine.safety("a")).toMatchObject({ last_heartbeat_at: T0 - 2000, last_event_at: T0 });
    }
    expect(restored.toSnapshot()).toEqual(e.toSnapshot());
  });
});
