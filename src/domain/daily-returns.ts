// The daily return series behind daily Sharpe/Sortino and CAGR (§5, §19):
//   E_d = equity at the end of effective day d, carried forward over days without events;
//   r_d = E_d / E_{d−1} − 1, from the bot's first effective day to today inclusive (today partial),
//   E before the first day = the equity before the bot's first event; the last `capacity` returns.
// Cash flows make the return time-weighted: a day is cut into sub-periods at each flow and
//   r_d = Π_k (E_end_k / E_start_k) − 1,
// so a deposit or withdrawal is never a gain or a loss. Without a flow this is E_d / E_{d−1} − 1.
// A return smaller in magnitude than DAILY_RETURN_RESOLUTION is the rounding of the equity sums
// (+0.11 then −0.11 on a summed equity need not give back the same double), not performance: it
// counts as 0, so a flat day reads flat and a window of such days gives no Sharpe of ±6.
// CAGR needs the whole series, not only the window: the product Π (1 + r_d) of every completed
// day and their count are kept as running figures.
// Per event the upkeep is O(1) (amortised O(min(gap, capacity)) when days are skipped); the
// ≤ capacity values are assembled at query time, where a short exact pass is cheap.
import { decodeNumber, encodeNumber, type JsonNumber } from "./json-number.js";

/** 10⁻¹² of equity: one cent on ten billion, ~4,500 roundings of a double (docs/metrics.md). */
export const DAILY_RETURN_RESOLUTION = 1e-12;

export interface DailyReturnsState {
  capacity: number;
  /** Returns of completed effective days (before `currentDay`), oldest first, at most `capacity`. */
  completed: JsonNumber[];
  currentDay: number;
  /** Equity when the current sub-period began (the day's start, or just after its last cash flow). */
  dayStartEquity: JsonNumber;
  /** Π E_end/E_start of the current day's sub-periods that a cash flow already closed (1: none). */
  dayGrowth: JsonNumber;
  /** Π (1 + r_d) over every completed day, and how many days that is (quiet days included). */
  growth: JsonNumber;
  days: number;
}

/** The whole series as of a day: Π (1 + r_d) and the number of days d it spans (§19 CAGR). */
export interface SeriesGrowth {
  growth: number;
  days: number;
}

export class DailyReturns {
  private readonly ring: Float64Array;
  private head = 0;
  private count = 0;
  private dayGrowth = 1;
  private growth = 1;
  private days = 0;

  // Numbers from the start, so V8 keeps them as doubles in place (docs/architecture.md, "Numbers in hot fields").
  private currentDay = 0;
  private dayStartEquity = 0;

  private constructor(
    readonly capacity: number,
    currentDay: number,
    dayStartEquity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("daily window must be an integer ≥ 1");
    this.ring = new Float64Array(capacity);
    this.currentDay = currentDay;
    this.dayStartEquity = dayStartEquity;
  }

  /** Starts the series at the bot's first effective day, with the equity before its first event. */
  static startingOn(day: number, equityBefore: number, capacity: number): DailyReturns {
    return new DailyReturns(capacity, day, equityBefore);
  }

  /**
   * The effective day moves forward to `newDay`: the current day closes at `equityAtClose`, and
   * the days in between (no event) carry it forward, i.e. have a return of exactly 0.
   */
  advanceTo(newDay: number, equityAtClose: number): void {
    if (newDay <= this.currentDay) return;
    const r = this.returnUpTo(equityAtClose);
    this.push(r);
    this.growth *= 1 + r;
    this.days += newDay - this.currentDay;
    const quietDays = Math.min(newDay - this.currentDay - 1, this.capacity);
    for (let i = 0; i < quietDays; i++) this.push(0);
    this.currentDay = newDay;
    this.dayStartEquity = equityAtClose;
    this.dayGrowth = 1;
  }

  /** A cash flow moved equity from `before` to `after`: the running sub-period ends, a new one starts. */
  cashFlow(before: number, after: number): void {
    this.dayGrowth *= before / this.dayStartEquity;
    this.dayStartEquity = after;
  }

  /** The last `capacity` daily returns as of local day `today`, given the current equity. */
  returnsAsOf(today: number, equity: number): number[] {
    const zeros = Math.max(0, today - this.currentDay);
    if (zeros >= this.capacity) return new Array<number>(this.capacity).fill(0);
    const fromRing = Math.min(this.count, this.capacity - 1 - zeros);
    const out: number[] = [];
    for (let i = this.count - fromRing; i < this.count; i++) out.push(this.ring[(this.head + i) % this.capacity]!);
    out.push(this.returnUpTo(equity));
    for (let i = 0; i < zeros; i++) out.push(0);
    return out;
  }

  /** Π (1 + r_d) over the whole series as of local day `today` (today partial), and its length. */
  growthAsOf(today: number, equity: number): SeriesGrowth {
    const zeros = Math.max(0, today - this.currentDay);
    return { growth: this.growth * (1 + this.returnUpTo(equity)), days: this.days + 1 + zeros };
  }

  /** The current day's time-weighted return so far, at `equity`. */
  private returnUpTo(equity: number): number {
    const r = this.dayGrowth === 1 ? equity / this.dayStartEquity - 1 : this.dayGrowth * (equity / this.dayStartEquity) - 1;
    return Math.abs(r) < DAILY_RETURN_RESOLUTION ? 0 : r;
  }

  toState(): DailyReturnsState {
    const completed: JsonNumber[] = [];
    for (let i = 0; i < this.count; i++) completed.push(encodeNumber(this.ring[(this.head + i) % this.capacity]!));
    return {
      capacity: this.capacity,
      completed,
      currentDay: this.currentDay,
      dayStartEquity: encodeNumber(this.dayStartEquity),
      dayGrowth: encodeNumber(this.dayGrowth),
      growth: encodeNumber(this.growth),
      days: this.days,
    };
  }

  static fromState(s: DailyReturnsState): DailyReturns {
    const d = new DailyReturns(s.capacity, s.currentDay, decodeNumber(s.dayStartEquity));
    if (s.completed.length > s.capacity) throw new Error("corrupt daily returns state");
    for (const r of s.completed) d.push(decodeNumber(r));
    d.dayGrowth = decodeNumber(s.dayGrowth);
    d.growth = decodeNumber(s.growth);
    d.days = s.days;
    return d;
  }

  private push(r: number): void {
    if (this.count === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.count--;
    }
    this.ring[(this.head + this.count) % this.capacity] = r;
    this.count++;
  }
}
