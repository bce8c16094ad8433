// The event model of §3. The zod schemas are the single source of truth for an event's
// shape, its TypeScript type and the OpenAPI document; trade-fast-path.ts takes plainly valid
// trades by the same rules without them, and is tested to agree with them.
import { z } from "zod";
import {
  BOT_NAME,
  DEFAULT_MAX_FUTURE_SECONDS,
  EARLIEST_TS,
  ISO_INSTANT,
  LATEST_TS,
  MAX_AMOUNT,
  MAX_RETURN,
  parseIsoInstant,
} from "./event-bounds.js";
import { plainTrade } from "./trade-fast-path.js";

export { BOT_NAME, DEFAULT_MAX_FUTURE_SECONDS, EARLIEST_TS, MAX_AMOUNT, MAX_RETURN, parseIsoInstant } from "./event-bounds.js";

export const botName = z.string().regex(BOT_NAME, "must match ^[A-Za-z0-9_.-]{1,64}$");

const finite = () => z.number().refine(Number.isFinite, "must be a finite number");

const money = () => finite().refine((x) => Math.abs(x) <= MAX_AMOUNT, `must be between -${MAX_AMOUNT} and ${MAX_AMOUNT}`);

/** ISO-8601 with an explicit offset (`Z` or `±hh:mm`), or epoch milliseconds; a real instant since 2000. */
export const timestamp = z.union([
  z
    .string()
    .regex(ISO_INSTANT, "must be ISO-8601 with an offset or epoch milliseconds")
    .refine((s) => Number.isFinite(parseIsoInstant(s)), "is not a valid calendar date and time")
    .refine((s) => !(parseIsoInstant(s) < EARLIEST_TS), "must not be before 2000-01-01T00:00:00Z"),
  z
    .number()
    .int("must be whole epoch milliseconds")
    .min(EARLIEST_TS, "must not be before 2000-01-01T00:00:00Z (946684800000 ms)")
    .max(LATEST_TS),
]);

/** The optional idempotency key of every non-trade event (§15). */
const eventId = z.string().min(1).max(128).optional();

const common = {
  bot: botName.default("default"),
  ts: timestamp.optional(),
};

export const tradeSchema = z.strictObject({
  type: z.literal("trade"),
  ...common,
  id: z.string().min(1).max(128),
  pnl: money(),
  symbol: z.string().min(1).max(64).optional(),
  side: z.enum(["long", "short"]).optional(),
  return: finite()
    .refine((r) => r > -1, "must be greater than -1")
    .refine((r) => r <= MAX_RETURN, `must be at most ${MAX_RETURN}`)
    .optional(),
  opened_at: timestamp.optional(),
});

export const equitySchema = z.strictObject({
  type: z.literal("equity"),
  ...common,
  id: eventId,
  equity: money().refine((e) => e > 0, "must be greater than 0"),
});

export const killSwitchSchema = z.strictObject({
  type: z.literal("kill_switch"),
  ...common,
  id: eventId,
  active: z.boolean(),
  reason: z.string().max(500).optional(),
});

export const circuitBreakerSchema = z.strictObject({
  type: z.literal("circuit_breaker"),
  ...common,
  id: eventId,
  open: z.boolean(),
  reason: z.string().max(500).optional(),
});

export const positionsSchema = z.strictObject({
  type: z.literal("positions"),
  ...common,
  id: eventId,
  open: z.number().int().nonnegative(),
  max: z.number().int().min(1),
});

export const apiStatusSchema = z.strictObject({
  type: z.literal("api_status"),
  ...common,
  id: eventId,
  status: z.enum(["connected", "degraded", "disconnected"]),
  latency_ms: finite()
    .refine((l) => l >= 0, "must be >= 0")
    .optional(),
});

export const heartbeatSchema = z.strictObject({
  type: z.literal("heartbeat"),
  ...common,
  id: eventId,
});

/** A deposit (> 0) or withdrawal (< 0) of quote currency: not performance (§19). */
export const cashflowSchema = z.strictObject({
  type: z.literal("cashflow"),
  ...common,
  id: eventId,
  amount: money().refine((a) => a !== 0, "must not be 0"),
  reason: z.string().max(500).optional(),
});

export const eventInputSchema = z.discriminatedUnion("type", [
  tradeSchema,
  equitySchema,
  killSwitchSchema,
  circuitBreakerSchema,
  positionsSchema,
  apiStatusSchema,
  heartbeatSchema,
  cashflowSchema,
]);

export type EventInput = z.infer<typeof eventInputSchema>;
export const EVENT_TYPES = [
  "trade",
  "equity",
  "kill_switch",
  "circuit_breaker",
  "positions",
  "api_status",
  "heartbeat",
  "cashflow",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event after validation: `bot` filled in and `ts` as epoch milliseconds. */
type Normalized<T> = Omit<T, "ts" | "opened_at"> & { bot: string; ts: number };
export type TradeEvent = Normalized<z.infer<typeof tradeSchema>> & { opened_at?: number };
export type EquityEvent = Normalized<z.infer<typeof equitySchema>>;
export type KillSwitchEvent = Normalized<z.infer<typeof killSwitchSchema>>;
export type CircuitBreakerEvent = Normalized<z.infer<typeof circuitBreakerSchema>>;
export type PositionsEvent = Normalized<z.infer<typeof positionsSchema>>;
export type ApiStatusEvent = Normalized<z.infer<typeof apiStatusSchema>>;
export type HeartbeatEvent = Normalized<z.infer<typeof heartbeatSchema>>;
export type CashflowEvent = Normalized<z.infer<typeof cashflowSchema>>;
export type TradingEvent =
  TradeEvent | EquityEvent | KillSwitchEvent | CircuitBreakerEvent | PositionsEvent | ApiStatusEvent | HeartbeatEvent | CashflowEvent;

/** One problem with one event of a request, RFC 9457 `errors[]` member. */
export interface FieldError {
  index: number;
  path: string;
  message: string;
}

export type ParseResult = { ok: true; events: TradingEvent[] } | { ok: false; errors: FieldError[] };

export const MAX_BATCH_EVENTS = 10_000;

export function toEpochMs(ts: string | number): number {
  return typeof ts === "number" ? ts : parseIsoInstant(ts);
}

/** JSON pointer-like path (`/0/pnl` style is for machines; `pnl` and `trades[3].pnl` for people). */
function pathOf(segments: PropertyKey[]): string {
  return segments.map((s) => String(s)).join(".") || "(root)";
}

/**
 * Validates a request body (one event or an array of events). Every bad event is reported, by index
 * and path; nothing is returned unless everything is valid (batches are atomic).
 * `defaultType` lets `/api/v1/trades` omit `type`; `now` fills a missing `ts` and bounds the future.
 */
export function parseEvents(
  body: unknown,
  now: number,
  defaultType?: EventType,
  maxFutureSeconds: number = DEFAULT_MAX_FUTURE_SECONDS,
): ParseResult {
  const items: unknown[] = Array.isArray(body) ? body : [body];
  if (items.length === 0) {
    return { ok: false, errors: [{ index: 0, path: "(root)", message: "the batch is empty" }] };
  }
  if (items.length > MAX_BATCH_EVENTS) {
    return {
      ok: false,
      errors: [{ index: MAX_BATCH_EVENTS, path: "(root)", message: `a batch holds at most ${MAX_BATCH_EVENTS} events` }],
    };
  }
  const errors: FieldError[] = [];
  const events: TradingEvent[] = [];
  items.forEach((raw, index) => {
    const item =
      defaultType && raw !== null && typeof raw === "object" && !Array.isArray(raw) && !("type" in raw)
        ? { ...raw, type: defaultType }
        : raw;
    let event = plainTrade(item, now) as TradingEvent | undefined;
    if (event === undefined) {
      const parsed = eventInputSchema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          errors.push({ index, path: pathOf(issue.path), message: describeIssue(issue) });
        }
        return;
      }
      event = normalize(parsed.data, now);
    }
    // An instant far ahead would move the bot's effective day forward for good (periods never go back).
    const latest = now + maxFutureSeconds * 1000;
    for (const field of ["ts", "opened_at"] as const) {
      const t = (event as { ts: number; opened_at?: number })[field];
      if (t !== undefined && t > latest) {
        errors.push({
          index,
          path: field,
          message: `must not be more than ${maxFutureSeconds} s ahead of the exporter's clock (ingest.max_future_seconds)`,
        });
      }
    }
    events.push(event);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, events };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field(s): ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_union" && issue.path.length === 0) return "type must be one of " + EVENT_TYPES.join(", ");
  return issue.message;
}

export function normalize(input: EventInput, now: number): TradingEvent {
  const ts = input.ts === undefined ? now : toEpochMs(input.ts);
  if (input.type === "trade" && input.opened_at !== undefined) {
    return { ...input, ts, opened_at: toEpochMs(input.opened_at) };
  }
  return { ...input, ts } as TradingEvent;
}
