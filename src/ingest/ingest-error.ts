// How ingestion says no (§3, §15): a status for the HTTP reply, every bad field, the reason counted
// in trading_events_rejected_total and, while the store cannot take writes, when to try again. Every
// way in (HTTP, sources, the library) gets the same error, and nothing of what it refused was stored.
import type { FieldError } from "../domain/events.js";

/** A rejected submission: nothing of it was stored or applied. */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
    /** For `trading_events_rejected_total{reason}`. */
    readonly reason: string = "invalid",
    /** For a 503: when to try again (the reply's `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** One line for the reply's `detail`: the first bad field, and how many more `errors` lists. */
export function describeFieldErrors(errors: FieldError[]): string {
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return first ? `event ${first.index}: ${first.path}: ${first.message}${more}` : "invalid request";
}
