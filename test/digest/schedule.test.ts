// When digests are due (§19), in the configured timezone: the newest due period, its key and
// bounds, weekly days, and the two DST days (a skipped and a repeated local hour).
import { describe, expect, it } from "vitest";
import { latestDuePeriod, parseTimeOfDay, scheduleOf } from "../../src/domain/digest-schedule.js";
import { TimeZoneCalendar } from "../../src/domain/periods.js";

const H = 3_600_000;
const berlin = new TimeZoneCalendar("Europe/Berlin");
const iso = (ms: number) => new Date(ms).toISOString();

describe("digest schedule", () => {
  it("reads HH:MM and nothing else", () => {
    expect(parseTimeOfDay("08:30")).toBe(510);
    expect(parseTimeOfDay("00:00")).toBe(0);
    expect(parseTimeOfDay("23:59")).toBe(1439);
    for (const bad of ["24:00", "8:30", "08:60", "08:30:00", " 08:30", ""]) expect(parseTimeOfDay(bad), bad).toBeUndefined();
  });

  it("daily: the newest send at or before now, covering the 24 h since the one before", () => {
    const daily = scheduleOf("daily", "08:00");
    // 2026-01-06 07:59 in Berlin (UTC+1) is before that day's send: the newest due is the 5th's.
    const before = latestDuePeriod(daily, berlin, Date.parse("2026-01-06T06:59:00Z"));
    expect(before).toEqual({
      kind: "daily",
      key: "2026-01-05",
      from: Date.parse("2026-01-04T07:00:00Z"),
      to: Date.parse("2026-01-05T07:00:00Z"),
    });
    const at = latestDuePeriod(daily, berlin, Date.parse("2026-01-06T07:00:00Z"));
    expect(at.key).toBe("2026-01-06");
    expect(at.to - at.from).toBe(24 * H);
  });

  it("weekly: the configured weekday's send, 7 days after the previous one", () => {
    const weekly = scheduleOf("weekly", "18:00", "friday");
    // Wednesday 2026-01-07: the newest Friday send was on 2026-01-02.
    const p = latestDuePeriod(weekly, berlin, Date.parse("2026-01-07T12:00:00Z"));
    expect(p.key).toBe("2026-01-02");
    expect(iso(p.to)).toBe("2026-01-02T17:00:00.000Z");
    expect(iso(p.from)).toBe("2025-12-26T17:00:00.000Z");
    // On the Friday itself, after 18:00.
    expect(latestDuePeriod(weekly, berlin, Date.parse("2026-01-09T17:00:00Z")).key).toBe("2026-01-09");
    expect(latestDuePeriod(weekly, berlin, Date.parse("2026-01-09T16:59:59Z")).key).toBe("2026-01-02");
  });

  it("sends a skipped local time when the clocks jump past it, and a repeated one the first time", () => {
    // 2026-03-29: Berlin skips 02:00–03:00 (01:00Z). 02:30 does not exist: sent at the jump.
    const spring = latestDuePeriod(scheduleOf("daily", "02:30"), berlin, Date.parse("2026-03-29T12:00:00Z"));
    expect(iso(spring.to)).toBe("2026-03-29T01:00:00.000Z");
    expect(spring.to - spring.from).toBe(23 * H + 30 * 60_000); // from 02:30 (+1) on the 28th
    // 2026-10-25: 02:00–03:00 happens twice (+2, then +1): the first 02:30 is 00:30Z.
    const autumn = latestDuePeriod(scheduleOf("daily", "02:30"), berlin, Date.parse("2026-10-25T12:00:00Z"));
    expect(iso(autumn.to)).toBe("2026-10-25T00:30:00.000Z");
    // An 08:00 digest: the day is 23 h long in spring and 25 h in autumn.
    const d = scheduleOf("daily", "08:00");
    const a = latestDuePeriod(d, berlin, Date.parse("2026-03-29T12:00:00Z"));
    expect(a.to - a.from).toBe(23 * H);
    const b = latestDuePeriod(d, berlin, Date.parse("2026-10-25T12:00:00Z"));
    expect(b.to - b.from).toBe(25 * H);
  });

  it("keeps to the zone's own date across the date line", () => {
    const kolkata = new TimeZoneCalendar("Asia/Kolkata"); // UTC+5:30
    const p = latestDuePeriod(scheduleOf("daily", "00:15"), kolkata, Date.parse("2026-01-05T19:00:00Z"));
    // 19:00Z is 00:30 local on the 6th: the 00:15 send of the 6th is due.
    expect(p.key).toBe("2026-01-06");
    expect(iso(p.to)).toBe("2026-01-05T18:45:00.000Z");
  });
});
