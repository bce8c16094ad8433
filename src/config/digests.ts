// `digests:` (§19): a daily and a weekly summary through the notifier, at a time of day (and a
// weekday) in `metrics.timezone`, on the listed channels (empty: every enabled channel).
import { z } from "zod";
import { parseTimeOfDay, WEEKDAYS } from "../domain/digest-schedule.js";
import { int } from "./fields.js";
// The channel registry names the channels (the one layer crossing config makes: see docs/architecture.md).
import { CHANNEL_NAMES } from "../notify/channels/index.js";

const timeOfDay = () => z.string().refine((s) => parseTimeOfDay(s) !== undefined, 'must be a time of day "HH:MM" (00:00–23:59)');

const channels = () =>
  z
    .array(z.enum(CHANNEL_NAMES as [string, ...string[]], { error: `must be one of ${CHANNEL_NAMES.join(", ")}` }), {
      error: "must be a list of channel names",
    })
    .default([]);

const daily = z
  .strictObject({
    enabled: z.boolean().default(false),
    at: timeOfDay().default("08:00"),
    channels: channels(),
  })
  .prefault({});

const weekly = z
  .strictObject({
    enabled: z.boolean().default(false),
    day: z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(", ")}` }).default("monday"),
    at: timeOfDay().default("08:00"),
    channels: channels(),
  })
  .prefault({});

export const digestsSchema = z
  .strictObject({
    daily,
    weekly,
    /** A digest missed while the exporter was down is sent at start if it was due less than this long ago. */
    catch_up_hours: int(0, 168).default(6),
  })
  .prefault({});

export type DigestsConfig = z.output<typeof digestsSchema>;
