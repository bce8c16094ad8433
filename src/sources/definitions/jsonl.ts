// `sources.jsonl`: one tail per JSONL file of §3 events (§11).
import { botNameField, nonEmpty } from "../../config/fields.js";
import { defineSource } from "../definition.js";
import { polledHealth } from "../health.js";

export const jsonl = defineSource({
  key: "jsonl",
  label: "JSONL file tail",
  settings: {
    /** The bot of lines that don't name one. */
    bot: botNameField().default("default"),
    path: nonEmpty(),
  },
  start: async (entries, ctx) => {
    const { JsonlSource } = await import("../jsonl.js");
    return entries.map((s) => {
      const tail = new JsonlSource(
        { bot: s.bot, path: s.path },
        {
          sink: ctx.sink,
          state: ctx.state,
          clock: ctx.clock,
          logger: ctx.logger({ source: "jsonl", bot: s.bot }),
          maxFutureSeconds: ctx.settings.maxFutureSeconds,
        },
      );
      ctx.health.addProvider(polledHealth("jsonl", s.bot, () => tail.status()));
      return tail;
    });
  },
});
