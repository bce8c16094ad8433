// When the digests of §19 are due: `digests.daily` at "HH:MM" every day, `digests.weekly` on a
// weekday at "HH:MM", both in `metrics.timezone`. A digest covers the period since the previous
// scheduled send, and is named by the local date it is due on: one key per period, so "sent once
// per period" is a comparison of keys. Pure: the clock reading comes in as `now`.
import { type TimeZoneCalendar, weekdayOf } from "./periods.js";

export const DIGEST_KINDS = ["daily", "weekly"] as const;
export type DigestKind = (typeof DIGEST_KINDS)[number];

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface DigestSchedule {
  kind: DigestKind;
  /** Minutes after local midnight ("08:30" → 510). */
  minuteOfDay: number;
  /** Weekly only: Monday = 0 … Sunday = 6. */
  weekday?: number;
}

/** One digest period: what a digest covers, [from, to), and its key ("2026-01-05", the local due date). */
export interface DigestPeriod {
  kind: DigestKind;
  key: string;
  /** The previous scheduled send. */
  from: number;
  /** This digest's scheduled send. */
  to: number;
}

/** "HH:MM" (00:00–23:59) → minutes after midnight; undefined when malformed. */
export function parseTimeOfDay(s: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export function scheduleOf(kind: DigestKind, at: string, day?: Weekday): DigestSchedule {
  const minuteOfDay = parseTimeOfDay(at);
  if (minuteOfDay === undefined) throw new RangeError(`not a time of day: ${at}`);
  return kind === "weekly" ? { kind, minuteOfDay, weekday: WEEKDAYS.indexOf(day ?? "monday") } : { kind, minuteOfDay };
}

/** The local day numbers a digest of this schedule is due on, newest first, starting at or before `day`. */
function dueDaysFrom(s: DigestSchedule, day: number): [number, number, number] {
  if (s.kind === "daily") return [day, day - 1, day - 2];
  const back = (weekdayOf(day) - s.weekday! + 7) % 7;
  return [day - back, day - back - 7, day - back - 14];
}

/** The newest period whose digest is due at or before `now`. */
export function latestDuePeriod(s: DigestSchedule, calendar: TimeZoneCalendar, now: number): DigestPeriod {
  const today = calendar.dayContaining(now).day;
  const [d0, d1, d2] = dueDaysFrom(s, today);
  const at = (d: number) => calendar.instantAt(d, s.minuteOfDay);
  // Today's (this week's) send may still be ahead: then the one before is the newest due.
  const due = at(d0) <= now ? [d0, d1] : [d1, d2];
  return { kind: s.kind, key: dayKey(due[0]!), from: at(due[1]!), to: at(due[0]!) };
}

/** A local day number as its date, "YYYY-MM-DD". */
export function dayKey(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
