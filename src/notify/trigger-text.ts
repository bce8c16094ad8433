// How each §7 trigger reads to a human: what it means, how its value is formatted (ratios as
// percent, counts as integers) and which way the threshold points, as its definition declares.
import type { ValueKind } from "../domain/trigger.js";
import { findTrigger } from "../domain/triggers/index.js";

export interface TriggerText {
  description: string;
  kind: ValueKind;
  /** How the value compares with the threshold when the trigger fires. */
  comparator: "≥" | "<";
}

/** The trigger's wording from its definition; an id this version does not know (an old record) reads generically. */
export function triggerText(trigger: string): TriggerText {
  const t = findTrigger(trigger);
  return t ? { description: t.meaning, ...t.value } : { description: `Alert ${trigger}`, kind: "number", comparator: "≥" };
}

export function formatValue(value: number, kind: ValueKind): string {
  if (!Number.isFinite(value)) return "n/a";
  switch (kind) {
    case "ratio":
      return `${(value * 100).toFixed(2)}%`;
    case "count":
      return String(Math.round(value));
    case "seconds":
      return formatDuration(value * 1000);
    case "flag":
      return value ? "yes" : "no";
    default:
      return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  }
}

/** "Value: 6.20% (threshold ≥ 5.00%)", or null when there is no value to compare (on/off triggers). */
export function valueAgainstThreshold(trigger: string, value: number | null, threshold: number | null): string | null {
  const t = triggerText(trigger);
  if (t.kind === "flag" || value === null) return null;
  const v = formatValue(value, t.kind);
  return threshold === null ? v : `${v} (threshold ${t.comparator} ${formatValue(threshold, t.kind)})`;
}

/** "45 s", "12 min 3 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
