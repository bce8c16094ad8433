// FIFO lot matching: hand-computed cases (round trips with percent fees, partial closes with flat
// fees, a flip from long to short) and a property test against a naive one-unit-at-a-time reference.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyFill, type ClosedTrade, type Fill, type Lot } from "../../../src/sources/hummingbot/fifo.js";
import { feeInQuote } from "../../../src/sources/hummingbot/messages.js";

function run(fills: Fill[]): { lots: Lot[]; closed: ClosedTrade[] } {
  let lots: Lot[] = [];
  const closed: ClosedTrade[] = [];
  for (const f of fills) {
    const r = applyFill(lots, f);
    lots = r.lots;
    if (r.closed) closed.push(r.closed);
  }
  return { lots, closed };
}

const fill = (side: "buy" | "sell", qty: number, price: number, fee: number, ts: number): Fill => ({ side, qty, price, fee, ts });

describe("FIFO lot matching, by hand", () => {
  it("a long round trip pays both fills' percent fees", () => {
    // buy 2 @ 100, fee 0.1 % = 0.2; sell 2 @ 110, fee 0.1 % = 0.22: 2 × 10 − 0.2 − 0.22 = 19.58
    const { lots, closed } = run([fill("buy", 2, 100, 0.2, 1), fill("sell", 2, 110, 0.22, 2)]);
    expect(lots).toEqual([]);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ side: "long", qty: 2, opened_at: 1 });
    expect(closed[0]!.pnl).toBeCloseTo(19.58, 12);
  });

  it("partial closes take the oldest lots first, with their flat fees pro rata", () => {
    // lot A: 1 @ 100 (fee 1), lot B: 1 @ 120 (fee 2). Sell 1.5 @ 130 (fee 0.3): all of A (+30, fee 1)
    // and half of B (+5, fee 1): 35 − 1 − 1 − 0.3 = 32.7. Sell 0.5 @ 110 (fee 0.1): −5 − 1 − 0.1 = −6.1.
    const first = run([fill("buy", 1, 100, 1, 1), fill("buy", 1, 120, 2, 2), fill("sell", 1.5, 130, 0.3, 3)]);
    expect(first.closed[0]!.pnl).toBeCloseTo(32.7, 12);
    expect(first.closed[0]).toMatchObject({ side: "long", qty: 1.5, opened_at: 1 });
    expect(first.lots).toHaveLength(1);
    expect(first.lots[0]).toMatchObject({ side: "long", price: 120, opened_at: 2 });
    expect(first.lots[0]!.qty).toBeCloseTo(0.5, 12);
    expect(first.lots[0]!.fee).toBeCloseTo(1, 12);
    const second = applyFill(first.lots, fill("sell", 0.5, 110, 0.1, 4));
    expect(second.lots).toEqual([]);
    expect(second.closed!.pnl).toBeCloseTo(-6.1, 12);
    expect(second.closed!.opened_at).toBe(2);
  });

  it("a sell larger than the long flips it: the close pays its share of the fee, the rest opens a short", () => {
    // buy 1 @ 100 (fee 0.1). Sell 3 @ 90 (fee 0.27): closes 1 (−10, opening fee 0.1, a third of 0.27 =
    // 0.09): −10.19; opens a short 2 @ 90 carrying 0.18. Buy 2 @ 80 (no fee): 2 × 10 − 0.18 = 19.82.
    const { lots, closed } = run([fill("buy", 1, 100, 0.1, 1), fill("sell", 3, 90, 0.27, 2), fill("buy", 2, 80, 0, 3)]);
    expect(closed.map((c) => c.side)).toEqual(["long", "short"]);
    expect(closed[0]!.pnl).toBeCloseTo(-10.19, 12);
    expect(closed[1]!.pnl).toBeCloseTo(19.82, 12);
    expect(closed[1]).toMatchObject({ qty: 2, opened_at: 2 });
    expect(lots).toEqual([]);
  });

  it("float dust does not leave a phantom lot", () => {
    const { lots, closed } = run([fill("buy", 0.3, 10, 0, 1), fill("sell", 0.1, 11, 0, 2), fill("sell", 0.2, 11, 0, 3)]);
    expect(lots).toEqual([]);
    expect(closed.reduce((s, c) => s + c.pnl, 0)).toBeCloseTo(0.3, 12);
  });

  it("fees: percent × price × amount plus flat fees in the quote asset only", () => {
    // 0.002 × 50 × 4 = 0.4, plus 0.5 USDT; the BNB fee cannot be valued in USDT and is left out.
    const fee = feeInQuote(
      {
        fee_type: "DeductedFromReturns",
        percent: "0.002",
        percent_token: "USDT",
        flat_fees: [
          { token: "BNB", amount: "0.01" },
          { token: "USDT", amount: "0.5" },
        ],
      },
      50,
      4,
      "USDT",
    );
    expect(fee).toBeCloseTo(0.9, 12);
    expect(feeInQuote({ percent: "abc" }, 1, 1, "USDT")).toBeNull();
  });
});

/** The naive reference: every unit of quantity is its own lot, matched one by one. */
function naive(fills: Fill[]): { closed: Array<{ side: string; qty: number; pnl: number }>; open: { side: string; units: number } } {
  const units: Array<{ side: "long" | "short"; price: number; fee: number }> = [];
  const closed: Array<{ side: string; qty: number; pnl: number }> = [];
  for (const f of fills) {
    const against = f.side === "buy" ? "short" : "long";
    let pnl = 0;
    let qty = 0;
    for (let u = 0; u < f.qty; u++) {
      const unitFee = f.fee / f.qty;
      if (units.length > 0 && units[0]!.side === against) {
        const lot = units.shift()!;
        pnl += (against === "long" ? f.price - lot.price : lot.price - f.price) - lot.fee - unitFee;
        qty += 1;
      } else {
        units.push({ side: f.side === "buy" ? "long" : "short", price: f.price, fee: unitFee });
      }
    }
    if (qty > 0) closed.push({ side: against, qty, pnl });
  }
  return { closed, open: { side: units[0]?.side ?? "flat", units: units.length } };
}

describe("FIFO lot matching, property", () => {
  it("agrees with the naive unit-by-unit reference on random fill sequences", () => {
    const fillArb = fc.record({
      side: fc.constantFrom("buy" as const, "sell" as const),
      qty: fc.integer({ min: 1, max: 8 }),
      price: fc.integer({ min: 1, max: 1000 }),
      feeCents: fc.integer({ min: 0, max: 500 }),
    });
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), (raw) => {
        const fills = raw.map((r, i) => fill(r.side, r.qty, r.price, r.feeCents / 100, i + 1));
        const ours = run(fills);
        const ref = naive(fills);
        expect(ours.closed.map((c) => [c.side, c.qty])).toEqual(ref.closed.map((c) => [c.side, c.qty]));
        ours.closed.forEach((c, i) => expect(c.pnl).toBeCloseTo(ref.closed[i]!.pnl, 6));
        const openUnits = ours.lots.reduce((s, l) => s + l.qty, 0);
        expect(openUnits).toBeCloseTo(ref.open.units, 9);
        if (ours.lots.length > 0) expect(new Set(ours.lots.map((l) => l.side))).toEqual(new Set([ref.open.side]));
      }),
      { numRuns: 300 },
    );
  });
});
