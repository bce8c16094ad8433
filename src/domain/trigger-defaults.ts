// The alert triggers of §7 as a table: ids, defaults, severities and the schema of an override,
// read from the trigger definitions (src/domain/triggers/). The alert engine, the config, the API
// (§8) and /metrics import it instead of repeating numbers.
import { z } from "zod";
import { severitySchema, type Severity } from "./alert-record.js";
import { int } from "./fields.js";
import type { TriggerSettings } from "./trigger.js";
import { isTriggerId, TRIGGER_IDS, TRIGGERS, triggerDefinition, type TriggerId } from "./triggers/index.js";

export { isTriggerId, TRIGGER_IDS, type TriggerId };
export type { TriggerSettings };

export interface TriggerDefault {
  /** Default threshold; null for state triggers (they fire on a condition, not a number). */
  threshold: number | null;
  severity: Severity;
  /** Only low_win_rate uses a minimum number of trades; null elsewhere. */
  min_trades: number | null;
  /** What the condition is, for messages and generated rules. */
  condition: string;
}

/** The §7 table, read from the trigger definitions. */
export const TRIGGER_DEFAULTS: Readonly<Record<TriggerId, Readonly<TriggerDefault>>> = Object.freeze(
  Object.fromEntries(
    TRIGGERS.map((t) => [
      t.id,
      Object.freeze({ threshold: t.threshold?.default ?? null, severity: t.severity, min_trades: t.minTrades, condition: t.condition }),
    ]),
  ) as Record<TriggerId, TriggerDefault>,
);

/** Partial settings: a per-bot override in the file, or a run-time change through the API. */
export interface TriggerOverride {
  enabled?: boolean;
  severity?: Severity;
  threshold?: number;
  min_trades?: number;
}

/**
 * The schema of a trigger's override (every key optional, no defaults). Triggers without a
 * threshold don't accept one, and only low_win_rate accepts min_trades: a key that would be
 * silently ignored is rejected instead, like any unknown key (strict decoding).
 * Exported so the API's `PUT /api/v1/alerts/triggers/{trigger}` validates exactly like the file.
 */
export function triggerOverrideSchema(id: TriggerId) {
  const shape: Record<string, z.ZodType> = {
    enabled: z.boolean().optional(),
    severity: severitySchema.optional(),
  };
  const threshold = triggerDefinition(id).threshold;
  if (threshold) shape.threshold = threshold.schema().optional();
  if (TRIGGER_DEFAULTS[id].min_trades !== null) shape.min_trades = int(1, 100_000).optional();
  return z.strictObject(shape) as unknown as z.ZodType<TriggerOverride>;
}

export function defaultSettings(id: TriggerId): TriggerSettings {
  const d = TRIGGER_DEFAULTS[id];
  return { enabled: true, severity: d.severity, threshold: d.threshold, min_trades: d.min_trades };
}

export function applyOverride(base: TriggerSettings, o: TriggerOverride | undefined): TriggerSettings {
  if (!o) return { ...base };
  return {
    enabled: o.enabled ?? base.enabled,
    severity: o.severity ?? base.severity,
    threshold: base.threshold === null ? null : (o.threshold ?? base.threshold),
    min_trades: base.min_trades === null ? null : (o.min_trades ?? base.min_trades),
  };
}
