// Hummingbot's MQTT bridge messages (§18) read into what they mean. Shapes from Hummingbot's
// hummingbot/remote_iface/mqtt.py and messages.py: topics `<namespace>/<instance id>/<channel>`;
// `hb` {"ts": µs}; `status_updates` StatusUpdateMessage {timestamp, type, msg}; `events`
// InternalEventMessage {timestamp (s), type, data} where data is the event's fields with Decimals as
// floats and `trade_fee` as TradeFeeBase.to_json() {fee_type, percent: "0.001", percent_token,
// flat_fees: [{token, amount: "…"}]}; `performance` {controller_id: {performance: {...}}} as
// hummingbot-api's utils/mqtt_manager.py reads it.
import type { Fill } from "./fifo.js";

export const CHANNELS = ["hb", "status_updates", "events", "performance"] as const;
export type Channel = (typeof CHANNELS)[number];

export type HummingbotMessage =
  | { kind: "heartbeat"; ts: number | null }
  | { kind: "availability"; online: boolean }
  | { kind: "fill"; key: string; trade_id: string; pair: string; fill: Fill }
  | { kind: "order_failure"; order_id: string; error: string }
  | { kind: "performance"; pnl_quote: number }
  | { kind: "ignored" };

export type ReadResult = { ok: true; message: HummingbotMessage } | { ok: false; reason: string };

export function parseTopic(topic: string, namespace: string): { instance: string; channel: Channel } | null {
  const parts = topic.split("/");
  if (parts.length !== 3 || parts[0] !== namespace) return null;
  const channel = parts[2] as Channel;
  return (CHANNELS as readonly string[]).includes(channel) ? { instance: parts[1]!, channel } : null;
}

/** Hummingbot stamps events in seconds (its clock), heartbeats in microseconds; both become ms. */
export function epochMs(t: unknown): number | null {
  if (typeof t !== "number" || !Number.isFinite(t) || t <= 0) return null;
  if (t < 1e11) return Math.round(t * 1000);
  if (t < 1e14) return Math.round(t);
  return Math.round(t / 1000);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Decimals arrive as floats, fee amounts as strings (str(Decimal)). */
function num(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** `percent` × price × amount plus the flat fees charged in the quote asset (others cannot be valued). */
export function feeInQuote(tradeFee: unknown, price: number, amount: number, quote: string): number | null {
  if (tradeFee === undefined || tradeFee === null) return 0;
  if (!isObject(tradeFee)) return null;
  const percent = tradeFee.percent === undefined ? 0 : num(tradeFee.percent);
  if (percent === null) return null;
  let fee = percent * price * amount;
  const flat = tradeFee.flat_fees ?? [];
  if (!Array.isArray(flat)) return null;
  for (const f of flat) {
    if (!isObject(f)) return null;
    const amt = num(f.amount);
    if (amt === null) return null;
    if (typeof f.token === "string" && f.token.toUpperCase() === quote.toUpperCase()) fee += amt;
  }
  return fee;
}

/** An order id as Hummingbot sends it: a string, sometimes a number; anything else is no id. */
function orderIdOf(v: unknown): string {
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}

function readFill(data: Record<string, unknown>, timestamp: unknown, now: number): ReadResult {
  const pair = data.trading_pair;
  const price = num(data.price);
  const amount = num(data.amount);
  const tradeType = typeof data.trade_type === "string" ? data.trade_type.replace(/^TradeType\./, "").toUpperCase() : "";
  const orderId = typeof data.order_id === "string" ? data.order_id : "";
  const exchangeTradeId =
    typeof data.exchange_trade_id === "string" || typeof data.exchange_trade_id === "number" ? String(data.exchange_trade_id) : "";
  if (typeof pair !== "string" || !/^[^-\s]+-[^-\s]+$/.test(pair) || pair.length > 64) return { ok: false, reason: "malformed" };
  if (price === null || price <= 0 || amount === null || amount <= 0) return { ok: false, reason: "malformed" };
  if (tradeType !== "BUY" && tradeType !== "SELL") return { ok: false, reason: tradeType === "RANGE" ? "unsupported" : "malformed" };
  if (orderId === "" && exchangeTradeId === "") return { ok: false, reason: "malformed" };
  const fee = feeInQuote(data.trade_fee, price, amount, pair.split("-")[1]!);
  if (fee === null || fee < 0) return { ok: false, reason: "malformed" };
  const ts = epochMs(timestamp) ?? now;
  const trade_id = (exchangeTradeId || orderId).slice(0, 128);
  // Partial fills of one order share its order_id; without an exchange trade id the fill's own values tell them apart.
  const key = exchangeTradeId ? `t:${exchangeTradeId}` : `o:${orderId}:${ts}:${amount}:${price}`;
  return {
    ok: true,
    message: { kind: "fill", key, trade_id, pair, fill: { side: tradeType === "BUY" ? "buy" : "sell", qty: amount, price, fee, ts } },
  };
}

/** Reads one payload of `channel`. Anything unreadable is `{ok: false}` with a short reason word. */
export function readMessage(channel: Channel, payload: Buffer, now: number): ReadResult {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!isObject(body)) return { ok: false, reason: "malformed" };
  switch (channel) {
    case "hb":
      return { ok: true, message: { kind: "heartbeat", ts: epochMs(body.ts) } };
    case "status_updates":
      if (body.type !== "availability") return { ok: true, message: { kind: "ignored" } };
      if (body.msg !== "online" && body.msg !== "offline") return { ok: false, reason: "malformed" };
      return { ok: true, message: { kind: "availability", online: body.msg === "online" } };
    case "events": {
      if (body.type !== "OrderFilled" && body.type !== "OrderFailure") return { ok: true, message: { kind: "ignored" } };
      if (!isObject(body.data)) return { ok: false, reason: "malformed" };
      if (body.type === "OrderFilled") return readFill(body.data, body.timestamp, now);
      const error =
        typeof body.data.error_message === "string"
          ? body.data.error_message
          : typeof body.data.error_type === "string"
            ? body.data.error_type
            : "order failure";
      return { ok: true, message: { kind: "order_failure", order_id: orderIdOf(body.data.order_id), error: error.slice(0, 500) } };
    }
    case "performance": {
      if (Object.keys(body).length === 0) return { ok: true, message: { kind: "ignored" } };
      let pnl = 0;
      for (const report of Object.values(body)) {
        const value = isObject(report) && isObject(report.performance) ? num(report.performance.global_pnl_quote) : null;
        if (value === null) return { ok: false, reason: "malformed" };
        pnl += value;
      }
      return { ok: true, message: { kind: "performance", pnl_quote: pnl } };
    }
  }
}
