// What the engine exposes to the rest of the program, and the settings it runs on. Readers (HTTP,
// /metrics, alerts, the live hub) only see these shapes; the engine's internal state stays private to
// src/engine. They live in the domain because health and the trigger conditions read them too.

/** §5 settings the engine needs (the `metrics` and `bots` sections of the config). */
export interface MetricsSettings {
  initial_equity: number;
  window_trades: number;
  annualization_factor: number;
  daily_window_days: number;
  daily_annualization_factor: number;
  timezone: string;
  /** Days of daily series before CAGR (and Calmar) are defined (§19). Query-time only. */
  cagr_min_days: number;
  /** `groups:` of the config: group name → member bots (§19). */
  groups?: Record<string, string[]>;
  /** Per-bot overrides (`bots.<name>.initial_equity`). */
  bots: Record<string, { initial_equity?: number }>;
}

export type SharpeIndicator = "positive" | "neutral" | "negative";

/**
 * One bot's performance as of the engine clock's `now()`, with the §8 field names.
 * Numbers may be NaN or ±Infinity here; the REST layer turns them into `null`.
 * Times are epoch milliseconds (the REST layer formats them as ISO-8601 UTC).
 */
export interface PerformanceSnapshot {
  bot: string;
  equity: number;
  peak_equity: number;
  initial_equity: number;
  drawdown: number;
  daily_drawdown: number;
  weekly_drawdown: number;
  max_drawdown: number;
  sharpe_ratio: number;
  sortino_ratio: number;
  daily_sharpe_ratio: number;
  daily_sortino_ratio: number;
  win_rate: number;
  window_trades: number;
  consecutive_losses: number;
  max_consecutive_losses: number;
  daily_pnl: number;
  weekly_pnl: number;
  total_pnl: number;
  trades: { total: number; wins: number; losses: number; breakeven: number };
  gross_profit: number;
  gross_loss: number;
  sharpe_indicator: SharpeIndicator;
  last_trade_at: number | null;
  last_event_at: number | null;
  // §19 trade statistics (over all applied trades unless noted).
  profit_factor: number;
  expectancy: number;
  avg_win: number;
  avg_loss: number;
  payoff_ratio: number;
  largest_win: number;
  largest_loss: number;
  /** Over the window W. */
  sqn: number;
  /** Over the whole daily series. */
  cagr: number;
  calmar_ratio: number;
  net_cashflow: number;
}

export type ApiStatus = "connected" | "degraded" | "disconnected";

/** One bot's safety controls as last reported (§6, §8 `/health/safety`). Times in epoch ms. */
export interface SafetySnapshot {
  bot: string;
  kill_switch: { active: boolean; reason: string | null; changed_at: number | null };
  circuit_breaker: { open: boolean; reason: string | null; changed_at: number | null; trips: number };
  /** `open`/`max` are null until a positions event arrives; utilization is then 0. */
  positions: { open: number | null; max: number | null; utilization: number };
  api: { status: ApiStatus | null; latency_ms: number | null; checked_at: number | null; consecutive_failures: number };
  /** Event time of the last heartbeat (null: never sent one, so the bot can't go stale). */
  last_heartbeat_at: number | null;
  /** Latest event time of any type seen (staleness is measured from it against the clock). */
  last_event_at: number | null;
}

/** A group's fleet figures as of now (§19, `GET /api/v1/groups/realtime`). */
export interface GroupSnapshot {
  group: string;
  members: string[];
  equity: number;
  peak_equity: number;
  drawdown: number;
  max_drawdown: number;
  daily_drawdown: number;
  weekly_drawdown: number;
  daily_pnl: number;
  weekly_pnl: number;
  total_pnl: number;
  daily_sharpe_ratio: number;
  daily_sortino_ratio: number;
  cagr: number;
}
