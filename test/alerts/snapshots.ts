// Hand-built engine snapshots for the health and trigger tests: a calm bot, changed field by field.
import type { PerformanceSnapshot, SafetySnapshot } from "../../src/domain/snapshots.js";

export const T0 = Date.UTC(2026, 2, 2, 12); // a Monday, noon UTC

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? Partial<T[K]> : T[K] };

export function perfSnapshot(over: Partial<PerformanceSnapshot> = {}): PerformanceSnapshot {
  return {
    bot: "alpha",
    equity: 10_000,
    peak_equity: 10_000,
    initial_equity: 10_000,
    drawdown: 0,
    daily_drawdown: 0,
    weekly_drawdown: 0,
    max_drawdown: 0,
    sharpe_ratio: Number.NaN,
    sortino_ratio: Number.NaN,
    daily_sharpe_ratio: Number.NaN,
    daily_sortino_ratio: Number.NaN,
    win_rate: Number.NaN,
    window_trades: 0,
    consecutive_losses: 0,
    max_consecutive_losses: 0,
    daily_pnl: 0,
    weekly_pnl: 0,
    total_pnl: 0,
    trades: { total: 0, wins: 0, losses: 0, breakeven: 0 },
    gross_profit: 0,
    gross_loss: 0,
    sharpe_indicator: "negative",
    last_trade_at: null,
    last_event_at: T0,
    profit_factor: Number.NaN,
    expectancy: Number.NaN,
    avg_win: Number.NaN,
    avg_loss: Number.NaN,
    payoff_ratio: Number.NaN,
    largest_win: 0,
    largest_loss: 0,
    sqn: Number.NaN,
    cagr: Number.NaN,
    calmar_ratio: Number.NaN,
    net_cashflow: 0,
    ...over,
  };
}

export function safetySnapshot(over: DeepPartial<SafetySnapshot> = {}): SafetySnapshot {
  return {
    bot: over.bot ?? "alpha",
    kill_switch: { active: false, reason: null, changed_at: null, ...over.kill_switch },
    circuit_breaker: { open: false, reason: null, changed_at: null, trips: 0, ...over.circuit_breaker },
    positions: { open: null, max: null, utilization: 0, ...over.positions },
    api: { status: null, latency_ms: null, checked_at: null, consecutive_failures: 0, ...over.api },
    last_heartbeat_at: over.last_heartbeat_at === undefined ? null : over.last_heartbeat_at,
    last_event_at: over.last_event_at === undefined ? T0 : over.last_event_at,
  };
}
