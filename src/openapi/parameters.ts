// Query parameters several routes share (the bot, the time bounds and format of the exports) and the
// alert history's filters, read from the schema its router validates with so the two cannot drift.
import { z } from "zod";
import { BOT_NAME } from "../domain/events.js";
import { historyQuerySchema } from "../http/alerts-router.js";
import type { JsonSchema } from "./components.js";
import type { Param } from "./operation.js";

export const botParam = (description: string, required = false): Param => ({
  name: "bot",
  in: "query",
  required,
  description,
  schema: { type: "string", pattern: BOT_NAME.source },
});

export const timeBound = (name: "from" | "to"): Param => ({
  name,
  in: "query",
  description: `${name === "from" ? "Earliest" : "Latest"} event time: epoch milliseconds, ISO-8601 with an offset, or YYYY-MM-DD (UTC day, inclusive)`,
  schema: { type: "string" },
});
export const format: Param = {
  name: "format",
  in: "query",
  description: "Response format",
  schema: { type: "string", enum: ["json", "csv"], default: "json" },
};

/** The history filters, from the schema the router validates the query with. */
export function historyParams(): Param[] {
  const schema = z.toJSONSchema(historyQuerySchema, { io: "input" }) as { properties: Record<string, JsonSchema> };
  const words: Record<string, string> = {
    bot: "Only this bot's alerts",
    group: "Only this group's alerts (§19)",
    trigger: "Only this trigger's alerts",
    status: "Only firing or only resolved alerts",
    since: "Only alerts started at or after this ISO-8601 time",
    limit: "At most this many records (newest first)",
  };
  return Object.entries(schema.properties).map(([name, s]) => ({ name, in: "query", description: words[name] ?? name, schema: s }));
}
