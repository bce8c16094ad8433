// Days and Monday-start weeks in the configured timezone (§5): DST, late events, gap days,
// and the promise that the time-zone conversion runs once per period, not once per event.
import { describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { DailyReturns } from "../../src/domain/daily-returns.js";
import { EffectivePeriods } from "../../src/domain/effective-periods.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { DAY_MS, TimeZoneCalendar, weekStartOf, weekdayOf } from "../../src/domain/periods.js";
import { Engine } from "../../src/engine/engine.js";
import type { MetricsSettings } from "../../src/domain/snapshots.js";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;

function settings(timezone: string): MetricsSettings {
  return {
    initial_equity: 1000,
    window_trades: 100,
    annualization_factor: 365,
    daily_window_days: 90,
    daily_annualization_factor: 365,
    cagr_min_days: 30,
    timezone,
    bots: {},
  };
}

function trade(ts: number, pnl: number, id = String(ts)): TradingEvent {
  return { type: "trade", bot: "alpha", id, pnl, ts };
}

describe("TimeZoneCalendar: local days across DST", () => {
  const cases: [string, string, string, string, number][] = [
    // zone, local date, expected start (UTC), expected end (UTC), hours in the day
    ["America/New_York", "2025-03-09", "2025-03-09T05:00:00Z", "2025-03-10T04:00:00Z", 23],
    ["America/New_York", "2025-11-02", "2025-11-02T04:00:00Z", "2025-11-03T05:00:00Z", 25],
    ["Europe/Berlin", "2025-03-30", "2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z", 23],
    ["Europe/Berlin", "2025-10-26", "2025-10-25T22:00:00Z", "2025-10-26T23:00:00Z", 25],
    ["UTC", "2026-01-01", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", 24],
    ["Asia/Kolkata", "2026-01-01", "2025-12-31T18:30:00Z", "2026-01-01T18:30:00Z", 24],
    // Midnight itself is skipped here (00:00 → 01:00): the day begins at the jump.
    ["America/Santiago", "2025-09-07", "2025-09-07T04:00:00Z", "2025-09-08T03:00:00Z", 23],
  ];
  for (const [zone, date, start, end, hours] of cases) {
    it(`${zone} ${date} spans [${start}, ${end}) = ${hours} h`, () => {
      const cal = new TimeZoneCalendar(zone);
      for (const probe of [at(start), at(start) + HOUR, at(end) - 1]) {
        const d = cal.dayContaining(probe);
        expect(d.day).toBe(dayNumber(date));
        expect(d.startMs).toBe(at(start));
        expect(d.endMs).toBe(at(end));
        expect((d.endMs - d.startMs) / HOUR).toBe(hours);
      }
      expect(new TimeZoneCalendar(zone).dayContaining(at(start) - 1).day).toBe(dayNumber(date) - 1);
      expect(new TimeZoneCalendar(zone).dayContaining(at(end)).day).toBe(dayNumber(date) + 1);
    });
  }

  it("rejects an unknown IANA zone", () => {
    expect(() => new TimeZoneCalendar("Mars/Olympus_Mons")).toThrow(RangeError);
  });
});

describe("weeks start on Monday", () => {
  it("maps each weekday to its Monday", () => {
    expect(weekdayOf(dayNumber("2026-01-01"))).toBe(3); // Thursday
    expect(weekStartOf(dayNumber("2026-01-01"))).toBe(dayNumber("2025-12-29"));
    expect(weekStartOf(dayNumber("2025-12-29"))).toBe(dayNumber("2025-12-29")); // Monday itself
    expect(weekStartOf(dayNumber("2025-12-28"))).toBe(dayNumber("2025-12-22")); // Sunday ends a week
    expect(weekStartOf(0)).toBe(dayNumber("1969-12-29"));
  });

  it("weekly P&L resets on Monday local time, not on Monday UTC (Asia/Tokyo)", () => {
    const clock = new ManualClock(at("2025-12-29T03:00:00Z")); // Monday 12:00 in Tokyo
    const engine = new Engine(settings("Asia/Tokyo"), clock);
    engine.apply(trade(at("2025-12-28T14:00:00Z"), 10)); // Sunday 23:00 Tokyo
    engine.apply(trade(at("2025-12-28T16:00:00Z"), 5)); // Monday 01:00 Tokyo, still Sunday in UTC
    expect(engine.performance("alpha").weekly_pnl).toBe(5);
    expect(engine.performance("alpha").daily_pnl).toBe(5);
  });
});

describe("effective periods never move backwards", () => {
  it("a late trade counts in the latest day and week", () => {
    const clock = new ManualClock(at("2026-01-01T18:00:00Z"));
    const engine = new Engine(settings("UTC"), clock);
    engine.apply(trade(at("2026-01-01T10:00:00Z"), 20));
    engine.apply(trade(at("2025-12-20T10:00:00Z"), -5)); // delivered late: an earlier week
    const p = engine.performance("alpha");
    expect(p.daily_pnl).toBe(15);
    expect(p.weekly_pnl).toBe(15);
    expect(p.last_trade_at).toBe(at("2026-01-01T10:00:00Z"));
  });

  it("a DST fall-back hour stays in the same local day (America/New_York)", () => {
    const clock = new ManualClock(at("2025-11-03T04:45:00Z")); // 23:45 EST on Nov 2
    const engine = new Engine(settings("America/New_York"), clock);
    engine.apply(trade(at("2025-11-02T04:30:00Z"), 1)); // 00:30 EDT Nov 2
    engine.apply(trade(at("2025-11-03T04:30:00Z"), 2)); // 23:30 EST Nov 2: 24 h later, same local day
    expect(engine.performance("alpha").daily_pnl).toBe(3);
    engine.apply(trade(at("2025-11-03T05:00:00Z"), 4)); // 00:00 EST Nov 3: a new day
    clock.set(at("2025-11-03T06:00:00Z"));
    expect(engine.performance("alpha").daily_pnl).toBe(4);
  });

  it("daily figures are 0 when the last effective day is not today", () => {
    const clock = new ManualClock(at("2026-01-01T12:00:00Z"));
    const engine = new Engine(settings("Europe/Berlin"), clock);
    engine.apply(trade(at("2026-01-01T10:00:00Z"), -100));
    expect(engine.performance("alpha").daily_drawdown).toBeCloseTo(0.1, 15);
    clock.set(at("2026-01-01T23:30:00Z")); // already Jan 2 in Berlin (same week)
    const p = engine.performance("alpha");
    expect(p.daily_drawdown).toBe(0);
    expect(p.daily_pnl).toBe(0);
    expect(p.weekly_pnl).toBe(-100);
    expect(p.weekly_drawdown).toBeCloseTo(0.1, 15);
  });
});

describe("daily returns over gap days", () => {
  it("carries equity forward over days without events (zero returns) up to today", () => {
    const d = DailyReturns.startingOn(100, 1000, 90);
    d.advanceTo(103, 1100); // day 100 closed at 1100; 101 and 102 had no event
    expect(d.returnsAsOf(105, 1210)).toEqual([1100 / 1000 - 1, 0, 0, 1210 / 1100 - 1, 0, 0]);
  });

  it("keeps only the last daily_window_days returns, even across a long gap", () => {
    const d = DailyReturns.startingOn(0, 1000, 3);
    d.advanceTo(1, 1100);
    d.advanceTo(2, 990);
    expect(d.returnsAsOf(2, 1089)).toEqual([1100 / 1000 - 1, 990 / 1100 - 1, 1089 / 990 - 1]);
    expect(d.returnsAsOf(3, 1089)).toEqual([990 / 1100 - 1, 1089 / 990 - 1, 0]);
    d.advanceTo(1_000_000, 1089);
    expect(d.returnsAsOf(1_000_005, 2000)).toEqual([0, 0, 0]);
  });

  it("reads a day whose trades sum to nothing as flat, not as the rounding of the sum", () => {
    // 10000 + 0.1 + 0.2 − 0.3 is 10000 + 2⁻³⁹ in doubles: a return of 2.2e-16 that, among flat
    // days, gave a daily Sharpe of 6.04 for a bot that made nothing.
    expect((10_000 + 0.1 + 0.2 - 0.3) / 10_000 - 1).not.toBe(0);
    const clock = new ManualClock(at("2026-01-10T12:00:00Z"));
    const engine = new Engine({ ...settings("UTC"), initial_equity: 10_000 }, clock);
    engine.apply(trade(at("2026-01-01T10:00:00Z"), 0.1, "1"));
    engine.apply(trade(at("2026-01-01T11:00:00Z"), 0.2, "2"));
    engine.apply(trade(at("2026-01-01T12:00:00Z"), -0.3, "3"));
    const p = engine.performance("alpha");
    expect(p.daily_sharpe_ratio).toBeNaN();
    expect(p.daily_sortino_ratio).toBeNaN();
    // A real return of one cent on 10,000 still counts.
    engine.apply(trade(at("2026-01-10T10:00:00Z"), 0.01, "4"));
    expect(engine.performance("alpha").daily_sharpe_ratio).toBeGreaterThan(0);
  });
});

describe("boundaries are computed once per period", () => {
  it("converts time zones once per new local day, however many events arrive in it", () => {
    const calendar = new TimeZoneCalendar("Europe/Berlin");
    const spy = vi.spyOn(calendar, "dayContaining");
    const start = at("2025-03-25T00:00:00Z"); // spans the March DST switch
    const days = 20;
    const periods = EffectivePeriods.openedBy(calendar, start, 1000);
    let moves = 0;
    for (let i = 1; i < 10_000; i++) {
      const ts = start + Math.floor((i * days * DAY_MS) / 10_000);
      // Every 7th event is late (a day back): it must not trigger a conversion either.
      if (periods.advance(calendar, i % 7 === 0 ? ts - DAY_MS : ts, 1000) !== null) moves++;
    }
    const distinctDays = days + 1; // the local days touched (UTC midnight is 01:00/02:00 in Berlin)
    expect(moves).toBe(distinctDays - 1);
    expect(spy).toHaveBeenCalledTimes(distinctDays);
    expect(calendar.conversions).toBe(distinctDays);
  });

  it("makes no conversion for events inside the current day", () => {
    const calendar = new TimeZoneCalendar("America/New_York");
    const periods = EffectivePeriods.openedBy(calendar, at("2025-06-02T13:00:00Z"), 1000);
    const before = calendar.conversions;
    for (let i = 0; i < 1000; i++) periods.advance(calendar, at("2025-06-02T13:00:00Z") + i * 30_000, 1000);
    expect(calendar.conversions).toBe(before);
  });
});
