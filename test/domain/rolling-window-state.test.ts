// The rolling window in a snapshot: its values as packed doubles and its win flags as packed bytes,
// bit-exact through JSON, and the JSON arrays of snapshots written before still read.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeNumber } from "../../src/domain/json-number.js";
import { packFlags, unpackFlags, unpackFloats } from "../../src/domain/packed-floats.js";
import { RollingReturns, type RollingWindowState } from "../../src/domain/rolling-window.js";

const throughJson = (s: RollingWindowState) => JSON.parse(JSON.stringify(s)) as RollingWindowState;

/** A window whose ring has wrapped, holding the values JSON cannot write as numbers. */
function wrappedWindow(): RollingReturns {
  const w = new RollingReturns(50);
  for (let i = 0; i < 137; i++) w.push(i === 100 ? -0 : i === 110 ? 1e-300 : Math.sin(i) / 100, i % 3 !== 0);
  return w;
}

/** The same state as snapshots wrote it before: each value a JSON number (or tagged string), each win a boolean. */
function legacyState(w: RollingReturns): RollingWindowState {
  const s = w.toState();
  return {
    ...s,
    values: [...unpackFloats(s.values as string)].map(encodeNumber),
    wins: [...unpackFlags(s.wins as string)].map((b) => b === 1),
  };
}

describe("the rolling window's state", () => {
  it("holds the values and wins packed, oldest first, and restores bit for bit through JSON", () => {
    const w = wrappedWindow();
    const s = w.toState();
    expect(typeof s.values).toBe("string");
    expect(typeof s.wins).toBe("string");
    // The ring unrolled: the 50 newest of the 137 pushes, oldest first.
    const values = unpackFloats(s.values as string);
    expect(values).toHaveLength(50);
    expect(values[0]).toBe(Math.sin(87) / 100);
    expect(Object.is(values[100 - 87], -0)).toBe(true);
    expect(values[110 - 87]).toBe(1e-300);
    expect([...unpackFlags(s.wins as string)]).toEqual(Array.from({ length: 50 }, (_, i) => ((87 + i) % 3 !== 0 ? 1 : 0)));

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

  it("refuses values and flags that disagree in length or exceed the capacity", () => {
    const s = wrappedWindow().toState();
    expect(() => RollingReturns.fromState({ ...s, wins: packFlags(new Uint8Array(49)) })).toThrow(/corrupt rolling window state/);
    expect(() => RollingReturns.fromState({ ...s, capacity: 49 })).toThrow(/corrupt rolling window state/);
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
