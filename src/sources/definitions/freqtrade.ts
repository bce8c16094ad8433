// `sources.freqtrade`: one poller of Freqtrade's REST API per bot (§11).
import { botNameField, httpUrl, int, nonEmpty } from "../../config/fields.js";
import { defineSource } from "../definition.js";
import { polledHealth } from "../health.js";

export const freqtrade = defineSource({
  key: "freqtrade",
  label: "Freqtrade poller",
  settings: {
    bot: botNameField(),
    url: httpUrl(),
    username: nonEmpty(),
    password: nonEmpty().optional(),
    poll_interval_seconds: int(1, 86_400).default(15),
  },
  secrets: [{ key: "password" }],
  required: ["password"],
  unique: { field: "bot", message: (bot) => `bot "${bot}" is polled twice` },
  start: async (entries, ctx) => {
    const { FreqtradeSource } = await import("../freqtrade.js");
    return entries.map((s) => {
      const poller = new FreqtradeSource(
        { bot: s.bot, url: s.url, username: s.username, password: s.password ?? "", poll_interval_seconds: s.poll_interval_seconds },
        { sink: ctx.sink, state: ctx.state, clock: ctx.clock, logger: ctx.logger({ source: "freqtrade", bot: s.bot }) },
      );
      ctx.health.addProvider(polledHealth("freqtrade", s.bot, () => poller.status()));
      return poller;
    });
  },
});
