// Cash flows (§19): a deposit or withdrawal is not performance; the highs drawdowns are measured
// from scale with equity, so no drawdown ratio changes at a flow.

/**
 * A high H scaled by E_after / E_before. A high equal to E_before (no drawdown) becomes E_after
 * exactly, so a float residue never shows up as a tiny drawdown (and a Calmar ratio out of nothing).
 */
export function scaledHigh(high: number, before: number, after: number): number {
  if (!(before > 0 && after > 0)) return high;
  return high === before ? after : high * (after / before);
}
