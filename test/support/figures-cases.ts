// Golden cases for the §19 figures. Two kinds:
// - hand cases: short histories whose figures are worked out by hand below (the literal numbers
//   and the closed-form expressions are the expectation, nothing is derived from the engine);
// - long cases: seeded multi-bot histories (months, late events, breakeven trades, equity events, cash flows),
//   whose expectation is the naive whole-history recomputation of test/support/naive-metrics.ts.
import type { TradingEvent } from "../../src/domain/events.js";
import type { MetricsSettings, PerformanceSnapshot } from "../../src/domain/snapshots.js";
import { seededRandom } from "./exact-stats.js";
import { naivePerformance } from "./naive-metrics.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2026-01-05, a Monday, 00:00 UTC. */
export const DAY0 = Date.UTC(2026, 0, 5);

export interface FiguresCase {
  name: string;
  settings: MetricsSettings;
  now: number;
  events: TradingEvent[];
  /** Per bot, the expected §19 (and any other) figures; numbers may be NaN / ±Infinity. */
  expected: Record<string, Partial<PerformanceSnapshot>>;
}

export const FIGURES_19 = [
  "profit_factor",
  "expectancy",
  "avg_win",
  "avg_loss",
  "payoff_ratio",
  "largest_win",
  "largest_loss",
  "sqn",
  "cagr",
  "calmar_ratio",
  "net_cashflow",
] as const satisfies readonly (keyof PerformanceSnapshot)[];

export function baseSettings(over: Partial<MetricsSettings> = {}): MetricsSettings {
  return {
    initial_equity: 10_000,
    window_trades: 100,
    annualization_factor: 365,
    daily_window_days: 90,
    daily_annualization_factor: 365,
    timezone: "UTC",
    cagr_min_days: 30,
    bots: {},
    ...over,
  };
}

let seq = 0;
const trade = (bot: string, ts: number, pnl: number, extra: object = {}): TradingEvent => ({
  type: "trade",
  bot,
  ts,
  id: `t${++seq}`,
  pnl,
  ...extra,
});
const equity = (bot: string, ts: number, value: number): TradingEvent => ({ type: "equity", bot, ts, equity: value });

/**
 * "mixed": +100, −50, 0, +200, −25 on day 0 (E 10000 → 10225).
 *   gross profit 300, gross loss 75 → profit factor 4; expectancy 225 / 5 = 45;
 *   avg win 300 / 2 = 150, avg loss 75 / 2 = 37.5 → payoff 4; largest win 200, largest loss 50;
 *   SQN over r = 100/10000, −50/10100, 0/10050, 200/10050, −25/10250 (√5 · mean / sd, below);
 *   1 day of series < 30 → CAGR and Calmar NaN; no cash flow → 0.
 * "winner": two wins only → profit factor +Inf, avg loss NaN → payoff NaN, largest loss 0.
 * "flat": breakeven trades only → profit factor NaN, expectancy 0, avg win/loss NaN, SQN NaN (sd = 0).
 * "grower": equity 10000 on day 0, 9500 on day 10 (max drawdown 0.05), 11000 on day 36; now = day 36
 *   → 37 daily returns whose product is 11000/10000 → CAGR 1.1^(365/37) − 1, Calmar CAGR / 0.05.
 * "young": the same on days 0 and 28 (29 days < 30): CAGR NaN, Calmar NaN.
 */
export function handCase(): FiguresCase {
  const now = DAY0 + 36 * DAY + 12 * HOUR;
  const t = (d: number, h: number) => DAY0 + d * DAY + h * HOUR;
  const events: TradingEvent[] = [
    trade("mixed", t(36, 1), 100),
    trade("mixed", t(36, 2), -50),
    trade("mixed", t(36, 3), 0),
    trade("mixed", t(36, 4), 200),
    trade("mixed", t(36, 5), -25),
    trade("winner", t(36, 1), 10),
    trade("winner", t(36, 2), 30),
    trade("flat", t(36, 1), 0),
    trade("flat", t(36, 2), 0),
    equity("grower", t(0, 1), 10_000),
    equity("grower", t(10, 1), 9_500),
    equity("grower", t(36, 1), 11_000),
    equity("young", t(8, 1), 10_000),
    equity("young", t(36, 1), 10_500),
  ];
  const r = [100 / 10_000, -50 / 10_100, 0, 200 / 10_050, -25 / 10_250];
  const mean = r.reduce((a, b) => a + b, 0) / 5;
  const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 4);
  const growerCagr = Math.pow(1.1, 365 / 37) - 1;
  return {
    name: "hand-worked §19 figures",
    settings: baseSettings(),
    now,
    events,
    expected: {
      mixed: {
        profit_factor: 4,
        expectancy: 45,
        avg_win: 150,
        avg_loss: 37.5,
        payoff_ratio: 4,
        largest_win: 200,
        largest_loss: 50,
        sqn: (Math.sqrt(5) * mean) / sd,
        cagr: NaN,
        calmar_ratio: NaN,
        net_cashflow: 0,
      },
      winner: { profit_factor: Infinity, expectancy: 20, avg_win: 20, avg_loss: NaN, payoff_ratio: NaN, largest_win: 30, largest_loss: 0 },
      flat: {
        profit_factor: NaN,
        expectancy: 0,
        avg_win: NaN,
        avg_loss: NaN,
        payoff_ratio: NaN,
        largest_win: 0,
        largest_loss: 0,
        sqn: NaN,
      },
      grower: { cagr: growerCagr, calmar_ratio: growerCagr / 0.05, max_drawdown: 0.05, profit_factor: NaN, expectancy: NaN },
      young: { cagr: NaN, calmar_ratio: NaN },
    },
  };
}

/** A seeded history of three bots over ~80 days; expectation from the naive recomputation. */
export function longCase(seed: number, over: Partial<MetricsSettings> = {}): FiguresCase {
  const random = seededRandom(seed);
  const settings = baseSettings({ bots: { bravo: { initial_equity: 2_500 } }, ...over });
  const events: TradingEvent[] = [];
  let ts = DAY0;
  for (let i = 0; i < 600; i++) {
    const late = random() < 0.05;
    ts += Math.floor(random() * 7 * HOUR);
    const at = late ? ts - Math.floor(random() * 2 * DAY) : ts;
    const bot = ["alpha", "bravo", "charlie"][Math.floor(random() * 3)]!;
    const u = random();
    if (u < 0.8) {
      const pnl = random() < 0.08 ? 0 : Math.round((random() - 0.45) * 40_000) / 100;
      events.push(trade(bot, at, pnl, random() < 0.2 ? { return: Math.round((random() - 0.5) * 1e4) / 1e5 } : {}));
    } else if (u < 0.86) events.push(equity(bot, at, Math.round((8_000 + random() * 4_000) * 100) / 100));
    else if (u < 0.9) {
      // Deposits and withdrawals of up to 30% of a 10000 account (§19).
      const amount = Math.round((random() - 0.5) * 600_000) / 100 || 1;
      events.push({ type: "cashflow", bot, ts: at, amount });
    } else events.push({ type: "heartbeat", bot, ts: at });
  }
  const now = ts + 3 * HOUR;
  const bots = [...new Set(events.map((e) => e.bot))];
  return {
    name: `seeded history ${seed}`,
    settings,
    now,
    events,
    expected: Object.fromEntries(bots.map((b) => [b, naivePerformance(b, events, settings, now)])),
  };
}
