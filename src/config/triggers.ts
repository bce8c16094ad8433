// The `triggers:` sections of the config file: an override per trigger merged onto the §7
// defaults of src/domain/trigger-defaults.ts (globally), or kept as given (per bot).
import { z } from "zod";
import {
  applyOverride,
  defaultSettings,
  TRIGGER_IDS,
  triggerOverrideSchema,
  type TriggerId,
  type TriggerOverride,
  type TriggerSettings,
} from "../domain/trigger-defaults.js";
import { GROUP_TRIGGER_IDS, type GroupTriggerConfig } from "../domain/group-triggers.js";

/** The global `triggers.<id>` section: an override merged onto the §7 defaults. */
function triggerSettingsSchema(id: TriggerId) {
  return triggerOverrideSchema(id)
    .transform((o): TriggerSettings => applyOverride(defaultSettings(id), o))
    .prefault({});
}

const globalShape = Object.fromEntries(TRIGGER_IDS.map((id) => [id, triggerSettingsSchema(id)])) as {
  [K in TriggerId]: ReturnType<typeof triggerSettingsSchema>;
};
const overrideShape = Object.fromEntries(TRIGGER_IDS.map((id) => [id, triggerOverrideSchema(id).optional()])) as {
  [K in TriggerId]: z.ZodOptional<z.ZodType<TriggerOverride>>;
};

/** `triggers:` at the top level — every id present in the output, fully defaulted. */
export const triggersSchema = z.strictObject(globalShape).prefault({});
/** `bots.<name>.triggers:` — only what the file sets. */
export const botTriggersSchema = z.strictObject(overrideShape).prefault({});

export type TriggersConfig = Record<TriggerId, TriggerSettings>;
export type BotTriggerOverrides = Partial<Record<TriggerId, TriggerOverride>>;

/** `groups_triggers:` — the three drawdown triggers for every group (§19); only what the file sets. */
export const groupTriggersSchema = z
  .strictObject(
    Object.fromEntries(GROUP_TRIGGER_IDS.map((id) => [id, triggerOverrideSchema(id).optional()])) as {
      [K in keyof Required<GroupTriggerConfig>]: z.ZodOptional<z.ZodType<TriggerOverride>>;
    },
  )
  .prefault({});
