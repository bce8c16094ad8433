// The rolling window in a snapshot: its values as packed doubles and its win flags as packed bytes,
// bit-exact through JSON; the JSON arrays and the whole-window sums of snapshots written before still read.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeNumber } from "../../src/domain/json-number.js";
import { packFlags, unpackFlags, unpackFloats } from "../../src/domain/packed-floats.js";
import { RollingReturns, type RollingWindowState } from "../../src/domain/rolling-window.js";
import wholeWindowSums from "../fixtures/rolling-window/whole-window-sums.json" with { type: "json" };

const throughJson = (s: RollingWindowState) => JSON.parse(JSON.stringify(s)) as RollingWindowState;

/** The i-th value pushed, and whether it was a win: values JSON cannot write as numbers among them. */
const valueAt = (i: number) => (i === 100 ? -0 : i === 110 ? 1e-300 : Math.sin(i) / 100);
const winAt = (i: number) => i % 3 !== 0;
const PUSHED = 137;
const CAPACITY = 50;
/** Index of the oldest value still in the window. */
const OLDEST = PUSHED - CAPACITY;

/** A window whose ring has wrapped. */
function wrappedWindow(): RollingReturns {
  const w = new RollingReturns(CAPACITY);
  for (let i = 0; i < PUSHED; i++) w.push(valueAt(i), winAt(i));
  return w;
}

/** Its state as snapshots wrote it before, built from the pushes: each value a JSON number (or tagged string), each win a boolean. */
function legacyState(w: RollingReturns): RollingWindowState {
  const held = Array.from({ length: CAPACITY }, (_, k) => OLDEST + k);
  return { ...w.toState(), values: held.map((i) => encodeNumber(valueAt(i))), wins: held.map(winAt) };
}

describe("the rolling window's state", () => {
  it("holds the values and wins packed, oldest first, and restores bit for bit through JSON", () => {
    const w = wrappedWindow();
    const s = w.toState();
    expect(typeof s.values).toBe("string");
    expect(typeof s.wins).toBe("string");
    // The ring unrolled: the 50 newest of the 137 pushes, oldest first.
    const values = unpackFloats(s.values as string);
    expect(values).toHaveLength(CAPACITY);
    expect(values[0]).toBe(Math.sin(87) / 100);
    expect(Object.is(values[100 - OLDEST], -0)).toBe(true);
    expect(values[110 - OLDEST]).toBe(1e-300);
    expect(values[CAPACITY - 1]).toBe(Math.sin(136) / 100);
    expect([...unpackFlags(s.wins as string)]).toEqual(Array.from({ length: CAPACITY }, (_, k) => ((OLDEST + k) % 3 !== 0 ? 1 : 0)));

    const restored = RollingReturns.fromState(throughJson(s));
    expect(restored.toState()).toEqual(s);
    expect(restored.stats()).toEqual(w.stats());
    for (let i = 0; i < 80; i++) {
      w.push(Math.cos(i) / 50, i % 2 === 0);
      restored.push(Math.cos(i) / 50, i % 2 === 0);
    }
    expect(restored.stats()).toEqual(w.stats());
    expect(restored.toState()).toEqual(w.toState());
  });

  it("reads the JSON arrays of earlier snapshots into the same window", () => {
    const w = wrappedWindow();
    const fromLegacy = RollingReturns.fromState(throughJson(legacyState(w)));
    expect(fromLegacy.toState()).toEqual(w.toState());
    expect(fromLegacy.stats()).toEqual(w.stats());
    expect(fromLegacy.winRate()).toBe(w.winRate());
  });

  it("refuses values and flags that disagree in length or exceed the capacity, and a fresh count they cannot hold", () => {
    const s = wrappedWindow().toState();
    expect(() => RollingReturns.fromState({ ...s, wins: packFlags(new Uint8Array(49)) })).toThrow(/corrupt rolling window state/);
    expect(() => RollingReturns.fromState({ ...s, capacity: 49 })).toThrow(/corrupt rolling window state/);
    for (const count of [-1, 1.5, CAPACITY, CAPACITY + 1]) {
      expect(() => RollingReturns.fromState({ ...s, fresh: { ...s.fresh, count } }), `fresh count ${count}`).toThrow(
        /corrupt rolling window state/,
      );
    }
    const { evicted: _evicted, ...olderAlone } = s;
    expect(() => RollingReturns.fromState(olderAlone)).toThrow(/corrupt rolling window state/);
  });

  it("reads a snapshot that held the whole window's sums: the older block's are rebuilt from its values", () => {
    const legacy = wholeWindowSums.state as unknown as RollingWindowState;
    const restored = RollingReturns.fromState(legacy);
    const shown = wholeWindowSums.stats;
    const stats = restored.stats();
    // The same values pushed into a window now.
    const live = wrappedWindow();
    const now = live.stats();
    expect(stats.n).toBe(shown.n);
    expect(stats.negatives).toBe(shown.negatives);
    expect(stats.allIdentical).toBe(false);
    for (const key of ["mean", "variance", "downsideSquares"] as const) {
      expect(Math.abs(stats[key] - shown[key]) / Math.abs(shown[key]), `${key} against the figure shown before`).toBeLessThan(1e-15);
      expect(Math.abs(stats[key] - now[key]) / Math.abs(now[key]), `${key} against a window built now`).toBeLessThan(1e-15);
    }
    // From then on it is a window like any other: the same as one that took the same pushes.
    for (let i = 0; i < 80; i++) {
      restored.push(Math.cos(i) / 50, i % 2 === 0);
      live.push(Math.cos(i) / 50, i % 2 === 0);
    }
    expect(restored.toState()).toEqual(live.toState());
    expect(RollingReturns.fromState(throughJson(restored.toState())).stats()).toEqual(restored.stats());
  });
});

describe("packed flags", () => {
  it("round-trip any run of 0 and 1 bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 300 }), (flags) => {
        const bytes = Uint8Array.from(flags, (f) => (f ? 1 : 0));
        expect([...unpackFlags(packFlags(bytes))]).toEqual([...bytes]);
      }),
    );
  });

  it("are refused when a byte is not 0 or 1, or the text is not exactly base64", () => {
    expect(() => unpackFlags(Buffer.from([0, 1, 2]).toString("base64"))).toThrow(/byte 2 is 2, not 0 or 1/);
    expect(() => unpackFlags("AAE")).toThrow(/packed flags: length is not a multiple of 4/);
    expect(() => unpackFlags("AA!=")).toThrow(/packed flags: not base64 at 2/);
  });
});
