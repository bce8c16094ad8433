// `sources.hummingbot`: one MQTT subscriber per broker of Hummingbot's `mqtt_bridge` (§18).
import { z } from "zod";
import { int, nonEmpty } from "../../config/fields.js";
import { BOT_NAME } from "../../domain/events.js";
import { defineSource } from "../definition.js";

/** Hummingbot's instance ids are free text; the bot name built from them must still be a valid bot name. */
const instanceId = () => z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must match ^[A-Za-z0-9_.-]{1,64}$ (it becomes part of the bot name)");

export const hummingbot = defineSource({
  key: "hummingbot",
  label: "Hummingbot over MQTT",
  settings: {
    url: z.url({ protocol: /^mqtts?$/, error: "must be an mqtt:// or mqtts:// URL" }),
    username: nonEmpty().optional(),
    password: nonEmpty().optional(),
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
        { error: 'must be a list of instance ids or "*"' },
      )
      .default("*"),
    bot_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{0,32}$/, "must match ^[A-Za-z0-9_.-]{0,32}$")
      .default(""),
    /** Reconnect backoff ceiling while the broker is down. */
    reconnect_max_seconds: int(1, 3600).default(60),
  },
  secrets: [{ key: "password" }],
  refine: (v, ctx) => {
    if (!Array.isArray(v.instances)) return;
    v.instances.forEach((id, i) => {
      if (!BOT_NAME.test(v.bot_prefix + id))
        ctx.addIssue({ code: "custom", path: ["instances", i], message: "bot_prefix + instance id must be at most 64 characters" });
    });
  },
  start: async (entries, ctx) => {
    const { HummingbotSource } = await import("../hummingbot/source.js");
    return entries.map(
      (s, i) =>
        new HummingbotSource(s, {
          sink: ctx.sink,
          state: ctx.state,
          clock: ctx.clock,
          health: ctx.health,
          initialEquity: ctx.settings.initialEquity,
          staleAfterSeconds: ctx.settings.staleAfterSeconds,
          maxBots: ctx.settings.maxBots,
          logger: ctx.logger({ source: "hummingbot", broker: i }),
        }),
    );
  },
});
