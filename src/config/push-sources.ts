// Config of the push sources (§18): `sources.freqtrade_webhook` and `sources.hummingbot`.
import { z } from "zod";
import { BOT_NAME } from "../domain/events.js";
import { botNameField, exclusiveSecret, int, nonEmpty } from "./fields.js";

/** Shortest accepted webhook token: it is the only thing standing between the internet and the bot's figures. */
export const MIN_WEBHOOK_TOKEN_LENGTH = 16;

export const freqtradeWebhookSource = z
  .strictObject({
    bot: botNameField(),
    token: z.string().min(MIN_WEBHOOK_TOKEN_LENGTH, `must be at least ${MIN_WEBHOOK_TOKEN_LENGTH} characters`).optional(),
    token_file: nonEmpty().optional(),
  })
  .superRefine((v, ctx) => {
    exclusiveSecret(["token"])(v, ctx);
    if (v.token === undefined && v.token_file === undefined) {
      ctx.addIssue({ code: "custom", path: ["token"], message: "is required (set token or token_file)" });
    }
  });

/** Hummingbot's instance ids are free text; the bot name built from them must still be a valid bot name. */
const instanceId = () => z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must match ^[A-Za-z0-9_.-]{1,64}$ (it becomes part of the bot name)");

export const hummingbotSource = z
  .strictObject({
    url: z.url({ protocol: /^mqtts?$/, error: "must be an mqtt:// or mqtts:// URL" }),
    username: nonEmpty().optional(),
    password: nonEmpty().optional(),
    password_file: nonEmpty().optional(),
    /** Hummingbot's `mqtt_bridge` namespace; its topics are `<namespace>/<instance id>/…`. */
    namespace: z
      .string()
      .regex(/^[^+#/]{1,64}$/, "must be 1–64 characters without / + #")
      .default("hbot"),
    instances: z
      .union(
        [
          z.literal("*"),
          z.array(instanceId(), { error: 'must be a list of instance ids or "*"' }).min(1, "must list at least one instance"),
        ],
        {
          error: 'must be a list of instance ids or "*"',
        },
      )
      .default("*"),
    bot_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{0,32}$/, "must match ^[A-Za-z0-9_.-]{0,32}$")
      .default(""),
    /** Reconnect backoff ceiling while the broker is down. */
    reconnect_max_seconds: int(1, 3600).default(60),
  })
  .superRefine((v, ctx) => {
    exclusiveSecret(["password"])(v, ctx);
    if (Array.isArray(v.instances)) {
      v.instances.forEach((id, i) => {
        if (!BOT_NAME.test(v.bot_prefix + id))
          ctx.addIssue({ code: "custom", path: ["instances", i], message: "bot_prefix + instance id must be at most 64 characters" });
      });
    }
  });
