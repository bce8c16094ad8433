// The engine's equity curve (the chart's data, §8 `/api/v1/export/equity`): one point per trade,
// equity and cash-flow event carrying the engine's own equity and drawdown after it; bounded in size;
// and a snapshot taken anywhere restores a curve that goes on exactly as the one never snapshotted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { EQUITY_HISTORY_POINTS } from "../../src/domain/equity-history.js";
import { packFloats, unpackFloats } from "../../src/domain/packed-floats.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import { baseSettings, DAY0 } from "../support/figures-cases.js";

const settings = baseSettings({ window_trades: 20 });

const eventArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -50_000, max: 50_000 }).map((c) => ({ type: "trade" as const, pnl: c / 100 })) },
  { weight: 2, arbitrary: fc.integer({ min: 100, max: 3_000_000 }).map((c) => ({ type: "equity" as const, equity: c / 100 })) },
  { weight: 1, arbitrary: fc.integer({ min: -100_000, max: 300_000 }).map((c) => ({ type: "cashflow" as const, amount: c / 100 })) },
  { weight: 1, arbitrary: fc.constant({ type: "heartbeat" as const }) },
);

const toEvents = (bodies: Array<Record<string, unknown>>): TradingEvent[] =>
  bodies.map(
    (b, i) =>
      ({ ...b, bot: i % 4 === 0 ? "b" : "a", ts: DAY0 + i * 60_000, ...(b.type === "trade" ? { id: String(i) } : {}) }) as TradingEvent,
  );

describe("the engine's equity curve", () => {
  it("holds, while short, every equity-moving event with the engine's equity and drawdown after it", () => {
    const clock = new ManualClock(DAY0);
    const engine = new Engine(settings, clock);
    const events = toEvents([
      { type: "trade", pnl: 500 },
      { type: "heartbeat" },
      { type: "cashflow", amount: 10_500 }, // doubles equity: the peak doubles too, no drawdown
      { type: "trade", pnl: -2100 },
      { type: "equity", equity: 25_000 },
    ]).map((e) => ({ ...e, bot: "a" }));
    const want: Array<{ equity: number; drawdown: number }> = [];
    for (const e of events) {
      engine.apply(e);
      if (e.type !== "heartbeat") want.push({ equity: engine.performance("a").equity, drawdown: engine.performance("a").drawdown });
    }
    const curve = engine.equityCurve("a");
    expect(curve.total).toBe(4);
    expect(curve.points.map(({ equity, drawdown }) => ({ equity, drawdown }))).toEqual(want);
    expect(curve.points.map((p) => p.n)).toEqual([1, 2, 3, 4]);
    expect(curve.points[2]).toMatchObject({ equity: 18_900, drawdown: 0.1 }); // 21000 peak after the flow
    expect(engine.equityCurve("nobody")).toEqual({ total: 0, points: [] });
  });

  it("stays within its budget over a long history, keeping the extremes", () => {
    const engine = new Engine(settings, new ManualClock(DAY0));
    let lowest = Infinity;
    let highest = -Infinity;
    for (let i = 0; i < 50_000; i++) {
      const equity = 10_000 + 3000 * Math.sin(i / 700) + (i % 13) * 7;
      engine.apply({ type: "equity", bot: "a", ts: DAY0 + i * 1000, equity });
      lowest = Math.min(lowest, equity);
      highest = Math.max(highest, equity);
    }
    const { total, points } = engine.equityCurve("a");
    expect(total).toBe(50_000);
    expect(points.length).toBeLessThanOrEqual(EQUITY_HISTORY_POINTS);
    // At least half of the (budget − 2) / 3 buckets are in use, each with one to three points.
    expect(points.length).toBeGreaterThanOrEqual(Math.floor((EQUITY_HISTORY_POINTS - 2) / 6));
    expect(Math.min(...points.map((p) => p.equity))).toBe(lowest);
    expect(Math.max(...points.map((p) => p.equity))).toBe(highest);
  });

  it("goes on after a snapshot taken anywhere exactly as without one", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 4000 }), fc.nat(), (bodies, cutSeed) => {
        const events = toEvents(bodies);
        const cut = cutSeed % (events.length + 1);
        const clock = new ManualClock(DAY0 + events.length * 60_000);
        const straight = new Engine(settings, clock);
        for (const e of events) straight.apply(e);
        const first = new Engine(settings, clock);
        for (const e of events.slice(0, cut)) first.apply(e);
        const restored = Engine.fromSnapshot(JSON.parse(JSON.stringify(first.toSnapshot())), settings, clock);
        for (const e of events.slice(cut)) restored.apply(e);
        for (const bot of ["a", "b"]) expect(restored.equityCurve(bot)).toEqual(straight.equityCurve(bot));
      }),
      { numRuns: 60 },
    );
  });
});

describe("packed doubles in snapshots", () => {
  it("round-trip bit for bit (NaN, ±Infinity, −0, subnormals included) as standard base64 of little-endian bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 50 }), (values) => {
        const text = packFloats(values);
        const bytes = Buffer.alloc(values.length * 8);
        values.forEach((v, i) => bytes.writeDoubleLE(v, i * 8));
        expect(text).toBe(bytes.toString("base64"));
        const back = Array.from(unpackFloats(text));
        expect(back.length).toBe(values.length);
        back.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
      }),
    );
    expect(Array.from(unpackFloats(packFloats([NaN, -0, Infinity, -Infinity, 5e-324])))).toEqual([NaN, -0, Infinity, -Infinity, 5e-324]);
  });

  it("refuses text that is not whole packed doubles", () => {
    expect(() => unpackFloats("abc")).toThrow(/multiple of 4/);
    expect(() => unpackFloats("AAAA")).toThrow(/whole number of doubles/);
    expect(() => unpackFloats("AAAAAAAA!AA=")).toThrow(/not base64/);
  });
});
