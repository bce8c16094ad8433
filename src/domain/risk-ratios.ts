// Sharpe and Sortino as in empyrical (the reference named in ARCHITECTURE.md), plus §5 edge rules.
//
// empyrical.sharpe_ratio(returns, risk_free=0, annualization=A)
//     = mean(returns) / std(returns, ddof=1) · √A
// empyrical.sortino_ratio(returns, required_return=0, annualization=A)
//     = mean(returns) · A / downside_risk,  downside_risk = √(mean(min(r, 0)²)) · √A
//     = mean / √(Σ min(r,0)² / n) · √A      (the mean of squares is over ALL n returns)
// Edge rules (§5): n < 2 → NaN for both; all values identical (sd = 0, tested by equality) →
// Sharpe NaN; no negative return (DD = 0) → Sortino +Inf when mean > 0, else NaN.
import type { SharpeIndicator } from "./snapshots.js";
import { PreciseSum, varianceFromSums } from "./precise-sum.js";

/** The sufficient statistics a Sharpe/Sortino needs, however they were accumulated. */
export interface ReturnStats {
  n: number;
  mean: number;
  /** Sample variance, ddof = 1 (ignored when `allIdentical`). */
  variance: number;
  /** Σ min(r, 0)² over all n values. */
  downsideSquares: number;
  /** True when every value is exactly equal (then sd = 0 by definition, whatever the floats say). */
  allIdentical: boolean;
  negatives: number;
}

export function sharpeRatio(s: ReturnStats, annualization: number): number {
  if (s.n < 2 || s.allIdentical) return NaN;
  const sd = Math.sqrt(s.variance);
  if (!(sd > 0)) return NaN;
  return (s.mean / sd) * Math.sqrt(annualization);
}

export function sortinoRatio(s: ReturnStats, annualization: number): number {
  if (s.n < 2) return NaN;
  if (s.negatives === 0) return s.mean > 0 ? Infinity : NaN;
  const downsideDeviation = Math.sqrt(s.downsideSquares / s.n);
  return (s.mean / downsideDeviation) * Math.sqrt(annualization);
}

/** §5 colour coding of the per-trade Sharpe: 0.5 and 1.0 are both neutral; NaN is negative. */
export function sharpeIndicator(sharpe: number): SharpeIndicator {
  if (sharpe > 1) return "positive";
  if (sharpe >= 0.5 && sharpe <= 1) return "neutral";
  return "negative";
}

/**
 * Exact-as-practical statistics of a short list (the ≤ daily_window_days daily returns, computed at
 * query time), sums kept in double-double. A non-finite value (a day that began at equity exactly 0)
 * has no meaningful return: the ratios are then NaN.
 */
export function statsOf(values: readonly number[]): ReturnStats {
  const n = values.length;
  if (!values.every(Number.isFinite)) {
    return { n, mean: NaN, variance: NaN, downsideSquares: NaN, allIdentical: false, negatives: NaN };
  }
  const sum = new PreciseSum();
  const squares = new PreciseSum();
  const downside = new PreciseSum();
  let negatives = 0;
  let allIdentical = true;
  for (const v of values) {
    sum.add(v);
    squares.addProduct(v, v);
    if (v < 0) {
      negatives++;
      downside.addProduct(v, v);
    }
    if (v !== values[0]) allIdentical = false;
  }
  const variance = n >= 2 ? varianceFromSums(sum.asDoubleDouble(), squares.asDoubleDouble(), n) : NaN;
  return { n, mean: n > 0 ? sum.value() / n : NaN, variance, downsideSquares: downside.value(), allIdentical, negatives };
}
