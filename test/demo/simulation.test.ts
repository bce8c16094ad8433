// A minute of demo time through a real in-process exporter (SQLite file, hand-moved clock): every
// bot trades, every health level occurs, the alerts a newcomer should see fire, and the figures
// have the character each bot is meant to have.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHARACTERS, DEMO_STALE_AFTER_SECONDS, FLAKY_SILENT_FROM, STEP_MS } from "../../src/demo/characters.js";
import { seededRng } from "../../src/demo/random.js";
import { initialState, simulateStep, type DemoState } from "../../src/demo/simulation.js";
import { botHealth, type HealthLevel } from "../../src/domain/health.js";
import { startHarness, type Harness } from "../support/exporter.js";

const START = Date.UTC(2026, 0, 7, 12); // a Wednesday noon: the week and the day have history
const SEED = 7;
const BOTS = CHARACTERS.map((c) => c.bot);

function play(seed: number, steps: number): DemoState[] {
  const rng = seededRng(seed);
  const states = [initialState(START)];
  for (let i = 0; i < steps; i++) states.push(simulateStep(states.at(-1)!, rng).state);
  return states;
}

describe("simulateStep", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const events = (seed: number) => {
      const rng = seededRng(seed);
      let state = initialState(START);
      const all = [];
      for (let i = 0; i < 30; i++) {
        const r = simulateStep(state, rng);
        state = r.state;
        all.push(...r.events);
      }
      return all;
    };
    expect(events(SEED)).toEqual(events(SEED));
    expect(events(SEED)).not.toEqual(events(SEED + 1));
  });

  it("does not change the state it is given", () => {
    const state = initialState(START);
    const copy = structuredClone(state);
    simulateStep(state, seededRng(SEED));
    expect(state).toEqual(copy);
    expect(play(SEED, 3).map((s) => s.t)).toEqual([START, START + STEP_MS, START + 2 * STEP_MS, START + 3 * STEP_MS]);
  });
});

describe("a minute of the demo through the exporter", () => {
  let h: Harness;
  const levels = new Map<string, Set<HealthLevel>>(BOTS.map((b) => [b, new Set()]));
  let staleSeen = false;

  beforeAll(async () => {
    h = await startHarness({ health: { stale_after_seconds: DEMO_STALE_AFTER_SECONDS } }, { now: START });
    const rng = seededRng(SEED);
    let state = initialState(START);
    const settings = h.exporter.config.health;
    for (let i = 0; i < 60; i++) {
      h.clock.set(state.t);
      const { state: next, events } = simulateStep(state, rng);
      if (events.length > 0) await h.exporter.ingest(events);
      h.exporter.alerts.tick(); // the 5 s evaluation, for time-based triggers (bot_stale)
      for (const bot of BOTS) {
        const safety = h.exporter.engine.safety(bot);
        const health = botHealth(safety, safety.last_event_at, h.clock.now(), settings);
        levels.get(bot)!.add(health.level);
        if (bot === "flaky-bot" && health.stale) staleSeen = true;
      }
      state = next;
    }
  });
  afterAll(async () => {
    await h.stop();
  });

  it("gives every bot trades, including history from earlier days", () => {
    for (const bot of BOTS) {
      const p = h.exporter.engine.performance(bot);
      expect(p.trades.total, bot).toBeGreaterThan(84);
      expect(Number.isFinite(p.daily_sharpe_ratio), `${bot} daily Sharpe`).toBe(true);
      expect(Number.isFinite(p.daily_sortino_ratio), `${bot} daily Sortino`).toBe(true);
    }
  });

  it("shows HEALTHY, DEGRADED and CRITICAL, and the flaky bot going stale", () => {
    const all = new Set([...levels.values()].flatMap((s) => [...s]));
    expect([...all].sort()).toEqual(["CRITICAL", "DEGRADED", "HEALTHY"]);
    expect([...levels.get("steady-eddie")!]).toEqual(["HEALTHY"]);
    expect([...levels.get("flaky-bot")!].sort()).toEqual(["CRITICAL", "DEGRADED", "HEALTHY"]);
    expect(staleSeen, `stale ${DEMO_STALE_AFTER_SECONDS} s after step ${FLAKY_SILENT_FROM}`).toBe(true);
  });

  it("fires the alerts a newcomer should see", () => {
    const fired = new Set(h.exporter.alerts.alerting.history({}).map((a) => `${a.bot}:${a.trigger}`));
    for (const expected of [
      "yolo-trader:consecutive_losses",
      "yolo-trader:daily_drawdown",
      "yolo-trader:weekly_drawdown",
      "yolo-trader:total_drawdown",
      "flaky-bot:circuit_breaker_trip",
      "flaky-bot:kill_switch_activation",
      "flaky-bot:api_disconnected",
      "flaky-bot:bot_stale",
    ]) {
      expect(fired, expected).toContain(expected);
    }
    expect([...fired].filter((f) => f.startsWith("steady-eddie:"))).toEqual([]);
  });

  it("has figures of each bot's character", () => {
    const steady = h.exporter.engine.performance("steady-eddie");
    const yolo = h.exporter.engine.performance("yolo-trader");
    const flaky = h.exporter.engine.performance("flaky-bot");
    expect(steady.sharpe_ratio).toBeGreaterThan(1);
    expect(steady.sharpe_indicator).toBe("positive");
    expect(steady.total_pnl).toBeGreaterThan(0);
    expect(steady.max_drawdown).toBeLessThan(0.05);
    expect(yolo.max_drawdown).toBeGreaterThan(0.2);
    expect(yolo.max_consecutive_losses).toBeGreaterThanOrEqual(14);
    expect(Math.abs(flaky.total_pnl) / 10_000).toBeLessThan(0.1); // about breakeven
    expect(flaky.trades.breakeven).toBeGreaterThan(0);
    expect(h.exporter.engine.safety("flaky-bot").circuit_breaker.trips).toBe(1);
  });

  it("counts the flaky bot's retried trade as a duplicate", async () => {
    const text = (await h.get("/metrics")).text;
    expect(text).toMatch(/trading_duplicate_trades_total\{bot="flaky-bot"\} 1/);
  });
});
