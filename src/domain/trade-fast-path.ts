// Most of what bots send is plain trades: a batch of 1,000 spent 2 ms in zod's tradeSchema, a fifth
// of the exporter's work per event. This accepts a trade that tradeSchema accepts, with the same
// rules, and builds the event `normalize` would build from zod's output, key order included (the
// journal stores it as JSON). Anything it is not sure of (a failing field, an unknown key, a value
// of another type, an object that is not a plain one) it leaves to zod, which also writes the
// errors. `test/domain/trade-fast-path.test.ts` holds the two to the same answers.
import { BOT_NAME, EARLIEST_TS, LATEST_TS, MAX_AMOUNT, MAX_RETURN, parseIsoInstant } from "./event-bounds.js";

/** tradeSchema's keys, in its order (a test compares them). */
export const TRADE_KEYS = new Set(["type", "bot", "ts", "id", "pnl", "symbol", "side", "return", "opened_at"]);

/** Epoch milliseconds of a valid `timestamp` (events.ts), or undefined when zod should judge it. */
function instant(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= EARLIEST_TS && value <= LATEST_TS ? value : undefined;
  if (typeof value !== "string") return undefined;
  const t = parseIsoInstant(value);
  return t >= EARLIEST_TS ? t : undefined; // NaN fails this too
}

const amount = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && Math.abs(x) <= MAX_AMOUNT;
const text = (x: unknown, max: number): x is string => typeof x === "string" && x.length >= 1 && x.length <= max;

/** The normalized trade (a TradeEvent) for `raw`, or undefined to have zod validate it. `now` fills a missing `ts`. */
export function plainTrade(raw: unknown, now: number): Record<string, unknown> | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const proto = Object.getPrototypeOf(raw) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined; // a class instance, an array
  const r = raw as Record<string, unknown>;
  if (r.type !== "trade") return undefined;
  for (const key in r) if (!TRADE_KEYS.has(key) || r[key] === undefined) return undefined;
  const { bot, id, pnl, symbol, side } = r;
  if (bot !== undefined && !(typeof bot === "string" && BOT_NAME.test(bot))) return undefined;
  if (!text(id, 128) || !amount(pnl)) return undefined;
  if (symbol !== undefined && !text(symbol, 64)) return undefined;
  if (side !== undefined && side !== "long" && side !== "short") return undefined;
  const ret = r.return;
  if (ret !== undefined && !(typeof ret === "number" && Number.isFinite(ret) && ret > -1 && ret <= MAX_RETURN)) return undefined;
  const ts = r.ts === undefined ? now : instant(r.ts);
  const openedAt = r.opened_at === undefined ? undefined : instant(r.opened_at);
  if (ts === undefined || (r.opened_at !== undefined && openedAt === undefined)) return undefined;
  // zod writes the schema's keys in its order (a missing bot as "default"); normalize adds a missing ts last.
  const event: Record<string, unknown> = { type: "trade", bot: bot ?? "default" };
  if (r.ts !== undefined) event.ts = ts;
  event.id = id;
  event.pnl = pnl;
  if (symbol !== undefined) event.symbol = symbol;
  if (side !== undefined) event.side = side;
  if (ret !== undefined) event.return = ret;
  if (openedAt !== undefined) event.opened_at = openedAt;
  if (r.ts === undefined) event.ts = ts;
  return event;
}
