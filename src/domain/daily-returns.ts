// The daily return series behind daily Sharpe/Sortino (§5):
//   E_d = equity at the end of effective day d, carried forward over days without events;
//   r_d = E_d / E_{d−1} − 1, from the bot's first effective day to today inclusive (today partial),
//   E before the first day = the equity before the bot's first event; the last `capacity` returns.
// Per event the upkeep is O(1) (amortised O(min(gap, capacity)) when days are skipped); the
// ≤ capacity values are assembled at query time, where a short exact pass is cheap.
import { decodeNumber, encodeNumber, type JsonNumber } from "./json-number.js";

export interface DailyReturnsState {
  capacity: number;
  /** Returns of completed effective days (before `currentDay`), oldest first, at most `capacity`. */
  completed: JsonNumber[];
  currentDay: number;
  /** E_{currentDay − 1}: the equity when the current effective day began. */
  dayStartEquity: JsonNumber;
}

export class DailyReturns {
  private readonly ring: Float64Array;
  private head = 0;
  private count = 0;

  private constructor(
    readonly capacity: number,
    private currentDay: number,
    private dayStartEquity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("daily window must be an integer ≥ 1");
    this.ring = new Float64Array(capacity);
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
    this.push(equityAtClose / this.dayStartEquity - 1);
    const quietDays = Math.min(newDay - this.currentDay - 1, this.capacity);
    for (let i = 0; i < quietDays; i++) this.push(0);
    this.currentDay = newDay;
    this.dayStartEquity = equityAtClose;
  }

  /** The last `capacity` daily returns as of local day `today`, given the current equity. */
  returnsAsOf(today: number, equity: number): number[] {
    const zeros = Math.max(0, today - this.currentDay);
    if (zeros >= this.capacity) return new Array<number>(this.capacity).fill(0);
    const fromRing = Math.min(this.count, this.capacity - 1 - zeros);
    const out: number[] = [];
    for (let i = this.count - fromRing; i < this.count; i++) out.push(this.ring[(this.head + i) % this.capacity]!);
    out.push(equity / this.dayStartEquity - 1);
    for (let i = 0; i < zeros; i++) out.push(0);
    return out;
  }

  toState(): DailyReturnsState {
    const completed: JsonNumber[] = [];
    for (let i = 0; i < this.count; i++) completed.push(encodeNumber(this.ring[(this.head + i) % this.capacity]!));
    return {
      capacity: this.capacity,
      completed,
      currentDay: this.currentDay,
      dayStartEquity: encodeNumber(this.dayStartEquity),
    };
  }

  static fromState(s: DailyReturnsState): DailyReturns {
    const d = new DailyReturns(s.capacity, s.currentDay, decodeNumber(s.dayStartEquity));
    if (s.completed.length > s.capacity) throw new Error("corrupt daily returns state");
    for (const r of s.completed) d.push(decodeNumber(r));
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
