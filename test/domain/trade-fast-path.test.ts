// The trades' fast path must never accept what zod refuses, and must build exactly the event zod's
// output normalizes to (values, -0 included, and key order, which the journal's JSON keeps). It is
// also checked to take the trades bots send, or it would only cost time.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventInputSchema, normalize, parseEvents, tradeSchema } from "../../src/domain/events.js";
import { TRADE_KEYS, plainTrade } from "../../src/domain/trade-fast-path.js";

const NOW = Date.UTC(2026, 0, 1, 12);
const replay = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {};

/** zod's answer for one event: the normalized event, or undefined when it refuses it. */
function viaZod(raw: unknown): Record<string, unknown> | undefined {
  const parsed = eventInputSchema.safeParse(raw);
  return parsed.success ? normalize(parsed.data, NOW) : undefined;
}

/** Same keys in the same order, every value the same by Object.is. */
function expectSameEvent(fast: Record<string, unknown>, zod: Record<string, unknown> | undefined) {
  expect(zod, "zod refused what the fast path took").toBeDefined();
  expect(Object.keys(fast)).toEqual(Object.keys(zod!));
  for (const key of Object.keys(fast)) expect(Object.is(fast[key], zod![key]), key).toBe(true);
}

const instants = fc.oneof(
  fc.integer({ min: 946_684_800_000 - 5, max: 946_684_800_000 + 5 }),
  fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
  fc.constantFrom(8.64e15, 8.64e15 + 1, 1.5e12 + 0.5, -1, 0, Number.MAX_SAFE_INTEGER, NaN, Infinity),
  fc.constantFrom(
    "2026-01-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "1999-12-31T23:59:59Z",
    "2000-01-01T00:00:00+01:00",
    "2024-02-29T12:30:15.123456789+05:30",
    "2024-02-29T12:30",
    "2024-06-01T24:00:00Z",
    "2024-06-01 12:00:00Z",
    "2024-06-01T12:00:00-2330",
    "",
  ),
  fc.date({ min: new Date("1999-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
  fc.boolean(),
);
const amounts = fc.oneof(
  fc.double(),
  fc.double({ min: -1e15, max: 1e15, noNaN: true }),
  fc.constantFrom(1e15, -1e15, 1e15 + 1, 0, -0, -1, -0.9999999, 1e6, 1e6 + 1e-9),
  fc.string(),
  fc.constant(null),
);
const strings = (max: number) =>
  fc.oneof(fc.string({ maxLength: max + 2 }), fc.string({ minLength: max - 1, maxLength: max + 1 }), fc.integer());
/** What a bot sends: every field valid. */
const validField: Record<string, fc.Arbitrary<unknown>> = {
  type: fc.constant("trade"),
  bot: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
  ts: fc.oneof(
    fc.integer({ min: 946_684_800_000, max: NOW }),
    fc.date({ min: new Date("2000-01-01"), max: new Date(NOW), noInvalidDate: true }).map((d) => d.toISOString()),
  ),
  id: fc.string({ minLength: 1, maxLength: 128 }),
  pnl: fc.double({ min: -1e15, max: 1e15, noNaN: true }),
  symbol: fc.string({ minLength: 1, maxLength: 64 }),
  side: fc.constantFrom("long", "short"),
  return: fc.double({ min: -0.999, max: 1e6, noNaN: true }),
  opened_at: fc.integer({ min: 946_684_800_000, max: NOW }),
};
const validTrade = fc.record(validField, { requiredKeys: ["type", "id", "pnl"] });

/** Values zod must judge: near every bound, of other types, malformed. */
const hostile: Record<string, fc.Arbitrary<unknown>> = {
  type: fc.constantFrom("equity", "Trade", 1, undefined),
  bot: fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom("a".repeat(64), "a".repeat(65), "", 3, undefined)),
  ts: instants,
  id: strings(128),
  pnl: amounts,
  symbol: strings(64),
  side: fc.constantFrom("long", "short", "LONG", "", 0, undefined),
  return: amounts,
  opened_at: instants,
};
const EXTRA_KEYS = ["price", "__proto__", "constructor"];

/**
 * A trade-like plain object, as JSON.parse makes: mostly valid fields (as below), some hostile, now
 * and then a field missing, an unknown one or one set to undefined.
 */
const tradeLike = fc
  .tuple(
    ...Object.keys(hostile).map((key) =>
      fc.tuple(
        fc.constant(key),
        fc.boolean().map((b) => b || ["type", "id", "pnl"].includes(key)),
        fc.oneof({ weight: 5, arbitrary: validField[key]! }, { weight: 1, arbitrary: hostile[key]! }),
      ),
    ),
    fc.subarray(EXTRA_KEYS, { maxLength: 1 }).chain((keys) => fc.tuple(fc.constant(keys), fc.boolean())),
  )
  .map((fields) => {
    const extra = fields.pop() as [string[], boolean];
    const pairs = (fields as Array<[string, boolean, unknown]>).filter(([, present]) => present).map(([k, , v]) => [k, v]);
    // Rare enough that most objects still reach the comparison.
    if (extra[1]) for (const key of extra[0]) pairs.push([key, 1]);
    return Object.fromEntries(pairs) as unknown;
  });

describe("the trades' fast path", () => {
  it("knows every field of tradeSchema and no other (a new field must be added to it, or every trade with it goes to zod)", () => {
    expect([...TRADE_KEYS]).toEqual(Object.keys(tradeSchema.shape));
    expect(Object.keys(hostile)).toEqual(Object.keys(tradeSchema.shape));
  });

  it("takes only what zod takes, and builds the same event", () => {
    let taken = 0;
    fc.assert(
      fc.property(tradeLike, (raw) => {
        const fast = plainTrade(raw, NOW);
        if (fast === undefined) return;
        taken++;
        expectSameEvent(fast, viaZod(raw));
      }),
      { numRuns: 20_000, ...replay },
    );
    // The comparison means something only if the fast path took a fair share of them.
    expect(taken).toBeGreaterThan(2000);
  });

  it("takes every valid trade, as zod does", () => {
    fc.assert(
      fc.property(validTrade, (raw) => {
        const fast = plainTrade(raw, NOW);
        expect(fast, JSON.stringify(raw)).toBeDefined();
        expectSameEvent(fast!, viaZod(raw));
      }),
      { numRuns: 5_000, ...replay },
    );
  });

  it("leaves to zod what it does not judge, so a refused trade still names its fields", () => {
    const notPlain = Object.assign(Object.create({ inherited: 1 }) as object, { type: "trade", id: "x", pnl: 1 });
    for (const raw of [
      notPlain,
      { type: "trade", id: "x", pnl: 1, symbol: undefined },
      { type: "trade", id: "", pnl: 1 },
      null,
      [],
      "trade",
    ]) {
      expect(plainTrade(raw, NOW)).toBeUndefined();
    }
    const parsed = parseEvents(
      [
        { type: "trade", id: "ok", pnl: 1 },
        { type: "trade", id: "x", pnl: 1e16, extra: true },
      ],
      NOW,
    );
    expect(parsed).toEqual({
      ok: false,
      errors: [
        { index: 1, path: "pnl", message: "must be between -1000000000000000 and 1000000000000000" },
        { index: 1, path: "(root)", message: "unknown field(s): extra" },
      ],
    });
  });
});
