// Performance panels of the "Trading bot" dashboard: money, risk against the alert thresholds, and
// trade quality. Threshold lines come from trading_alert_threshold, so they move when an operator changes
// a trigger at run time.
import type { DashboardBuilder, PanelSpec } from "./builder.js";

export const BOT = 'bot="$bot"';

const thresholdLine = (trigger: string, legend = "alert threshold") => ({
  expr: `trading_alert_threshold{${BOT}, trigger="${trigger}"}`,
  legend,
  threshold: true,
});

/** One of the eight current-value stats across the top of the dashboard. */
function nowStat(title: string, description: string, unit: string, expr: string, extra: Partial<PanelSpec> = {}): PanelSpec {
  return { type: "stat", title, description, unit, width: 3, height: 4, queries: [{ expr, legend: title }], ...extra };
}

export function addPerformancePanels(builder: DashboardBuilder): DashboardBuilder {
  return builder
    .row("Now")
    .add(nowStat("Equity", "Mark-to-market equity (quote currency).", "short", `trading_equity{${BOT}}`, { decimals: 2 }))
    .add(
      nowStat("Drawdown", "From the all-time equity peak.", "percentunit", `trading_drawdown_ratio{${BOT}}`, {
        steps: [
          { color: "green", value: null },
          { color: "orange", value: 0.1 },
          { color: "red", value: 0.2 },
        ],
      }),
    )
    .add(
      nowStat(
        "Sharpe",
        "Per-trade Sharpe over the rolling window (> 1 positive, < 0.5 negative).",
        "none",
        `trading_sharpe_ratio{${BOT}}`,
        {
          decimals: 2,
          steps: [
            { color: "red", value: null },
            { color: "yellow", value: 0.5 },
            { color: "green", value: 1 },
          ],
        },
      ),
    )
    .add(nowStat("Win rate", "Winning trades in the rolling window.", "percentunit", `trading_win_rate_ratio{${BOT}}`))
    .add(nowStat("Consecutive losses", "Current run of losing trades.", "none", `trading_consecutive_losses{${BOT}}`, { decimals: 0 }))
    .add(nowStat("Daily P&L", "Realized P&L today.", "short", `trading_daily_pnl{${BOT}}`, { decimals: 2 }))
    .add(
      nowStat(
        "Since last trade",
        "Time since the bot's last closed trade.",
        "s",
        `time() - (trading_last_trade_timestamp_seconds{${BOT}} > 0)`,
      ),
    )
    .add(
      nowStat(
        "Since last event",
        "Time since the bot's last event of any type.",
        "s",
        `time() - (trading_last_event_timestamp_seconds{${BOT}} > 0)`,
      ),
    )
    .row("Equity and drawdown")
    .add({
      title: "Equity and peak equity",
      description: "Equity and the all-time peak it is measured against.",
      unit: "short",
      decimals: 2,
      queries: [
        { expr: `trading_equity{${BOT}}`, legend: "equity" },
        { expr: `trading_peak_equity{${BOT}}`, legend: "peak equity" },
      ],
    })
    .add({
      title: "Drawdown from peak vs threshold",
      description: "Current and maximum drawdown; the dashed line is the total_drawdown alert threshold.",
      unit: "percentunit",
      min: 0,
      queries: [
        { expr: `trading_drawdown_ratio{${BOT}}`, legend: "drawdown" },
        { expr: `trading_max_drawdown_ratio{${BOT}}`, legend: "max drawdown" },
        thresholdLine("total_drawdown"),
      ],
    })
    .add({
      title: "Daily drawdown vs threshold",
      description: "Drop from today's equity high; the dashed line is the daily_drawdown alert threshold.",
      unit: "percentunit",
      min: 0,
      queries: [{ expr: `trading_daily_drawdown_ratio{${BOT}}`, legend: "daily drawdown" }, thresholdLine("daily_drawdown")],
    })
    .add({
      title: "Weekly drawdown vs threshold",
      description: "Drop from this week's equity high; the dashed line is the weekly_drawdown alert threshold.",
      unit: "percentunit",
      min: 0,
      queries: [{ expr: `trading_weekly_drawdown_ratio{${BOT}}`, legend: "weekly drawdown" }, thresholdLine("weekly_drawdown")],
    })
    .row("Profit and loss")
    .add({
      title: "P&L: daily, weekly, realized",
      description: "Realized P&L of the current day and week, and since the first event.",
      unit: "short",
      decimals: 2,
      queries: [
        { expr: `trading_daily_pnl{${BOT}}`, legend: "daily" },
        { expr: `trading_weekly_pnl{${BOT}}`, legend: "weekly" },
        { expr: `trading_realized_pnl{${BOT}}`, legend: "realized" },
      ],
    })
    .add({
      title: "Gross profit and loss per interval",
      description: "Sum of winning trades' P&L and of losing trades' |P&L| in each interval.",
      unit: "short",
      decimals: 2,
      queries: [
        { expr: `increase(trading_gross_profit_total{${BOT}}[$__rate_interval])`, legend: "gross profit" },
        { expr: `increase(trading_gross_loss_total{${BOT}}[$__rate_interval])`, legend: "gross loss" },
      ],
    })
    .row("Trade quality")
    .add({
      title: "Sharpe and Sortino",
      description: "Per-trade ratios over the rolling window and daily ratios over daily returns.",
      unit: "none",
      decimals: 2,
      queries: [
        { expr: `trading_sharpe_ratio{${BOT}}`, legend: "Sharpe (per trade)" },
        { expr: `trading_sortino_ratio{${BOT}}`, legend: "Sortino (per trade)" },
        { expr: `trading_daily_sharpe_ratio{${BOT}}`, legend: "Sharpe (daily)" },
        { expr: `trading_daily_sortino_ratio{${BOT}}`, legend: "Sortino (daily)" },
      ],
    })
    .add({
      title: "Win rate vs threshold",
      description: "Winning trades in the rolling window; the dashed line is the low_win_rate alert threshold.",
      unit: "percentunit",
      min: 0,
      max: 1,
      queries: [{ expr: `trading_win_rate_ratio{${BOT}}`, legend: "win rate" }, thresholdLine("low_win_rate")],
    })
    .add({
      title: "Trades in the window vs minimum",
      description: "Trades in the rolling window; low_win_rate is only evaluated from the dashed minimum on.",
      unit: "none",
      decimals: 0,
      queries: [
        { expr: `trading_window_trades{${BOT}}`, legend: "trades in window" },
        { expr: `trading_alert_min_trades{${BOT}, trigger="low_win_rate"}`, legend: "min trades", threshold: true },
      ],
    })
    .add({
      title: "Consecutive losses vs threshold",
      description: "Current and record runs of losing trades; the dashed line is the consecutive_losses threshold.",
      unit: "none",
      decimals: 0,
      queries: [
        { expr: `trading_consecutive_losses{${BOT}}`, legend: "consecutive losses" },
        { expr: `trading_max_consecutive_losses{${BOT}}`, legend: "max consecutive losses" },
        thresholdLine("consecutive_losses"),
      ],
    })
    .add({
      title: "Trades per minute by outcome",
      description: "Closed trades per minute: wins, losses, breakeven.",
      unit: "opm",
      queries: [{ expr: `sum by (outcome) (rate(trading_trades_total{${BOT}}[$__rate_interval])) * 60`, legend: "{{outcome}}" }],
    })
    .add({
      title: "Duplicate trades per minute",
      description: "Trades re-sent with an id already applied (acknowledged, not applied again).",
      unit: "opm",
      queries: [{ expr: `rate(trading_duplicate_trades_total{${BOT}}[$__rate_interval]) * 60`, legend: "duplicates" }],
    });
}
