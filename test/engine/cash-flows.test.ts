// Cash flows (§19) through the engine: peaks and period highs scale with equity, daily returns are
// time-weighted, P&L counts trades only. Expected values are worked out by hand in the comments.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import { baseSettings, DAY0 } from "../support/figures-cases.js";
import { closeEnough } from "../support/golden.js";

const HOUR = 3_600_000;
const at = (h: number) => DAY0 + h * HOUR;
const close = (a: number, b: number) => expect(closeEnough(a, b), `${a} vs ${b}`).toBe(true);

function run(events: TradingEvent[], now: number, over = {}) {
  const engine = new Engine(baseSettings(over), new ManualClock(now));
  for (const e of events) engine.apply(e);
  return engine.performance("b");
}

describe("cash flows (§19)", () => {
  it("a day with two flows has the time-weighted return Π(end/start of each sub-period) − 1", () => {
    // 10000 →(+1000 trade) 11000 | +9000 deposit | 20000 →(−2000) 18000 | −8000 withdrawal |
    // 10000 →(+500) 10500: sub-periods 11000/10000, 18000/20000, 10500/10000 → r = 1.1·0.9·1.05 − 1.
    const p = run(
      [
        { type: "trade", bot: "b", ts: at(1), id: "1", pnl: 1000 },
        { type: "cashflow", bot: "b", ts: at(2), amount: 9000 },
        { type: "trade", bot: "b", ts: at(3), id: "2", pnl: -2000 },
        { type: "cashflow", bot: "b", ts: at(4), amount: -8000 },
        { type: "trade", bot: "b", ts: at(5), id: "3", pnl: 500 },
      ],
      at(6),
      { cagr_min_days: 1 },
    );
    const r = 1.1 * 0.9 * 1.05 - 1; // 0.0395
    // One day of series: CAGR = (1 + r)^365 − 1 shows the day's return.
    close(p.cagr, Math.pow(1 + r, 365) - 1);
    // The peak followed the flows: 11000 → 20000 (no drawdown at the deposit) → ×10000/18000 at
    // the withdrawal; the worst point was 18000 against 20000, and the end 10500 against 11111.1.
    close(p.max_drawdown, 0.1);
    close(p.drawdown, 1 - (10500 * 18000) / (20000 * 10000));
    close(p.daily_drawdown, p.drawdown);
    close(p.weekly_drawdown, p.drawdown);
    close(p.peak_equity, (20000 * 10000) / 18000);
    expect(p.equity).toBe(10500);
    // P&L is trades only; the flows are in net_cashflow.
    expect(p.total_pnl).toBe(-500);
    expect(p.daily_pnl).toBe(-500);
    expect(p.net_cashflow).toBe(1000);
  });

  it("a withdrawal of half the account changes no drawdown ratio", () => {
    const before: TradingEvent[] = [
      { type: "trade", bot: "b", ts: at(1), id: "1", pnl: 400 },
      { type: "trade", bot: "b", ts: at(2), id: "2", pnl: -300 },
    ];
    const p0 = run(before, at(4));
    const p1 = run([...before, { type: "cashflow", bot: "b", ts: at(3), amount: -10_100 / 2 }], at(4));
    expect(p1.equity).toBe(10_100 / 2);
    for (const k of ["drawdown", "daily_drawdown", "weekly_drawdown", "max_drawdown"] as const) close(p1[k], p0[k]);
    close(p0.drawdown, 300 / 10_400); // the check means something: there is a drawdown to keep
    expect(p1.total_pnl).toBe(100);
  });

  it("a first event that is a deposit is neither a gain nor a drawdown", () => {
    const p = run([{ type: "cashflow", bot: "b", ts: at(1), amount: 5000 }], at(2), { cagr_min_days: 1 });
    expect(p.equity).toBe(15_000);
    expect(p.peak_equity).toBe(15_000);
    expect(p.drawdown).toBe(0);
    expect(p.cagr).toBe(0);
  });

  it("a withdrawal of everything empties the highs: no 100% drawdown, the max drawdown keeps the loss before it", () => {
    const p = run(
      [
        { type: "trade", bot: "b", ts: at(1), id: "1", pnl: -1000 }, // 9000 against 10000: 10%
        { type: "cashflow", bot: "b", ts: at(2), amount: -9000 },
      ],
      at(3),
    );
    expect(p.equity).toBe(0);
    expect(p.peak_equity).toBe(0);
    expect(p.drawdown).toBe(0);
    expect(p.daily_drawdown).toBe(0);
    expect(p.weekly_drawdown).toBe(0);
    close(p.max_drawdown, 0.1);
  });

  it("a withdrawal larger than the equity leaves no drawdown either", () => {
    const p = run([{ type: "cashflow", bot: "b", ts: at(1), amount: -10_500 }], at(2));
    expect(p.equity).toBe(-500);
    expect(p.peak_equity).toBe(0);
    expect(p.drawdown).toBe(0);
    expect(p.max_drawdown).toBe(0);
  });

  it("money put into an emptied account starts its highs afresh", () => {
    const p = run(
      [
        { type: "cashflow", bot: "b", ts: at(1), amount: -10_000 },
        { type: "cashflow", bot: "b", ts: at(2), amount: 5000 },
        { type: "trade", bot: "b", ts: at(3), id: "1", pnl: -500 }, // 4500 against 5000
      ],
      at(4),
    );
    expect(p.peak_equity).toBe(5000);
    close(p.drawdown, 0.1);
    close(p.daily_drawdown, 0.1);
    close(p.max_drawdown, 0.1);
  });

  it("an account blown below zero by trades keeps its > 100% max drawdown when it is refunded", () => {
    const p = run(
      [
        { type: "trade", bot: "b", ts: at(1), id: "1", pnl: -10_500 }, // −500 against 10000: 105%, a real loss
        { type: "cashflow", bot: "b", ts: at(2), amount: 10_500 },
      ],
      at(3),
    );
    expect(p.equity).toBe(10_000);
    expect(p.peak_equity).toBe(10_000);
    expect(p.drawdown).toBe(0);
    close(p.max_drawdown, 1.05);
  });

  it("highs scaled past the largest double stay finite and the drawdown keeps its ratio", () => {
    // Equity 0.01 against a peak of 10000, then a deposit ×1.5e6, again and again: the peak grows
    // by that factor each time until it passes Number.MAX_VALUE.
    const events: TradingEvent[] = [];
    for (let k = 0; k < 60; k++) {
      events.push({ type: "equity", bot: "b", ts: at(1), equity: 0.01 });
      events.push({ type: "cashflow", bot: "b", ts: at(1), amount: 15_000 });
    }
    const p = run(events, at(2));
    expect(p.peak_equity).toBe(Number.MAX_VALUE);
    close(p.drawdown, 1);
    close(p.max_drawdown, 1);
    expect(Number.isFinite(p.daily_drawdown)).toBe(true);
  });

  it("an equity event after a flow is taken as it is", () => {
    const p = run(
      [
        { type: "cashflow", bot: "b", ts: at(1), amount: -5000 },
        { type: "equity", bot: "b", ts: at(2), equity: 4000 },
      ],
      at(3),
    );
    expect(p.equity).toBe(4000);
    expect(p.peak_equity).toBe(5000);
    close(p.drawdown, 0.2);
  });
});
