// One bot's performance state (§5, §19): equity, peak and drawdowns, the rolling per-trade
// window, all-time trade tallies, the effective day/week figures and the daily return series.
// apply() is O(1) in the window size; snapshot() assembles the figures as of a given local day.
import { drawdownFrom, scaledHigh } from "../domain/cash-flow.js";
import { DailyReturns, type DailyReturnsState } from "../domain/daily-returns.js";
import { EffectivePeriods, type EffectivePeriodsState } from "../domain/effective-periods.js";
import type { TradeEvent, TradingEvent } from "../domain/events.js";
import { decodeNumber, encodeNumber, type JsonNumber } from "../domain/json-number.js";
import { isLater, NEVER, timeOrNever, timeOrNull } from "../domain/optional-time.js";
import type { TimeZoneCalendar } from "../domain/periods.js";
import { sharpeIndicator, sharpeRatio, sortinoRatio, statsOf } from "../domain/risk-ratios.js";
import { RollingReturns, type RollingWindowState } from "../domain/rolling-window.js";
import { calmarRatio, compoundAnnualGrowth, systemQualityNumber, tradeStatistics } from "../domain/trade-statistics.js";
import type { PerformanceSnapshot } from "../domain/snapshots.js";

/** The settings that only shape figures at query time. */
export interface RatioSettings {
  annualization_factor: number;
  daily_annualization_factor: number;
  cagr_min_days: number;
}

export interface BotPerformanceState {
  initialEquity: JsonNumber;
  equity: JsonNumber;
  peak: JsonNumber;
  maxDrawdown: JsonNumber;
  window: RollingWindowState;
  consecutiveLosses: number;
  maxConsecutiveLosses: number;
  wins: number;
  losses: number;
  breakeven: number;
  totalPnl: JsonNumber;
  grossProfit: JsonNumber;
  grossLoss: JsonNumber;
  largestWin: JsonNumber;
  largestLoss: JsonNumber;
  netCashflow: JsonNumber;
  lastTradeAt: number | null;
  lastEventAt: number | null;
  periods: EffectivePeriodsState | null;
  daily: DailyReturnsState | null;
}

export class BotPerformance {
  // Numbers from the start, so V8 keeps them as doubles in place (docs/architecture.md, "Numbers in hot fields").
  private equity = 0;
  private peak = 0;
  private maxDrawdown = 0;
  private consecutiveLosses = 0;
  private maxConsecutiveLosses = 0;
  private wins = 0;
  private losses = 0;
  private breakeven = 0;
  private totalPnl = 0;
  private grossProfit = 0;
  private grossLoss = 0;
  private largestWin = 0;
  /** |pnl| of the worst losing trade. */
  private largestLoss = 0;
  private netCashflow = 0;
  private lastTradeAt = NEVER;
  private lastEventAt = NEVER;
  /** Both null until the bot's first applied event (it opens the first effective day). */
  private periods: EffectivePeriods | null = null;
  private daily: DailyReturns | null = null;

  constructor(
    readonly bot: string,
    private readonly initialEquity: number,
    private readonly window: RollingReturns,
    private readonly dailyWindowDays: number,
  ) {
    // The peak starts at the initial equity: a first losing trade already shows a drawdown.
    this.equity = initialEquity;
    this.peak = initialEquity;
  }

  static create(bot: string, initialEquity: number, windowTrades: number, dailyWindowDays: number): BotPerformance {
    return new BotPerformance(bot, initialEquity, new RollingReturns(windowTrades), dailyWindowDays);
  }

  get currentEquity(): number {
    return this.equity;
  }

  /** (P − E) / P now, the §8 `drawdown`. */
  get currentDrawdown(): number {
    return drawdownFrom(this.peak, this.equity);
  }

  apply(event: TradingEvent, calendar: TimeZoneCalendar): void {
    this.movePeriods(event.ts, calendar);
    if (event.type === "trade") this.applyTrade(event);
    else if (event.type === "equity") this.equity = event.equity;
    else if (event.type === "cashflow") this.applyCashFlow(event.amount);
    // After every event, of any type: P = max(P, E), drawdowns, the period highs.
    if (this.equity > this.peak) this.peak = this.equity;
    // A NaN drawdown (only from an infinite equity) does not count as the largest.
    const drawdown = drawdownFrom(this.peak, this.equity);
    if (drawdown > this.maxDrawdown) this.maxDrawdown = drawdown;
    this.periods!.observeEquity(this.equity);
    if (isLater(event.ts, this.lastEventAt)) this.lastEventAt = event.ts;
  }

  /** Figures as of local day `today` (the day of clock.now() in the configured timezone). */
  snapshot(today: number, ratios: RatioSettings): PerformanceSnapshot {
    const stats = this.window.stats();
    const sharpe = sharpeRatio(stats, ratios.annualization_factor);
    const daily = statsOf(this.daily ? this.daily.returnsAsOf(today, this.equity) : []);
    const series = this.daily ? this.daily.growthAsOf(today, this.equity) : { growth: 1, days: 0 };
    const cagr = compoundAnnualGrowth(series.growth, series.days, ratios.cagr_min_days);
    const p = this.periods;
    return {
      bot: this.bot,
      equity: this.equity,
      peak_equity: this.peak,
      initial_equity: this.initialEquity,
      drawdown: drawdownFrom(this.peak, this.equity),
      daily_drawdown: p ? p.dailyDrawdownOn(today, this.equity) : 0,
      weekly_drawdown: p ? p.weeklyDrawdownOn(today, this.equity) : 0,
      max_drawdown: this.maxDrawdown,
      sharpe_ratio: sharpe,
      sortino_ratio: sortinoRatio(stats, ratios.annualization_factor),
      daily_sharpe_ratio: sharpeRatio(daily, ratios.daily_annualization_factor),
      daily_sortino_ratio: sortinoRatio(daily, ratios.daily_annualization_factor),
      win_rate: this.window.winRate(),
      window_trades: this.window.size,
      consecutive_losses: this.consecutiveLosses,
      max_consecutive_losses: this.maxConsecutiveLosses,
      daily_pnl: p ? p.dailyPnlOn(today) : 0,
      weekly_pnl: p ? p.weeklyPnlOn(today) : 0,
      total_pnl: this.totalPnl,
      trades: {
        total: this.wins + this.losses + this.breakeven,
        wins: this.wins,
        losses: this.losses,
        breakeven: this.breakeven,
      },
      gross_profit: this.grossProfit,
      gross_loss: this.grossLoss,
      sharpe_indicator: sharpeIndicator(sharpe),
      last_trade_at: timeOrNull(this.lastTradeAt),
      last_event_at: timeOrNull(this.lastEventAt),
      ...tradeStatistics({
        wins: this.wins,
        losses: this.losses,
        breakeven: this.breakeven,
        totalPnl: this.totalPnl,
        grossProfit: this.grossProfit,
        grossLoss: this.grossLoss,
      }),
      largest_win: this.largestWin,
      largest_loss: this.largestLoss,
      sqn: systemQualityNumber(stats),
      cagr,
      calmar_ratio: calmarRatio(cagr, this.maxDrawdown),
      net_cashflow: this.netCashflow,
    };
  }

  private movePeriods(ts: number, calendar: TimeZoneCalendar): void {
    if (this.periods === null || this.daily === null) {
      this.periods = EffectivePeriods.openedBy(calendar, ts, this.equity);
      this.daily = DailyReturns.startingOn(this.periods.day, this.equity, this.dailyWindowDays);
      return;
    }
    // The equity before this event is the equity at the end of the day being closed.
    const newDay = this.periods.advance(calendar, ts, this.equity);
    if (newDay !== null) this.daily.advanceTo(newDay, this.equity);
  }

  /**
   * A deposit or withdrawal moves equity but is not performance (§19): the peak and the period
   * highs scale with equity, so every drawdown ratio stays what it was, and the day's return is
   * cut into time-weighted sub-periods. At equity ≤ 0 the rules of scaledHigh apply.
   */
  private applyCashFlow(amount: number): void {
    const before = this.equity;
    const after = before + amount;
    this.netCashflow += amount;
    this.peak = scaledHigh(this.peak, before, after);
    this.periods!.rescaleHighs((high) => scaledHigh(high, before, after));
    this.daily!.cashFlow(before, after);
    this.equity = after;
  }

  private applyTrade(t: TradeEvent): void {
    const equityBefore = this.equity;
    // r = return if given, else pnl / E_before; no return when E_before ≤ 0 (§5), nor when
    // the division overflows (a non-finite r would make every later figure NaN).
    const r = t.return !== undefined ? t.return : equityBefore > 0 ? t.pnl / equityBefore : NaN;
    if (Number.isFinite(r)) this.window.push(r, t.pnl > 0);
    this.equity = equityBefore + t.pnl;
    this.totalPnl += t.pnl;
    this.periods!.addTradePnl(t.pnl);
    if (t.pnl > 0) {
      this.wins++;
      this.grossProfit += t.pnl;
      if (t.pnl > this.largestWin) this.largestWin = t.pnl;
      this.consecutiveLosses = 0;
    } else if (t.pnl < 0) {
      this.losses++;
      this.grossLoss -= t.pnl;
      if (-t.pnl > this.largestLoss) this.largestLoss = -t.pnl;
      this.consecutiveLosses++;
      if (this.consecutiveLosses > this.maxConsecutiveLosses) this.maxConsecutiveLosses = this.consecutiveLosses;
    } else {
      this.breakeven++;
      this.consecutiveLosses = 0;
    }
    if (isLater(t.ts, this.lastTradeAt)) this.lastTradeAt = t.ts;
  }

  toState(): BotPerformanceState {
    return {
      initialEquity: encodeNumber(this.initialEquity),
      equity: encodeNumber(this.equity),
      peak: encodeNumber(this.peak),
      maxDrawdown: encodeNumber(this.maxDrawdown),
      window: this.window.toState(),
      consecutiveLosses: this.consecutiveLosses,
      maxConsecutiveLosses: this.maxConsecutiveLosses,
      wins: this.wins,
      losses: this.losses,
      breakeven: this.breakeven,
      totalPnl: encodeNumber(this.totalPnl),
      grossProfit: encodeNumber(this.grossProfit),
      grossLoss: encodeNumber(this.grossLoss),
      largestWin: encodeNumber(this.largestWin),
      largestLoss: encodeNumber(this.largestLoss),
      netCashflow: encodeNumber(this.netCashflow),
      lastTradeAt: timeOrNull(this.lastTradeAt),
      lastEventAt: timeOrNull(this.lastEventAt),
      periods: this.periods ? this.periods.toState() : null,
      daily: this.daily ? this.daily.toState() : null,
    };
  }

  static fromState(bot: string, s: BotPerformanceState, dailyWindowDays: number): BotPerformance {
    const b = new BotPerformance(bot, decodeNumber(s.initialEquity), RollingReturns.fromState(s.window), dailyWindowDays);
    b.equity = decodeNumber(s.equity);
    b.peak = decodeNumber(s.peak);
    b.maxDrawdown = decodeNumber(s.maxDrawdown);
    b.consecutiveLosses = s.consecutiveLosses;
    b.maxConsecutiveLosses = s.maxConsecutiveLosses;
    b.wins = s.wins;
    b.losses = s.losses;
    b.breakeven = s.breakeven;
    b.totalPnl = decodeNumber(s.totalPnl);
    b.grossProfit = decodeNumber(s.grossProfit);
    b.grossLoss = decodeNumber(s.grossLoss);
    b.largestWin = decodeNumber(s.largestWin);
    b.largestLoss = decodeNumber(s.largestLoss);
    b.netCashflow = decodeNumber(s.netCashflow);
    b.lastTradeAt = timeOrNever(s.lastTradeAt);
    b.lastEventAt = timeOrNever(s.lastEventAt);
    b.periods = s.periods ? EffectivePeriods.fromState(s.periods) : null;
    b.daily = s.daily ? DailyReturns.fromState(s.daily) : null;
    return b;
  }
}
