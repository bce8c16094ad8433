// The three simulated bots of the demo, each a pure function of its own state, the demo step and
// a random source. Their scripts are arranged so that within one cycle (80 s at 1 s per step) a
// newcomer sees every health level and the alerts worth knowing:
//   steady-eddie  positive edge, low variance: positive Sharpe, HEALTHY throughout;
//   yolo-trader   high variance and a tilt phase: a losing streak that trips consecutive_losses,
//                 daily/weekly/total drawdown, then a recovery;
//   flaky-bot     about breakeven; exchange API degraded then disconnected, circuit breaker,
//                 positions near the maximum, the kill switch (CRITICAL), then it goes silent and
//                 turns stale.
import type { EventInput } from "../domain/events.js";
import { between, cents, normal, pick, type Rng } from "./random.js";

export const STEP_MS = 1000;
/** One act of the demo; the scripts then repeat (the flaky bot comes back from being stale). */
export const CYCLE_STEPS = 80;
/** The demo's `health.stale_after_seconds`: short, so the flaky bot is seen going stale in a minute. */
export const DEMO_STALE_AFTER_SECONDS = 10;

export interface BotSim {
  bot: string;
  /** Makes trade ids unique per demo run, so a reused --data-dir doesn't turn them into duplicates. */
  run: string;
  /** Realized equity as the bot itself sees it: scales its P&L. */
  equity: number;
  tradeCount: number;
  /** The last trade sent (the flaky bot re-sends it once a cycle, like a retry after a timeout). */
  lastTrade: Extract<EventInput, { type: "trade" }> | null;
}

export interface StepContext {
  /** Step within the cycle, 0 … CYCLE_STEPS − 1. */
  cycleStep: number;
  /** Event time of this step (epoch ms). */
  t: number;
  rng: Rng;
}

export interface Character {
  bot: string;
  /** Per-trade return distribution for the backfilled history. */
  historyReturn(rng: Rng): number;
  step(sim: BotSim, ctx: StepContext): { sim: BotSim; events: EventInput[] };
}

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "XRP/USDT"] as const;

/** A closed trade returning `r` on the bot's equity. */
export function trade(sim: BotSim, r: number, t: number, rng: Rng): { sim: BotSim; event: Extract<EventInput, { type: "trade" }> } {
  const pnl = cents(sim.equity * r);
  const n = sim.tradeCount + 1;
  const event = {
    type: "trade" as const,
    bot: sim.bot,
    id: `${sim.bot}-${sim.run}-${n}`,
    pnl,
    symbol: pick(rng, SYMBOLS),
    side: rng.next() < 0.7 ? ("long" as const) : ("short" as const),
    ts: t,
    opened_at: t - between(rng, 5, 240) * 60_000,
  };
  return { sim: { ...sim, equity: sim.equity + pnl, tradeCount: n, lastTrade: event }, event };
}

const every = (n: number, step: number) => step % n === 0;

export const steadyEddie: Character = {
  bot: "steady-eddie",
  historyReturn: (rng) => normal(rng, 0.0015, 0.004),
  step(sim, { cycleStep, t, rng }) {
    const events: EventInput[] = [];
    if (rng.next() < 0.5) {
      const done = trade(sim, normal(rng, 0.0015, 0.004), t, rng);
      sim = done.sim;
      events.push(done.event);
    }
    if (every(5, cycleStep)) events.push({ type: "heartbeat", bot: sim.bot, ts: t });
    if (every(10, cycleStep)) {
      // Mark-to-market: realized equity plus a little unrealized P&L on the open positions.
      events.push({ type: "equity", bot: sim.bot, equity: cents(sim.equity * (1 + normal(rng, 0, 0.0008))), ts: t });
      events.push({ type: "positions", bot: sim.bot, open: between(rng, 1, 3), max: 10, ts: t });
    }
    if (every(15, cycleStep))
      events.push({ type: "api_status", bot: sim.bot, status: "connected", latency_ms: between(rng, 40, 120), ts: t });
    return { sim, events };
  },
};

export const yoloTrader: Character = {
  bot: "yolo-trader",
  historyReturn: (rng) => normal(rng, 0.001, 0.02),
  step(sim, { cycleStep, t, rng }) {
    const events: EventInput[] = [];
    let r: number;
    if (cycleStep >= 15 && cycleStep < 29)
      r = -(0.02 + 0.012 * rng.next()); // tilt: 14 losses in a row
    else if (cycleStep >= 29 && cycleStep < 51)
      r = normal(rng, 0.012, 0.01); // the comeback
    else r = normal(rng, 0.002, 0.02);
    const done = trade(sim, r, t, rng);
    sim = done.sim;
    events.push(done.event);
    if (every(3, cycleStep)) events.push({ type: "positions", bot: sim.bot, open: between(rng, 1, 4), max: 5, ts: t });
    if (every(5, cycleStep)) events.push({ type: "heartbeat", bot: sim.bot, ts: t });
    if (every(20, cycleStep))
      events.push({ type: "api_status", bot: sim.bot, status: "connected", latency_ms: between(rng, 80, 400), ts: t });
    return { sim, events };
  },
};

/** The flaky bot's incidents, by step of the cycle. */
const FLAKY_SCRIPT: Record<number, (bot: string, t: number) => EventInput[]> = {
  1: (bot, t) => [
    { type: "positions", bot, open: 2, max: 10, ts: t },
    { type: "api_status", bot, status: "connected", latency_ms: 150, ts: t },
  ],
  6: (bot, t) => [{ type: "api_status", bot, status: "degraded", latency_ms: 1850, ts: t }],
  11: (bot, t) => [{ type: "api_status", bot, status: "connected", latency_ms: 210, ts: t }],
  14: (bot, t) => [{ type: "circuit_breaker", bot, open: true, reason: "StoplossGuard: 3 stop-losses within 30 min", ts: t }],
  20: (bot, t) => [{ type: "circuit_breaker", bot, open: false, ts: t }],
  22: (bot, t) => [{ type: "positions", bot, open: 9, max: 10, ts: t }],
  27: (bot, t) => [{ type: "positions", bot, open: 3, max: 10, ts: t }],
  29: (bot, t) => [{ type: "api_status", bot, status: "disconnected", ts: t }],
  33: (bot, t) => [{ type: "api_status", bot, status: "connected", latency_ms: 300, ts: t }],
  35: (bot, t) => [{ type: "kill_switch", bot, active: true, reason: "max daily loss reached", ts: t }],
  41: (bot, t) => [{ type: "kill_switch", bot, active: false, ts: t }],
};
/** From this step to the end of the cycle the flaky bot sends nothing: it goes stale. */
export const FLAKY_SILENT_FROM = 44;

export const flakyBot: Character = {
  bot: "flaky-bot",
  historyReturn: (rng) => (rng.next() < 0.1 ? 0 : normal(rng, 0, 0.005)),
  step(sim, { cycleStep, t, rng }) {
    if (cycleStep >= FLAKY_SILENT_FROM) return { sim, events: [] };
    const events: EventInput[] = [];
    if (cycleStep % 2 === 1) {
      // Roughly breakeven, and now and then exactly breakeven (a scratch trade).
      const done = trade(sim, rng.next() < 0.15 ? 0 : normal(rng, 0, 0.005), t, rng);
      sim = done.sim;
      events.push(done.event);
    }
    if (cycleStep === 12 && sim.lastTrade) events.push({ ...sim.lastTrade }); // a retry: counted as a duplicate
    if (cycleStep % 2 === 0) events.push({ type: "heartbeat", bot: sim.bot, ts: t });
    events.push(...(FLAKY_SCRIPT[cycleStep]?.(sim.bot, t) ?? []));
    return { sim, events };
  },
};

export const CHARACTERS: readonly Character[] = [steadyEddie, yoloTrader, flakyBot];
