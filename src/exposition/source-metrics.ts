// The per-source series of §18: trading_source_up, trading_source_errors_total and
// trading_source_last_message_timestamp_seconds, read from the sources' health at scrape time.
import { family, type Family } from "./families.js";

export const SOURCE_FAMILIES: Family[] = [
  family(
    "trading_source_up",
    "1 while the source delivers for the bot (connected, or its last poll succeeded); 0 otherwise.",
    "gauge",
    ["source", "bot"],
    (view, add) => {
      for (const e of view.sources?.entries ?? []) add(e.up ? 1 : 0, e.source, e.bot);
    },
  ),
  family(
    "trading_source_last_message_timestamp_seconds",
    "When the source last delivered a message for the bot (0: never).",
    "gauge",
    ["source", "bot"],
    (view, add) => {
      for (const e of view.sources?.entries ?? []) add(e.last_message_at === null ? 0 : e.last_message_at / 1000, e.source, e.bot);
    },
  ),
  family(
    "trading_source_errors_total",
    "Messages a source refused or could not deliver, by reason (malformed, unknown_bot, unauthorized, store_error, ...).",
    "counter",
    ["source", "reason"],
    (view, add) => {
      for (const e of view.sources?.errors ?? []) add(e.count, e.source, e.reason);
    },
  ),
];
