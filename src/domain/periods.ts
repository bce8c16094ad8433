// Calendar days and Monday-start weeks in `metrics.timezone` (§5), DST-correct.
//
// A day is identified by its day number: days since 1970-01-01 of the *local* date, so that day
// arithmetic (gaps, weeks) is plain integer arithmetic. Converting an instant to a local date needs
// Intl (slow, ~µs), so callers keep the current day's [startMs, endMs) and only call
// `dayContaining` when an instant falls past `endMs`: once per period, not once per event.

export const DAY_MS = 86_400_000;

/** One local calendar day: its number and the UTC instants it spans, [startMs, endMs). */
export interface LocalDay {
  day: number;
  startMs: number;
  endMs: number;
}

/** 1970-01-01 was a Thursday: with Monday = 0, day 0 is weekday 3. */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Day number of the Monday that starts the week of `day`; it identifies the week. */
export function weekStartOf(day: number): number {
  return day - weekdayOf(day);
}

export class TimeZoneCalendar {
  private readonly formatter: Intl.DateTimeFormat;
  /** How many instant→local-day conversions were made: lets tests prove "once per period". */
  conversions = 0;
  /** One-entry cache: bots in the same timezone mostly ask about the same day (and `now` too). */
  private cached: LocalDay | null = null;
  /**
   * The last local midnight computed, by day number: the end of one day is the start of the next,
   * so a stream moving day by day computes each midnight once instead of twice.
   */
  private lastMidnight = { day: NaN, ms: NaN };

  constructor(readonly timeZone: string) {
    // Throws a RangeError for an unknown IANA name: the config layer reports it.
    this.formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  /** The local day containing instant `ts`, with its bounds. The one expensive call. */
  dayContaining(ts: number): LocalDay {
    const c = this.cached;
    if (c !== null && ts >= c.startMs && ts < c.endMs) return c;
    this.conversions++;
    const day = this.dayNumberAt(ts);
    const found: LocalDay = { day, startMs: this.startOfDay(day), endMs: this.startOfDay(day + 1) };
    // Guard against zones whose local date is not monotonic around a transition: keep ts inside.
    if (ts < found.startMs) found.startMs = ts;
    if (ts >= found.endMs) found.endMs = ts + 1;
    this.cached = found;
    return found;
  }

  /** Local wall-clock time of `ts`, as if it were UTC (epoch ms), from the cached formatter. */
  private wallClock(ts: number): number {
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0,
      s = 0;
    for (const p of this.formatter.formatToParts(ts)) {
      switch (p.type) {
        case "year":
          y = Number(p.value);
          break;
        case "month":
          mo = Number(p.value);
          break;
        case "day":
          d = Number(p.value);
          break;
        case "hour":
          h = Number(p.value);
          break;
        case "minute":
          mi = Number(p.value);
          break;
        case "second":
          s = Number(p.value);
          break;
        default:
          // Literals, era, weekday and the like carry nothing the wall-clock time needs.
          break;
      }
    }
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    // Date.UTC maps years 0..99 to 1900..1999; event times are ≥ 1970 so that never happens here.
    return wall + (((ts % 1000) + 1000) % 1000);
  }

  /**
   * The instant local day `day` shows the wall-clock time `minuteOfDay` (minutes after midnight).
   * Twice (clocks set back): the first time. Never (clocks jump over it): the moment of the jump,
   * the first instant after which the local time is past it.
   */
  instantAt(day: number, minuteOfDay: number): number {
    this.conversions++;
    const wall = day * DAY_MS + minuteOfDay * 60_000;
    // The offsets in force half a day either side: any transition near `wall` lies between them.
    const offsets = [wall - 12 * 3_600_000, wall + 12 * 3_600_000].map((t) => this.wallClock(t) - t);
    const exact = offsets.map((o) => wall - o).filter((t) => this.wallClock(t) === wall);
    if (exact.length > 0) return Math.min(...exact);
    // In a gap: bisect between the two readings for the first instant whose local time is past `wall`.
    let lo = wall - Math.max(...offsets);
    let hi = wall - Math.min(...offsets);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.wallClock(mid) >= wall) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  private dayNumberAt(ts: number): number {
    return Math.floor(this.wallClock(ts) / DAY_MS);
  }

  /** The first instant whose local date is `day` or later (local midnight, or the DST jump past it). */
  private startOfDay(day: number): number {
    if (this.lastMidnight.day === day) return this.lastMidnight.ms;
    const ms = this.computeStartOfDay(day);
    this.lastMidnight = { day, ms };
    return ms;
  }

  private computeStartOfDay(day: number): number {
    const midnightAsUtc = day * DAY_MS;
    let guess = midnightAsUtc - (this.wallClock(midnightAsUtc) - midnightAsUtc);
    guess = midnightAsUtc - (this.wallClock(guess) - guess);
    if (this.dayNumberAt(guess) >= day && this.dayNumberAt(guess - 1) < day) return guess;
    // Midnight falls in a DST gap or an odd historical offset: bisect (offsets are within ±26 h).
    let lo = midnightAsUtc - 26 * 3_600_000; // local day < `day`
    let hi = midnightAsUtc + 26 * 3_600_000; // local day ≥ `day`
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.dayNumberAt(mid) >= day) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}
