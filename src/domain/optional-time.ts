// Event times the engine updates on every event ("when did this bot last send anything?").
// Kept as a number with NaN for "never" rather than as number | null: V8 stores a field that only
// ever holds numbers as a double in place, but a field that may hold null must box every new time
// into a heap object, one per event. The state and snapshot formats keep null for "never".

/** No such event yet. */
export const NEVER = NaN;

/** Whether `ts` is later than `known` (always, while `known` is NEVER). */
export function isLater(ts: number, known: number): boolean {
  return Number.isNaN(known) || ts > known;
}

export function timeOrNull(t: number): number | null {
  return Number.isNaN(t) ? null : t;
}

export function timeOrNever(t: number | null): number {
  return t === null ? NEVER : t;
}
