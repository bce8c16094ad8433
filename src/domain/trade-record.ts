// A trade as the outside sees it: one row of the trade export (§8) and the `trade` message of the
// live feed, with ISO-8601 UTC times.
import type { TradeEvent } from "./events.js";

/** A trade as exported (CSV row / JSON element) and as pushed live in `trade` messages. */
export interface TradeRecord {
  ts: string;
  bot: string;
  id: string;
  symbol: string | null;
  side: "long" | "short" | null;
  pnl: number;
  return: number | null;
  opened_at: string | null;
}

export function tradeRecord(trade: TradeEvent, effectiveReturn: number | null): TradeRecord {
  return {
    ts: new Date(trade.ts).toISOString(),
    bot: trade.bot,
    id: trade.id,
    symbol: trade.symbol ?? null,
    side: trade.side ?? null,
    pnl: trade.pnl,
    return: effectiveReturn,
    opened_at: trade.opened_at === undefined ? null : new Date(trade.opened_at).toISOString(),
  };
}
