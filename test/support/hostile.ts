// Generators of hostile write requests for the fuzz test: bodies that are wrong in at least one
// way the server must refuse (so no generated request may legitimately change state), signatures
// that are missing, malformed, stale, from the future, made with another secret or replayed, and
// content types the routes do not take. A request with a signature that must fail may carry a
// perfectly valid body: that proves the signature, not the body, is what refused it.
import fc from "fast-check";

/** A JSON value, where `{ raw }` is text written verbatim (`1e309`) and `{ dup }` a key written twice. */
export type Hostile = unknown;
type Json = string | number | boolean | null;
type HostileObject = Record<string, Hostile>;

const isRaw = (v: unknown): v is { raw: string } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && "raw" in v && Object.keys(v).length === 1;

/** Serializes like JSON.stringify, but raw number text stays raw and a duplicated key is written twice. */
export function serialize(v: Hostile): string {
  if (isRaw(v)) return v.raw;
  if (Array.isArray(v)) return `[${v.map(serialize).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v as HostileObject)
      .map(([k, x]) => {
        if (x !== null && typeof x === "object" && "dup" in x) {
          const [, first, last] = (x as { dup: [string, Json, Json] }).dup;
          return `${JSON.stringify(k)}:${serialize(first)},${JSON.stringify(k)}:${serialize(last)}`;
        }
        return `${JSON.stringify(k)}:${serialize(x)}`;
      })
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 });
const weirdText = fc.oneof(
  fc.constantFrom(
    "NaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "-1e309",
    "",
    " ",
    "null",
    "true",
    "0x10",
    "\u0000",
    "\uFEFF",
    "\uD800",
    "💥",
    "‮rtl",
  ),
  controlChars,
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
  fc.integer({ min: 65, max: 20_000 }).map((n) => "x".repeat(n)),
);
const nonFiniteText = fc.constantFrom("1e309", "-1e309", "1e400", "-1e999999");
const hugeNumber = fc.oneof(
  fc.double({ min: 1.000001e15, max: Number.MAX_VALUE, noNaN: true }),
  fc.double({ min: -Number.MAX_VALUE, max: -1.000001e15, noNaN: true }),
);
const tinyNumber = fc.constantFrom(Number.MIN_VALUE, -Number.MIN_VALUE, 1e-300, -1e-300, 0, -0);
const deep = fc.integer({ min: 50, max: 5_000 }).map((d): Hostile => ({ raw: "[".repeat(d) + "]".repeat(d) }));
const deepObject = fc.integer({ min: 50, max: 2_000 }).map((d): Hostile => ({ raw: '{"a":'.repeat(d) + "1" + "}".repeat(d) }));

/** Never a number: what a numeric field must refuse by type. */
const notANumber: fc.Arbitrary<Hostile> = fc.oneof(
  weirdText,
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  deep,
  deepObject,
);
/** Never a string. */
const notAString: fc.Arbitrary<Hostile> = fc.oneof(
  hugeNumber,
  tinyNumber,
  nonFiniteText.map((raw) => ({ raw })),
  fc.boolean(),
  fc.constant(null),
  fc.constant([1]),
  fc.constant({ a: 1 }),
  deep,
);

/** Never a boolean. */
const notABoolean: fc.Arbitrary<Hostile> = fc.oneof(
  weirdText,
  hugeNumber,
  tinyNumber,
  fc.constant(null),
  fc.constant([true]),
  fc.constant({}),
  deep,
);

/** A money amount that must be refused: wrong type, beyond 1e15 or not finite. */
const badMoney = fc.oneof(
  notANumber,
  hugeNumber,
  nonFiniteText.map((raw): Hostile => ({ raw })),
);
/** A bot name that breaks ^[A-Za-z0-9_.-]{1,64}$ or is not a string at all. */
const badBot = fc.oneof(notAString, fc.constantFrom("", "a b", "bot/1", "bot\n", "bøt", "💥", "x".repeat(65), "../etc"), controlChars);
/** A time that must be refused: invalid calendar date, before 2000, too far ahead, wrong type. */
const badTs = fc.oneof(
  fc.constantFrom("2024-02-30T00:00:00Z", "9999-12-31T00:00:00Z", "1999-12-31T23:59:59Z", "yesterday", "", "2024-13-01T00:00:00Z", "NaN"),
  tinyNumber,
  fc.double({ min: -1e300, max: 946_684_799_000, noNaN: true }),
  fc.double({ min: 1e15, max: 1e300, noNaN: true }),
  nonFiniteText.map((raw): Hostile => ({ raw })),
  fc.boolean(),
  fc.constant({}),
);

export const VALID_EVENTS: HostileObject[] = [
  { type: "trade", bot: "a", id: "t-new", pnl: 5 },
  { type: "equity", bot: "a", equity: 1234 },
  { type: "kill_switch", bot: "b", active: true },
  { type: "circuit_breaker", bot: "b", open: true },
  { type: "positions", bot: "a", open: 1, max: 3 },
  { type: "api_status", bot: "b", status: "degraded" },
  { type: "heartbeat", bot: "c" },
  { type: "cashflow", bot: "a", amount: 100 },
];

/** One field of a valid event replaced by a value that field must refuse (possibly via a duplicate key). */
const brokenEvent: fc.Arbitrary<Hostile> = fc
  .tuple(
    fc.constantFrom(...VALID_EVENTS),
    fc.oneof(
      fc.record({ key: fc.constant("bot"), value: badBot }),
      fc.record({ key: fc.constant("ts"), value: badTs }),
      fc.record({
        key: fc.constant("type"),
        value: fc.oneof(notAString, fc.constantFrom("Trade", "trades", "", "__proto__", "constructor")),
      }),
      fc.record({ key: fc.constant("money"), value: badMoney }),
      fc.record({ key: fc.constant("id"), value: fc.oneof(notAString, fc.constant(""), fc.constant("i".repeat(129))) }),
      fc.record({
        key: fc.constantFrom("extra", "__proto__", "constructor", "prototype", "Type", "pnl "),
        value: fc.oneof(notAString, weirdText),
      }),
    ),
    fc.boolean(),
  )
  .map(([event, { key, value }, asDuplicate]): Hostile => {
    const moneyKey = "pnl" in event ? "pnl" : "equity" in event ? "equity" : "amount" in event ? "amount" : null;
    // A bad amount on an event without one is an unknown key, which is refused as well.
    const field = key === "money" ? (moneyKey ?? "amount_x") : key;
    const original = event[field];
    const valid = original !== undefined && !isRaw(original) && typeof original !== "object" ? original : "ok";
    // With a duplicate key JSON.parse keeps the last one: the hostile value is written last.
    const hostile: Hostile =
      asDuplicate && !isRaw(value) && (value === null || typeof value !== "object")
        ? { dup: [field, valid as Json, value as Json] }
        : value;
    return { ...event, [field]: hostile };
  });

/** A body for the ingest routes: a broken event alone or hidden in a batch, or something not an event at all. */
export const hostileEventsBody: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 4, arbitrary: brokenEvent },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.array(fc.constantFrom(...VALID_EVENTS), { maxLength: 5 }), brokenEvent, fc.nat()).map(([valid, bad, at]) => {
      const batch: Hostile[] = [...valid];
      batch.splice(at % (valid.length + 1), 0, bad);
      return batch;
    }),
  },
  { weight: 1, arbitrary: fc.oneof(notAString, fc.constantFrom("trade", 0, true, null), weirdText) },
  { weight: 1, arbitrary: fc.array(fc.oneof(notAString, weirdText), { minLength: 1, maxLength: 3 }) },
);

/** A body for the alert routes (strict objects: every extra key or wrong type is refused). */
export const hostileAlertBody: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({ channel: fc.oneof(notAString, fc.constantFrom("sms", "ALL", "", "slack ")) }),
  fc.record({ by: fc.oneof(notAString, fc.constant("b".repeat(201))) }),
  fc.record({ extra: fc.oneof(notAString, weirdText) }),
  fc.oneof(fc.constant([]), fc.constant([{}]), notAString, weirdText),
);

/** A digest test request that must be refused (§19). */
export const hostileDigestBody: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({ kind: fc.oneof(notAString, fc.constantFrom("monthly", "DAILY", "", "daily ")) }),
  fc.record({ kind: fc.constant("weekly"), channel: fc.oneof(notAString, fc.constantFrom("sms", "ALL", "")) }),
  fc.record({ extra: fc.oneof(notAString, weirdText) }),
  fc.oneof(fc.constant([]), fc.constant([{}]), notAString, weirdText),
);

/** A trigger patch that must be refused. */
export const hostileTriggerBody: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({
    threshold: fc.oneof(
      notANumber,
      nonFiniteText.map((raw): Hostile => ({ raw })),
    ),
  }),
  fc.record({ enabled: notABoolean }),
  fc.record({ bot: badBot, enabled: fc.constant(true) }),
  fc.record({ unknown_setting: fc.oneof(notAString, weirdText) }),
  fc.constant({}),
  fc.oneof(fc.constant([]), fc.constant(null), fc.constant(1), weirdText),
);

/** A Freqtrade webhook body that must be refused: an unknown or missing type, or a broken field. */
export const hostileWebhookBody: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({ type: fc.oneof(notAString, fc.constantFrom("", "Entry_Fill", "buy", "__proto__", "exit_fills")) }),
  fc.record({
    type: fc.constant("entry_fill"),
    trade_id: fc.oneof(
      notANumber.filter((v) => typeof v !== "string" || !/^\s*[+-]?\d+\s*$/.test(v)),
      fc.constantFrom("1.5", "1e309", "NaN"),
    ),
  }),
  fc.record({
    type: fc.constant("protection_trigger"),
    reason: fc.constant("r"),
    lock_end: fc.oneof(fc.constantFrom("never", "", "2024-02-30 00:00:00"), fc.constant({})),
  }),
  fc.record({ message: fc.oneof(notAString, weirdText) }),
  fc.oneof(fc.constant([]), fc.constant(null), fc.constant(1), weirdText),
);

/** How a body's text is spoiled beyond its content (each one alone makes it unreadable). */
export type TextDamage = "none" | "truncate" | "bom" | "garbage";
export const textDamage = fc.constantFrom<TextDamage>("none", "none", "none", "truncate", "bom", "garbage");

export function damage(text: string, how: TextDamage, at: number): string {
  if (how === "none") return text;
  if (how === "bom") return "\uFEFF" + text;
  if (how === "garbage") return text + "}x";
  // A proper prefix of a JSON object or array is never valid JSON; other values get a stray quote.
  return text.startsWith("{") || text.startsWith("[") ? text.slice(0, 1 + (at % (text.length - 1))) : `"${text}`;
}
