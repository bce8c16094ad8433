// The trade statistics of §19, from running tallies (all O(1) per trade) and the window's
// sufficient statistics. Conventions, and how they differ from Freqtrade's and quantstats', are in
// docs/metrics.md:
//   profit factor = gross profit / gross loss            (+Inf with no loss, NaN with neither)
//   expectancy    = total P&L / trades                   (breakeven trades included)
//   avg win/loss  = gross profit / wins, gross loss / losses (both ≥ 0)
//   payoff ratio  = avg win / avg loss
//   SQN           = √n · mean / sd over the window W     (Van Tharp's, on returns, not annualized)
//   CAGR          = (Π (1 + r_d))^(365 / d) − 1 over the whole daily series
//   Calmar        = CAGR / max drawdown
import type { ReturnStats } from "./risk-ratios.js";

/** All-time tallies of applied trades. */
export interface TradeTallies {
  wins: number;
  losses: number;
  breakeven: number;
  totalPnl: number;
  grossProfit: number;
  /** As a positive number. */
  grossLoss: number;
}

export interface TradeStatistics {
  profit_factor: number;
  expectancy: number;
  avg_win: number;
  avg_loss: number;
  payoff_ratio: number;
}

export function tradeStatistics(t: TradeTallies): TradeStatistics {
  const n = t.wins + t.losses + t.breakeven;
  const avgWin = t.wins > 0 ? t.grossProfit / t.wins : NaN;
  const avgLoss = t.losses > 0 ? t.grossLoss / t.losses : NaN;
  let profitFactor: number;
  if (t.grossLoss > 0) profitFactor = t.grossProfit / t.grossLoss;
  else profitFactor = t.grossProfit > 0 ? Infinity : NaN;
  return {
    profit_factor: profitFactor,
    expectancy: n > 0 ? t.totalPnl / n : NaN,
    avg_win: avgWin,
    avg_loss: avgLoss,
    // NaN propagates from either side; avg_loss = 0 cannot happen with a loss counted, but guard.
    payoff_ratio: avgLoss > 0 ? avgWin / avgLoss : NaN,
  };
}

/** System Quality Number over the window: √n · mean / sd (ddof 1); NaN when n < 2 or sd = 0. */
export function systemQualityNumber(s: ReturnStats): number {
  if (s.n < 2 || s.allIdentical) return NaN;
  const sd = Math.sqrt(s.variance);
  if (!(sd > 0)) return NaN;
  return (Math.sqrt(s.n) * s.mean) / sd;
}

/** Days per year in CAGR: calendar days, whatever the Sharpe annualization factors are. */
export const CAGR_DAYS_PER_YEAR = 365;

/** CAGR from the series' growth Π (1 + r_d) over `days` days; NaN while days < minDays. */
export function compoundAnnualGrowth(growth: number, days: number, minDays: number): number {
  if (days < minDays || days < 1) return NaN;
  return Math.pow(growth, CAGR_DAYS_PER_YEAR / days) - 1;
}

/** CAGR / max drawdown; NaN when the drawdown is 0 or the CAGR undefined. */
export function calmarRatio(cagr: number, maxDrawdown: number): number {
  if (!(maxDrawdown > 0) || Number.isNaN(cagr)) return NaN;
  return cagr / maxDrawdown;
}
