// The bounds §3 and §15 put on an event's fields, shared by the zod schemas (events.ts) and the
// trades' fast path (trade-fast-path.ts).

export const BOT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** §15: the largest money amount accepted; with it no sum the exporter keeps leaves the finite range. */
export const MAX_AMOUNT = 1e15;
/** §15: the largest per-trade return accepted (a 1,000,000-fold gain). */
export const MAX_RETURN = 1e6;
/** §15: no event time before 2000-01-01T00:00:00Z. */
export const EARLIEST_TS = Date.UTC(2000, 0, 1);
/** The latest instant a JavaScript Date holds. */
export const LATEST_TS = 8.64e15;
/** §15: default of `ingest.max_future_seconds`. */
export const DEFAULT_MAX_FUTURE_SECONDS = 300;

export const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Epoch milliseconds of an ISO-8601 instant whose every field is in range, or NaN. Date.parse alone
 * is not enough: engines roll `2024-02-30` over to March 1st instead of refusing it.
 */
export function parseIsoInstant(s: string): number {
  const m = ISO_INSTANT.exec(s);
  if (m === null) return NaN;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN;
  // Day 0 of the next month is the last day of this one.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return NaN;
  if (m[8] !== "Z" && (Number(m[10]) > 23 || Number(m[11]) > 59)) return NaN;
  return Date.parse(s);
}
