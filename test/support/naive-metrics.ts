// An independent, deliberately naive recomputation of §5 from a bot's whole event history:
// plain loops, two-pass mean/sd, a fresh Intl conversion for every event. Slow and obvious, it is
// the oracle the incremental engine is checked against in the property tests.
import type { TradingEvent } from "../../src/domain/events.js";
import type { MetricsSettings, PerformanceSnapshot } from "../../src/domain/snapshots.js";
import { dailyReturnOf, exactSharpe, exactSortino, exactStats } from "./exact-stats.js";

const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

export function naiveLocalDay(ts: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  const s = f.format(ts);
  const [y, m, d] = s.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY;
}

export function naiveMonday(day: number): number {
  const dow = new Date(day * DAY).getUTCDay(); // 0 = Sunday
  return day - ((dow + 6) % 7);
}

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function sampleSd(xs: number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

// Sharpe and Sortino of finite values are computed exactly (BigInt, test/support/exact-stats.ts):
// when returns differ only in their last digits, a double two-pass sd is itself off by more than
// 1e-9 and could not tell a right engine from a wrong one.
function sharpe(xs: number[], a: number): number {
  if (xs.every(Number.isFinite)) return exactSharpe(xs, a);
  if (xs.length < 2 || xs.every((x) => x === xs[0])) return NaN;
  return (mean(xs) / sampleSd(xs)) * Math.sqrt(a);
}

function sortino(xs: number[], a: number): number {
  if (xs.every(Number.isFinite)) return exactSortino(xs, a);
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  if (!xs.some((x) => x < 0)) return m > 0 ? Infinity : NaN;
  let s = 0;
  for (const x of xs) s += Math.min(x, 0) ** 2;
  return (m / Math.sqrt(s / xs.length)) * Math.sqrt(a);
}

/** Van Tharp's SQN from the definition: √n · mean / sd, with an exact mean and sd. */
function sqn(xs: number[]): number {
  if (xs.length < 2 || xs.every((x) => x === xs[0])) return NaN;
  if (!xs.every(Number.isFinite)) return NaN;
  const s = exactStats(xs);
  return (Math.sqrt(xs.length) * s.mean) / Math.sqrt(s.variance);
}

/**
 * §19 and docs/metrics.md: a high scales with equity at a cash flow when both equities are > 0
 * (E_before itself maps to E_after; past the largest double it stays there); a flow to ≤ 0 empties
 * the highs; a flow from ≤ 0 to > 0 starts them afresh at E_after.
 */
function rescaled(high: number, before: number, after: number): number {
  if (after <= 0) return 0;
  if (before <= 0) return after;
  if (high === before) return after;
  return Math.min(high * (after / before), Number.MAX_VALUE);
}

/** The drawdown from a high, 0 from a high ≤ 0 (an emptied account has nothing to draw down). */
function drawdownFrom(high: number, equity: number): number {
  return high > 0 ? (high - equity) / high : 0;
}

function indicator(s: number): PerformanceSnapshot["sharpe_indicator"] {
  return s > 1 ? "positive" : s >= 0.5 && s <= 1 ? "neutral" : "negative";
}

/** Recomputes one bot's figures as of `nowMs` from all of its applied events, in order. */
export function naivePerformance(bot: string, history: TradingEvent[], settings: MetricsSettings, nowMs: number): PerformanceSnapshot {
  const events = history.filter((e) => e.bot === bot);
  const initial = settings.bots[bot]?.initial_equity ?? settings.initial_equity;
  const tz = settings.timezone;

  // Pass 1: equity before and after each event, effective day of each event.
  const equityBefore: number[] = [];
  const equityAfter: number[] = [];
  const effDay: number[] = [];
  const returns: { r: number; win: boolean }[] = [];
  let e = initial;
  let peak = initial;
  let maxDd = 0;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    const own = naiveLocalDay(ev.ts, tz);
    effDay.push(i === 0 ? own : Math.max(own, effDay[i - 1]!));
    equityBefore.push(e);
    if (ev.type === "cashflow") {
      peak = rescaled(peak, e, e + ev.amount);
      e = e + ev.amount;
    } else if (ev.type === "trade") {
      const r = ev.return ?? (e > 0 ? ev.pnl / e : undefined);
      if (r !== undefined && Number.isFinite(r)) returns.push({ r, win: ev.pnl > 0 });
      e = e + ev.pnl;
    } else if (ev.type === "equity") e = ev.equity;
    equityAfter.push(e);
    peak = Math.max(peak, e);
    // Math.max would let a NaN drawdown (an infinite equity) stick; it never counts as the largest.
    const dd = drawdownFrom(peak, e);
    if (dd > maxDd) maxDd = dd;
  }

  const trades = events.filter((ev) => ev.type === "trade");
  let streak = 0;
  let maxStreak = 0;
  for (const t of trades) {
    streak = t.pnl < 0 ? streak + 1 : 0;
    maxStreak = Math.max(maxStreak, streak);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  const today = naiveLocalDay(nowMs, tz);
  const last = events.length - 1;
  const lastDay = effDay[last]!;

  // Current day / week: trades and equities of the last effective day (week), if it is today's.
  const inDay = (i: number) => effDay[i] === lastDay;
  const inWeek = (i: number) => naiveMonday(effDay[i]!) === naiveMonday(lastDay);
  const periodHigh = (inPeriod: (i: number) => boolean) => {
    const first = events.findIndex((_, i) => inPeriod(i));
    let h = first === 0 ? initial : equityAfter[first - 1]!;
    for (let i = first; i <= last; i++) {
      if (!inPeriod(i)) continue;
      if (events[i]!.type === "cashflow") h = rescaled(h, equityBefore[i]!, equityAfter[i]!);
      h = Math.max(h, equityAfter[i]!);
    }
    return h;
  };
  const isToday = lastDay === today;
  const isThisWeek = naiveMonday(lastDay) === naiveMonday(today);
  const hDay = periodHigh(inDay);
  const hWeek = periodHigh(inWeek);
  const tradePnlWhere = (pred: (i: number) => boolean) => sum(events.flatMap((ev, i) => (ev.type === "trade" && pred(i) ? [ev.pnl] : [])));

  // Daily series, time-weighted: each day is cut at its cash flows into sub-periods, and its return
  // is Π (end / start of each sub-period) − 1; a day without events carries the equity (return 0).
  const byDay = new Map<number, number[]>();
  events.forEach((_, i) => {
    const list = byDay.get(effDay[i]!);
    if (list) list.push(i);
    else byDay.set(effDay[i]!, [i]);
  });
  const dailyReturns: number[] = [];
  let prev = initial;
  for (let d = effDay[0]!; d <= Math.max(today, lastDay); d++) {
    const inD = byDay.get(d);
    // A day without events carries the equity: its return is 0 by definition (also when that
    // equity is 0 or infinite, where end / start would read NaN).
    if (inD === undefined) {
      dailyReturns.push(0);
      continue;
    }
    let start = prev;
    let factor = 1;
    let end = prev;
    inD.forEach((i) => {
      const ev = events[i]!;
      if (ev.type === "cashflow") {
        factor *= equityBefore[i]! / start;
        start = equityAfter[i]!;
      }
      end = equityAfter[i]!;
    });
    dailyReturns.push(dailyReturnOf(factor, end, start));
    prev = end;
  }
  const dailyWindow = dailyReturns.slice(-settings.daily_window_days);
  const dailyOk = dailyWindow.every(Number.isFinite);

  const window = returns.slice(-settings.window_trades);
  const rs = window.map((w) => w.r);
  const s = sharpe(rs, settings.annualization_factor);
  const tradeTs = trades.map((t) => t.ts);

  // §19 trade statistics: plain sums, counts and maxima over the trade list.
  const winPnls = trades.filter((t) => t.pnl > 0).map((t) => t.pnl);
  const lossSizes = trades.filter((t) => t.pnl < 0).map((t) => -t.pnl);
  const grossProfit = sum(winPnls);
  const grossLoss = sum(lossSizes);
  const avgWin = winPnls.length ? grossProfit / winPnls.length : NaN;
  const avgLoss = lossSizes.length ? grossLoss / lossSizes.length : NaN;
  let growth = 1;
  for (const r of dailyReturns) growth *= 1 + r;
  const cagr = dailyReturns.length >= settings.cagr_min_days ? growth ** (365 / dailyReturns.length) - 1 : NaN;
  return {
    bot,
    equity: e,
    peak_equity: peak,
    initial_equity: initial,
    drawdown: drawdownFrom(peak, e),
    daily_drawdown: isToday ? drawdownFrom(hDay, e) : 0,
    weekly_drawdown: isThisWeek ? drawdownFrom(hWeek, e) : 0,
    max_drawdown: maxDd,
    sharpe_ratio: s,
    sortino_ratio: sortino(rs, settings.annualization_factor),
    daily_sharpe_ratio: dailyOk ? sharpe(dailyWindow, settings.daily_annualization_factor) : NaN,
    daily_sortino_ratio: dailyOk ? sortino(dailyWindow, settings.daily_annualization_factor) : NaN,
    win_rate: window.length === 0 ? NaN : window.filter((w) => w.win).length / window.length,
    window_trades: window.length,
    consecutive_losses: streak,
    max_consecutive_losses: maxStreak,
    daily_pnl: isToday ? tradePnlWhere(inDay) : 0,
    weekly_pnl: isThisWeek ? tradePnlWhere(inWeek) : 0,
    total_pnl: sum(trades.map((t) => t.pnl)),
    trades: {
      total: trades.length,
      wins: trades.filter((t) => t.pnl > 0).length,
      losses: trades.filter((t) => t.pnl < 0).length,
      breakeven: trades.filter((t) => t.pnl === 0).length,
    },
    gross_profit: sum(trades.filter((t) => t.pnl > 0).map((t) => t.pnl)),
    gross_loss: sum(trades.filter((t) => t.pnl < 0).map((t) => -t.pnl)),
    sharpe_indicator: indicator(s),
    last_trade_at: tradeTs.length ? Math.max(...tradeTs) : null,
    last_event_at: Math.max(...events.map((ev) => ev.ts)),
    profit_factor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : NaN,
    expectancy: trades.length ? sum(trades.map((t) => t.pnl)) / trades.length : NaN,
    avg_win: avgWin,
    avg_loss: avgLoss,
    payoff_ratio: avgLoss > 0 ? avgWin / avgLoss : NaN,
    largest_win: winPnls.length ? Math.max(...winPnls) : 0,
    largest_loss: lossSizes.length ? Math.max(...lossSizes) : 0,
    sqn: sqn(rs),
    cagr,
    calmar_ratio: maxDd > 0 && !Number.isNaN(cagr) ? cagr / maxDd : NaN,
    net_cashflow: sum(events.flatMap((ev) => (ev.type === "cashflow" ? [ev.amount] : []))),
  };
}
