// The event model of SPEC §3. The zod schemas are the single source of truth for an event's
// shape, its TypeScript type and (later) the OpenAPI document.
import { z } from "zod";

export const BOT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const botName = z.string().regex(BOT_NAME, "must match ^[A-Za-z0-9_.-]{1,64}$");

const finite = () => z.number().refine(Number.isFinite, "must be a finite number");

/** ISO-8601 with an explicit offset (`Z` or `±hh:mm`), or epoch milliseconds. */
export const timestamp = z.union([
  z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/,
      "must be ISO-8601 with an offset or epoch milliseconds",
    )
    .refine((s) => Number.isFinite(Date.parse(s)), "is not a valid date"),
  z.number().int("must be whole epoch milliseconds").nonnegative().max(8.64e15),
]);

const common = {
  bot: botName.default("default"),
  ts: timestamp.optional(),
};

export const tradeSchema = z.strictObject({
  type: z.literal("trade"),
  ...common,
  id: z.string().min(1).max(128),
  pnl: finite(),
  symbol: z.string().min(1).max(64).optional(),
  side: z.enum(["long", "short"]).optional(),
  return: finite().refine((r) => r > -1, "must be greater than -1").optional(),
  opened_at: timestamp.optional(),
});

export const equitySchema = z.strictObject({
  type: z.literal("equity"),
  ...common,
  equity: finite().refine((e) => e > 0, "must be greater than 0"),
});

export const killSwitchSchema = z.strictObject({
  type: z.literal("kill_switch"),
  ...common,
  active: z.boolean(),
  reason: z.string().max(500).optional(),
});

export const circuitBreakerSchema = z.strictObject({
  type: z.literal("circuit_breaker"),
  ...common,
  open: z.boolean(),
  reason: z.string().max(500).optional(),
});

export const positionsSchema = z.strictObject({
  type: z.literal("positions"),
  ...common,
  open: z.number().int().nonnegative(),
  max: z.number().int().min(1),
});

export const apiStatusSchema = z.strictObject({
  type: z.literal("api_status"),
  ...common,
  status: z.enum(["connected", "degraded", "disconnected"]),
  latency_ms: finite().refine((l) => l >= 0, "must be >= 0").optional(),
});

export const heartbeatSchema = z.strictObject({
  type: z.literal("heartbeat"),
  ...common,
});

export const eventInputSchema = z.discriminatedUnion("type", [
  tradeSchema,
  equitySchema,
  killSwitchSchema,
  circuitBreakerSchema,
  positionsSchema,
  apiStatusSchema,
  heartbeatSchema,
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
export type TradingEvent =
  | TradeEvent
  | EquityEvent
  | KillSwitchEvent
  | CircuitBreakerEvent
  | PositionsEvent
  | ApiStatusEvent
  | HeartbeatEvent;

/** One problem with one event of a request, RFC 9457 `errors[]` member. */
export interface FieldError {
  index: number;
  path: string;
  message: string;
}

export type ParseResult = { ok: true; events: TradingEvent[] } | { ok: false; errors: FieldError[] };

export const MAX_BATCH_EVENTS = 10_000;

export function toEpochMs(ts: string | number): number {
  return typeof ts === "number" ? ts : Date.parse(ts);
}

/** JSON pointer-like path (`/0/pnl` style is for machines; `pnl` and `trades[3].pnl` for people). */
function pathOf(segments: PropertyKey[]): string {
  return segments.map((s) => String(s)).join(".") || "(root)";
}

/**
 * Validates a request body (one event or an array of events). Every bad event is reported, by index
 * and path; nothing is returned unless everything is valid (batches are atomic).
 * `defaultType` lets `/api/v1/trades` omit `type`; `now` fills a missing `ts`.
 */
export function parseEvents(body: unknown, now: number, defaultType?: EventType): ParseResult {
  const items = Array.isArray(body) ? body : [body];
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
    events.push(normalize(parsed.data, now));
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
    return { ...input, ts, opened_at: toEpochMs(input.opened_at) } as TradeEvent;
  }
  return { ...input, ts } as TradingEvent;
}
