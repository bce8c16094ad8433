// A group's fleet figures (§19): the summed equity of its members, with its own peak, drawdowns,
// period figures and daily returns. O(1) per member event. A member counts from its first event:
// its joining is a cash flow into the group of its equity before that event, so joining is neither
// a gain nor a drawdown; a member's cash flow is the group's cash flow; every other change of a
// member's equity is the group's performance.
import { drawdownFrom, scaledHigh } from "../domain/cash-flow.js";
import { DailyReturns, type DailyReturnsState } from "../domain/daily-returns.js";
import { EffectivePeriods, type EffectivePeriodsState } from "../domain/effective-periods.js";
import { decodeNumber, encodeNumber, type JsonNumber } from "../domain/json-number.js";
import type { TimeZoneCalendar } from "../domain/periods.js";
import { sharpeRatio, sortinoRatio, statsOf } from "../domain/risk-ratios.js";
import { compoundAnnualGrowth } from "../domain/trade-statistics.js";
import type { RatioSettings } from "./bot-performance.js";
import type { GroupSnapshot } from "../domain/snapshots.js";

/** What one member event did to the member: equity before and after, and its kind. */
export interface MemberChange {
  bot: string;
  ts: number;
  before: number;
  after: number;
  cashFlow: boolean;
  /** A trade's pnl (0 for other events). */
  pnl: number;
}

export interface GroupPerformanceState {
  joined: string[];
  equity: JsonNumber;
  peak: JsonNumber;
  maxDrawdown: JsonNumber;
  totalPnl: JsonNumber;
  periods: EffectivePeriodsState | null;
  daily: DailyReturnsState | null;
}

export class GroupPerformance {
  private readonly joined = new Set<string>();
  private equity = 0;
  private peak = 0;
  private maxDrawdown = 0;
  private totalPnl = 0;
  private periods: EffectivePeriods | null = null;
  private daily: DailyReturns | null = null;

  constructor(
    readonly group: string,
    readonly members: readonly string[],
    private readonly dailyWindowDays: number,
  ) {}

  apply(c: MemberChange, calendar: TimeZoneCalendar): void {
    if (this.periods === null || this.daily === null) {
      // The first member's first event opens the group at that member's equity.
      this.equity = c.before;
      this.peak = c.before;
      this.periods = EffectivePeriods.openedBy(calendar, c.ts, c.before);
      this.daily = DailyReturns.startingOn(this.periods.day, c.before, this.dailyWindowDays);
      this.joined.add(c.bot);
    } else {
      const newDay = this.periods.advance(calendar, c.ts, this.equity);
      if (newDay !== null) this.daily.advanceTo(newDay, this.equity);
      if (!this.joined.has(c.bot)) {
        this.joined.add(c.bot);
        this.cashFlow(c.before);
      }
    }
    const delta = c.after - c.before;
    if (c.cashFlow) this.cashFlow(delta);
    else this.equity += delta;
    if (c.pnl !== 0) {
      this.totalPnl += c.pnl;
      this.periods.addTradePnl(c.pnl);
    }
    if (this.equity > this.peak) this.peak = this.equity;
    const drawdown = drawdownFrom(this.peak, this.equity);
    if (drawdown > this.maxDrawdown) this.maxDrawdown = drawdown;
    this.periods.observeEquity(this.equity);
  }

  private cashFlow(amount: number): void {
    const before = this.equity;
    const after = before + amount;
    this.peak = scaledHigh(this.peak, before, after);
    this.periods!.rescaleHighs((h) => scaledHigh(h, before, after));
    this.daily!.cashFlow(before, after);
    this.equity = after;
  }

  snapshot(today: number, ratios: RatioSettings): GroupSnapshot {
    const p = this.periods;
    const d = this.daily;
    const daily = statsOf(d ? d.returnsAsOf(today, this.equity) : []);
    const series = d ? d.growthAsOf(today, this.equity) : { growth: 1, days: 0 };
    return {
      group: this.group,
      members: [...this.members],
      equity: this.equity,
      peak_equity: this.peak,
      drawdown: drawdownFrom(this.peak, this.equity),
      max_drawdown: this.maxDrawdown,
      daily_drawdown: p ? p.dailyDrawdownOn(today, this.equity) : 0,
      weekly_drawdown: p ? p.weeklyDrawdownOn(today, this.equity) : 0,
      daily_pnl: p ? p.dailyPnlOn(today) : 0,
      weekly_pnl: p ? p.weeklyPnlOn(today) : 0,
      total_pnl: this.totalPnl,
      daily_sharpe_ratio: sharpeRatio(daily, ratios.daily_annualization_factor),
      daily_sortino_ratio: sortinoRatio(daily, ratios.daily_annualization_factor),
      cagr: compoundAnnualGrowth(series.growth, series.days, ratios.cagr_min_days),
    };
  }

  toState(): GroupPerformanceState {
    return {
      joined: [...this.joined],
      equity: encodeNumber(this.equity),
      peak: encodeNumber(this.peak),
      maxDrawdown: encodeNumber(this.maxDrawdown),
      totalPnl: encodeNumber(this.totalPnl),
      periods: this.periods ? this.periods.toState() : null,
      daily: this.daily ? this.daily.toState() : null,
    };
  }

  static fromState(group: string, members: readonly string[], s: GroupPerformanceState, dailyWindowDays: number): GroupPerformance {
    const g = new GroupPerformance(group, members, dailyWindowDays);
    for (const m of s.joined) g.joined.add(m);
    g.equity = decodeNumber(s.equity);
    g.peak = decodeNumber(s.peak);
    g.maxDrawdown = decodeNumber(s.maxDrawdown);
    g.totalPnl = decodeNumber(s.totalPnl);
    g.periods = s.periods ? EffectivePeriods.fromState(s.periods) : null;
    g.daily = s.daily ? DailyReturns.fromState(s.daily) : null;
    return g;
  }
}
