// A list a source keeps in its resume state as JSON (open lots, discovered instances, open trade
// ids). The source wrote it itself, so what cannot be read (a missing key, a torn or foreign value)
// counts as empty rather than stopping the source, and entries of another type are left out.
import type { SourceState } from "./types.js";

export function storedList<T>(state: SourceState, key: string, isEntry: (x: unknown) => x is T): T[] {
  try {
    const parsed: unknown = JSON.parse(state.get(key) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}
