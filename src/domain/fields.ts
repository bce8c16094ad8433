// Field schemas shared by the config file and the API's trigger changes. Every constraint carries
// its own human message: errors read as "key.path: must be …".
import { z } from "zod";
import { BOT_NAME } from "./events.js";

/** An integer in [min, max] (max optional). */
export function int(min: number, max?: number) {
  const text = max === undefined ? `an integer ≥ ${min}` : `an integer between ${min} and ${max}`;
  let s = z.number().int(`must be ${text}`).min(min, `must be ${text}`);
  if (max !== undefined) s = s.max(max, `must be ${text}`);
  return s;
}

/** A ratio in [0, 1]. */
export const ratio = () => z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");

/** A ratio in (0, 1]: a drawdown threshold of 0 would fire on every bot all the time. */
export const openRatio = () => z.number().gt(0, "must be > 0 and ≤ 1").max(1, "must be > 0 and ≤ 1");

export const botNameField = () => z.string().regex(BOT_NAME, "must match ^[A-Za-z0-9_.-]{1,64}$");
