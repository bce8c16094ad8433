// The "current day / current week" figures of §5: daily/weekly P&L and the highs H behind
// daily/weekly drawdown, keyed by the *effective* period, which never moves backwards: an event
// whose ts lies before the current day's start counts in the current day.
//
// Only the day's [startMs, endMs) is compared per event; the time-zone conversion happens when an
// event reaches endMs, i.e. once per period (see periods.ts).
import { drawdownFrom } from "./cash-flow.js";
import { decodeNumber, encodeNumber, type JsonNumber } from "./json-number.js";
import { type TimeZoneCalendar, weekStartOf } from "./periods.js";

export interface EffectivePeriodsState {
  day: number;
  startMs: number;
  endMs: number;
  dailyPnl: JsonNumber;
  weeklyPnl: JsonNumber;
  dailyHigh: JsonNumber;
  weeklyHigh: JsonNumber;
}

export class EffectivePeriods {
  // Fields that hold numbers start as numbers (see docs/architecture.md, "Numbers in hot fields"):
  // constructor parameter properties would start as undefined, and each new value be boxed.
  /** Effective local day number (days since 1970-01-01 of the local date). */
  day = 0;
  private startMs = 0;
  private endMs = 0;
  private dailyPnl = 0;
  private weeklyPnl = 0;
  /** H of the day/week: max of the equity when it began and every equity reached in it. */
  private dailyHigh = 0;
  private weeklyHigh = 0;

  private constructor(
    day: number,
    startMs: number,
    endMs: number,
    dailyPnl: number,
    weeklyPnl: number,
    dailyHigh: number,
    weeklyHigh: number,
  ) {
    this.day = day;
    this.startMs = startMs;
    this.endMs = endMs;
    this.dailyPnl = dailyPnl;
    this.weeklyPnl = weeklyPnl;
    this.dailyHigh = dailyHigh;
    this.weeklyHigh = weeklyHigh;
  }

  /** The bot's first applied event opens its first effective day, at the equity before that event. */
  static openedBy(calendar: TimeZoneCalendar, ts: number, equityBefore: number): EffectivePeriods {
    const d = calendar.dayContaining(ts);
    return new EffectivePeriods(d.day, d.startMs, d.endMs, 0, 0, equityBefore, equityBefore);
  }

  get week(): number {
    return weekStartOf(this.day);
  }

  /**
   * Moves the effective day forward if `ts` is at or past the current day's end; returns the new
   * day number, or null when the event stays in the current effective day (including late events).
   */
  advance(calendar: TimeZoneCalendar, ts: number, equityBefore: number): number | null {
    if (ts < this.endMs) return null;
    const d = calendar.dayContaining(ts);
    if (d.day <= this.day) {
      // Only possible in a zone whose local date steps back at a transition: stay, widen the day.
      this.endMs = d.endMs;
      return null;
    }
    const newWeek = weekStartOf(d.day) !== this.week;
    this.day = d.day;
    this.startMs = d.startMs;
    this.endMs = d.endMs;
    this.dailyPnl = 0;
    this.dailyHigh = equityBefore;
    if (newWeek) {
      this.weeklyPnl = 0;
      this.weeklyHigh = equityBefore;
    }
    return d.day;
  }

  addTradePnl(pnl: number): void {
    this.dailyPnl += pnl;
    this.weeklyPnl += pnl;
  }

  /** A cash flow: the day's and the week's highs move with equity (§19). */
  rescaleHighs(scale: (high: number) => number): void {
    this.dailyHigh = scale(this.dailyHigh);
    this.weeklyHigh = scale(this.weeklyHigh);
  }

  /** Called after every event with the equity it left. */
  observeEquity(equity: number): void {
    if (equity > this.dailyHigh) this.dailyHigh = equity;
    if (equity > this.weeklyHigh) this.weeklyHigh = equity;
  }

  /** "Current" figures as of local day `today`: 0 when the last effective day (week) is not today's. */
  dailyPnlOn(today: number): number {
    return today === this.day ? this.dailyPnl : 0;
  }

  weeklyPnlOn(today: number): number {
    return weekStartOf(today) === this.week ? this.weeklyPnl : 0;
  }

  dailyDrawdownOn(today: number, equity: number): number {
    return today === this.day ? drawdownFrom(this.dailyHigh, equity) : 0;
  }

  weeklyDrawdownOn(today: number, equity: number): number {
    return weekStartOf(today) === this.week ? drawdownFrom(this.weeklyHigh, equity) : 0;
  }

  toState(): EffectivePeriodsState {
    return {
      day: this.day,
      startMs: this.startMs,
      endMs: this.endMs,
      dailyPnl: encodeNumber(this.dailyPnl),
      weeklyPnl: encodeNumber(this.weeklyPnl),
      dailyHigh: encodeNumber(this.dailyHigh),
      weeklyHigh: encodeNumber(this.weeklyHigh),
    };
  }

  static fromState(s: EffectivePeriodsState): EffectivePeriods {
    return new EffectivePeriods(
      s.day,
      s.startMs,
      s.endMs,
      decodeNumber(s.dailyPnl),
      decodeNumber(s.weeklyPnl),
      decodeNumber(s.dailyHigh),
      decodeNumber(s.weeklyHigh),
    );
  }
}
