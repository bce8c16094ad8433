// `sources.freqtrade_webhook`: Freqtrade posts its webhook messages to the exporter (§18); one
// receiver serves every configured bot, each with its own token.
import { z } from "zod";
import { botNameField } from "../../config/fields.js";
import { defineSource } from "../definition.js";

/** Shortest accepted webhook token: it is the only thing standing between the internet and the bot's figures. */
export const MIN_WEBHOOK_TOKEN_LENGTH = 16;

export const freqtradeWebhook = defineSource({
  key: "freqtrade_webhook",
  label: "Freqtrade webhook receiver",
  settings: {
    bot: botNameField(),
    token: z.string().min(MIN_WEBHOOK_TOKEN_LENGTH, `must be at least ${MIN_WEBHOOK_TOKEN_LENGTH} characters`).optional(),
  },
  secrets: [
    {
      key: "token",
      check: (value) =>
        value.length >= MIN_WEBHOOK_TOKEN_LENGTH ? null : `the token must be at least ${MIN_WEBHOOK_TOKEN_LENGTH} characters`,
    },
  ],
  required: ["token"],
  unique: { field: "bot", message: (bot) => `bot "${bot}" has two webhook entries` },
  start: async (entries, ctx) => {
    if (entries.length === 0) return [];
    const { FreqtradeWebhookSource } = await import("../freqtrade-webhook.js");
    const receiver = new FreqtradeWebhookSource(
      entries.map((s) => ({ bot: s.bot, token: s.token ?? "" })),
      {
        sink: ctx.sink,
        state: ctx.state,
        clock: ctx.clock,
        health: ctx.health,
        staleAfterSeconds: ctx.settings.staleAfterSeconds,
        knownMaxPositions: ctx.knownMaxPositions,
        logger: ctx.logger({ source: "freqtrade_webhook" }),
      },
    );
    return [receiver];
  },
});
