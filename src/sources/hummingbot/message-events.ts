// What one Hummingbot message (§18) becomes: the §3 events, the resume state written in the same
// transaction (open lots, the ids of applied fills, an API-status deadline) and what to do once both
// are stored. Kept apart from the MQTT connection so the mapping reads on its own; it stores nothing.
import type { Expiries } from "../expiry.js";
import { storedList } from "../stored-list.js";
import type { SourceLogger, SourceState, StateWrite } from "../types.js";
import { applyFill, type Lot } from "./fifo.js";
import type { HummingbotMessage } from "./messages.js";

export interface MessageEvents {
  events: Record<string, unknown>[];
  state: StateWrite[];
  /** Run after the events and state are stored (arms a planned deadline). */
  after: Array<() => void>;
}

export interface MessageContext {
  /** The source's state key: every key it stores starts with it. */
  key: string;
  state: SourceState;
  initialEquity: (bot: string) => number;
  staleAfterSeconds: number;
  expiriesOf: (bot: string) => Expiries;
  log: SourceLogger;
}

// Lots are written by this source only; an entry that is not an object is no lot.
const isLot = (x: unknown): x is Lot => x !== null && typeof x === "object";

/** Null when the message changes nothing (ignored, or a fill already applied). */
export function eventsForMessage(ctx: MessageContext, bot: string, message: HummingbotMessage, now: number): MessageEvents | null {
  const events: Record<string, unknown>[] = [];
  const state: StateWrite[] = [];
  const after: Array<() => void> = [];
  switch (message.kind) {
    case "ignored":
      return null;
    case "heartbeat":
      events.push({ type: "heartbeat", bot, ts: message.ts !== null && message.ts <= now ? message.ts : now });
      break;
    case "availability":
      events.push(
        message.online
          ? { type: "kill_switch", bot, active: false, ts: now }
          : { type: "kill_switch", bot, active: true, reason: "hummingbot offline", ts: now },
      );
      break;
    case "performance":
      events.push({ type: "equity", bot, equity: ctx.initialEquity(bot) + message.pnl_quote, ts: now });
      break;
    case "order_failure": {
      ctx.log.warn({ bot, order_id: message.order_id, error: message.error }, "hummingbot reported an order failure");
      const plan = ctx.expiriesOf(bot).plan("api_status", now + ctx.staleAfterSeconds * 1000, {
        type: "api_status",
        bot,
        status: "connected",
      });
      events.push({ type: "api_status", bot, status: "degraded", ts: now });
      state.push(plan.write);
      after.push(plan.commit);
      break;
    }
    case "fill": {
      const seenKey = `${ctx.key}:${bot}:fill:${message.key}`;
      if (ctx.state.get(seenKey) !== undefined) return null; // redelivered or re-published: applied already
      const lotsKey = `${ctx.key}:${bot}:lots:${message.pair}`;
      const { lots, closed } = applyFill(storedList(ctx.state, lotsKey, isLot), message.fill);
      if (closed) {
        events.push({
          type: "trade",
          bot,
          id: message.trade_id,
          pnl: closed.pnl,
          symbol: message.pair,
          side: closed.side,
          opened_at: closed.opened_at,
          ts: message.fill.ts,
        });
      }
      // A fill that only opens a position still shows the bot is alive.
      events.push({ type: "heartbeat", bot, ts: now });
      state.push({ key: lotsKey, value: JSON.stringify(lots) }, { key: seenKey, value: "1" });
      break;
    }
  }
  return { events, state, after };
}
