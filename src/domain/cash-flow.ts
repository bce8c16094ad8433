// Cash flows (§19): a deposit or withdrawal is not performance; the highs drawdowns are measured
// from scale with equity, so no drawdown ratio changes at a flow. Equity at or below zero has no
// ratio to keep, and the rules for it are here, in one place (docs/metrics.md, "Equity at or below 0").

/**
 * A high H after a flow that moved equity from `before` to `after`:
 * - both > 0: H scaled by after / before (a high equal to `before` becomes `after` exactly, so a
 *   float residue never reads as a tiny drawdown); an overflowing product stays at the largest
 *   double, where the drawdown it gives is still the one the ratio says;
 * - after ≤ 0 (the flow emptied or overdrew the account): 0, there is nothing left to draw down,
 *   so a withdrawal of everything is no 100% drawdown and fires no drawdown alert;
 * - before ≤ 0 < after (money put into an emptied or blown account): the new capital is a fresh
 *   start, its high is `after`; the loss that came before stays in the max drawdown.
 */
export function scaledHigh(high: number, before: number, after: number): number {
  if (!(after > 0)) return 0;
  if (!(before > 0) || high === before) return after;
  const scaled = high * (after / before);
  return scaled === Infinity ? Number.MAX_VALUE : scaled;
}

/** (H − E) / H, the §5 drawdown from a high; 0 from a high ≤ 0 (an emptied account has no drawdown). */
export function drawdownFrom(high: number, equity: number): number {
  return high > 0 ? (high - equity) / high : 0;
}
