// How the ingest pipeline tells the live hub what was applied, after the commit.
import type { TradingEvent } from "../domain/events.js";
import type { IngestListener } from "../ingest/pipeline.js";
import type { LiveHub } from "./hub.js";

/** `pipeline.addListener(liveListener(hub))`: trades go out at once, state changes coalesced. */
export function liveListener(hub: Pick<LiveHub, "tradeApplied" | "botChanged">): IngestListener {
  return {
    applied(event: TradingEvent) {
      if (event.type === "trade") hub.tradeApplied(event.bot, event);
    },
    botsChanged(bots: string[]) {
      for (const bot of bots) hub.botChanged(bot);
    },
  };
}
