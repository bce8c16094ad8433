// REST JSON conventions (§8): snake_case, non-finite numbers as null, times as ISO-8601 UTC.
import type { GroupSnapshot, PerformanceSnapshot, SafetySnapshot } from "../domain/snapshots.js";

export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
export const isoOrNull = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

export function performanceJson(p: PerformanceSnapshot) {
  return {
    bot: p.bot,
    equity: finiteOrNull(p.equity),
    peak_equity: finiteOrNull(p.peak_equity),
    initial_equity: p.initial_equity,
    drawdown: finiteOrNull(p.drawdown),
    daily_drawdown: finiteOrNull(p.daily_drawdown),
    weekly_drawdown: finiteOrNull(p.weekly_drawdown),
    max_drawdown: finiteOrNull(p.max_drawdown),
    sharpe_ratio: finiteOrNull(p.sharpe_ratio),
    sortino_ratio: finiteOrNull(p.sortino_ratio),
    daily_sharpe_ratio: finiteOrNull(p.daily_sharpe_ratio),
    daily_sortino_ratio: finiteOrNull(p.daily_sortino_ratio),
    win_rate: finiteOrNull(p.win_rate),
    window_trades: p.window_trades,
    consecutive_losses: p.consecutive_losses,
    max_consecutive_losses: p.max_consecutive_losses,
    daily_pnl: finiteOrNull(p.daily_pnl),
    weekly_pnl: finiteOrNull(p.weekly_pnl),
    total_pnl: finiteOrNull(p.total_pnl),
    trades: { ...p.trades },
    gross_profit: finiteOrNull(p.gross_profit),
    gross_loss: finiteOrNull(p.gross_loss),
    sharpe_indicator: p.sharpe_indicator,
    last_trade_at: isoOrNull(p.last_trade_at),
    last_event_at: isoOrNull(p.last_event_at),
    profit_factor: finiteOrNull(p.profit_factor),
    expectancy: finiteOrNull(p.expectancy),
    avg_win: finiteOrNull(p.avg_win),
    avg_loss: finiteOrNull(p.avg_loss),
    payoff_ratio: finiteOrNull(p.payoff_ratio),
    largest_win: finiteOrNull(p.largest_win),
    largest_loss: finiteOrNull(p.largest_loss),
    sqn: finiteOrNull(p.sqn),
    cagr: finiteOrNull(p.cagr),
    calmar_ratio: finiteOrNull(p.calmar_ratio),
    net_cashflow: finiteOrNull(p.net_cashflow),
  };
}

export function safetyJson(s: SafetySnapshot) {
  return {
    bot: s.bot,
    kill_switch: { ...s.kill_switch, changed_at: isoOrNull(s.kill_switch.changed_at) },
    circuit_breaker: { ...s.circuit_breaker, changed_at: isoOrNull(s.circuit_breaker.changed_at) },
    positions: { ...s.positions },
    api: { ...s.api, checked_at: isoOrNull(s.api.checked_at) },
  };
}

export function groupJson(g: GroupSnapshot) {
  return {
    group: g.group,
    members: [...g.members],
    equity: finiteOrNull(g.equity),
    peak_equity: finiteOrNull(g.peak_equity),
    drawdown: finiteOrNull(g.drawdown),
    max_drawdown: finiteOrNull(g.max_drawdown),
    daily_drawdown: finiteOrNull(g.daily_drawdown),
    weekly_drawdown: finiteOrNull(g.weekly_drawdown),
    daily_pnl: finiteOrNull(g.daily_pnl),
    weekly_pnl: finiteOrNull(g.weekly_pnl),
    total_pnl: finiteOrNull(g.total_pnl),
    daily_sharpe_ratio: finiteOrNull(g.daily_sharpe_ratio),
    daily_sortino_ratio: finiteOrNull(g.daily_sortino_ratio),
    cagr: finiteOrNull(g.cagr),
  };
}
