// The event model of §3. The zod schemas are the single source of truth for an event's
// shape, its TypeScript type and (later) the OpenAPI document.
import { z } from "zod";

export const BOT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const botName = z.string().regex(BOT_NAME, "must match ^[A-Za-z0-9_.-]{1,64}$");

const finite = () => z.number().refine(Number.isFinite, "must be a finite number");

/** §15: the largest money amount accepted; with it no sum the exporter keeps leaves the finite range. */
export const MAX_AMOUNT = 1e15;
/** §15: the largest per-trade return accepted (a 1,000,000-fold gain). */
export const MAX_RETURN = 1e6;
/** §15: no event time before 2000-01-01T00:00:00Z. */
export const EARLIEST_TS = Date.UTC(2000, 0, 1);
/** §15: default of `ingest.max_future_seconds`. */
export const DEFAULT_MAX_FUTURE_SECONDS = 300;

const money = () => finite().refine((x) => Math.abs(x) <= MAX_AMOUNT, `must be between -${MAX_AMOUNT} and ${MAX_AMOUNT}`);

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Epoch milliseconds of an ISO-8601 instant whose every field is in range, or NaN. Date.parse alone
 * is not enough: engines roll `2024-02-30` over to March 1st instead of refusing it.
 */
export function parseIsoInstant(s: string): number {
  const m = ISO_INSTANT.exec(s);
  if (m === null) return NaN;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN;
  // Day 0 of the next month is the last day of this one.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return NaN;
  if (m[8] !== "Z" && (Number(m[10]) > 23 || Number(m[11]) > 59)) return NaN;
  return Date.parse(s);
}

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
    .max(8.64e15),
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
    const parsed = eventInputSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ index, path: pathOf(issue.path), message: describeIssue(issue) });
      }
      return;
    }
    const event = normalize(parsed.data, now);
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
