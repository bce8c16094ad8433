// FIFO lot matching (§18): Hummingbot reports fills, not trades. Per trading pair the fills build
// lots; a fill against the position closes the oldest lots first and becomes one closed trade. The
// position is netted (one-way): all open lots of a pair are on one side, a larger opposite fill
// flips it, and the rest of that fill opens a lot on the other side.

export type LotSide = "long" | "short";

export interface Lot {
  side: LotSide;
  qty: number;
  price: number;
  /** Opening fees still attached to this lot's quantity (quote currency); charged pro rata on close. */
  fee: number;
  opened_at: number;
}

export interface Fill {
  side: "buy" | "sell";
  qty: number;
  price: number;
  /** This fill's fee in quote currency. */
  fee: number;
  ts: number;
}

export interface ClosedTrade {
  side: LotSide;
  /** Realized P&L of the closed quantity, after the closing fill's and the opening fills' fees. */
  pnl: number;
  qty: number;
  /** When the oldest closed lot was opened. */
  opened_at: number;
}

/** Quantities below this share of the fill are float dust (0.3 - 0.1 - 0.2), not a position. */
const DUST = 1e-9;

/** The lots after `fill`, and the trade it closed (null when it only opened or added). Pure. */
export function applyFill(lots: readonly Lot[], fill: Fill): { lots: Lot[]; closed: ClosedTrade | null } {
  const dust = fill.qty * DUST;
  const closing: LotSide = fill.side === "buy" ? "short" : "long";
  const next = lots.map((l) => ({ ...l }));
  let remaining = fill.qty;
  let realized = 0;
  let closedQty = 0;
  let openedAt: number | undefined;
  while (remaining > dust && next.length > 0 && next[0]!.side === closing) {
    const lot = next[0]!;
    const x = Math.min(lot.qty, remaining);
    const openingFee = lot.fee * (x / lot.qty);
    const move = closing === "long" ? fill.price - lot.price : lot.price - fill.price;
    realized += move * x - openingFee;
    openedAt ??= lot.opened_at;
    lot.qty -= x;
    lot.fee -= openingFee;
    remaining -= x;
    closedQty += x;
    if (lot.qty <= dust) next.shift();
  }
  // The fill's own fee is split between the quantity it closed and the quantity it opens.
  const closingFee = fill.fee * (closedQty / fill.qty);
  if (remaining > dust) {
    next.push({
      side: fill.side === "buy" ? "long" : "short",
      qty: remaining,
      price: fill.price,
      fee: fill.fee - closingFee,
      opened_at: fill.ts,
    });
  }
  if (closedQty === 0) return { lots: next, closed: null };
  return { lots: next, closed: { side: closing, pnl: realized - closingFee, qty: closedQty, opened_at: openedAt! } };
}
