// "Trade statistics" row of the "Trading bot" dashboard (§19): the figures Freqtrade's /profit
// and backtest reports show, over all trades (SQN over the rolling window), plus net cash flow.
import type { DashboardBuilder, PanelSpec } from "./builder.js";
import { BOT } from "./bot-performance.js";

function stat(title: string, description: string, unit: string, metric: string, extra: Partial<PanelSpec> = {}): PanelSpec {
  return {
    type: "stat",
    title,
    description,
    unit,
    width: 4,
    height: 4,
    decimals: 2,
    queries: [{ expr: `${metric}{${BOT}}`, legend: title }],
    ...extra,
  };
}

const aboveOne = [
  { color: "red", value: null },
  { color: "green", value: 1 },
];

export function addStatisticsPanels(builder: DashboardBuilder): DashboardBuilder {
  return builder
    .row("Trade statistics")
    .add(
      stat("Profit factor", "Gross profit / gross loss over all trades; above 1 the bot makes money.", "none", "trading_profit_factor", {
        steps: aboveOne,
      }),
    )
    .add(stat("Expectancy", "Mean P&L per trade, breakeven trades included (quote currency).", "short", "trading_expectancy"))
    .add(stat("Payoff ratio", "Average win / average loss.", "none", "trading_payoff_ratio"))
    .add(
      stat("SQN", "System Quality Number over the rolling window: √n · mean / sd of per-trade returns.", "none", "trading_sqn", {
        steps: [
          { color: "red", value: null },
          { color: "yellow", value: 1.6 },
          { color: "green", value: 2 },
        ],
      }),
    )
    .add(
      stat(
        "CAGR",
        "Compound annual growth of the time-weighted daily returns (empty before metrics.cagr_min_days).",
        "percentunit",
        "trading_cagr_ratio",
      ),
    )
    .add(stat("Calmar", "CAGR / max drawdown.", "none", "trading_calmar_ratio"))
    .add({
      title: "Average and largest win and loss",
      description: "Mean and largest winning trade, mean and largest losing trade (losses as positive numbers).",
      unit: "short",
      decimals: 2,
      width: 16,
      queries: [
        { expr: `trading_avg_win{${BOT}}`, legend: "average win" },
        { expr: `trading_largest_win{${BOT}}`, legend: "largest win" },
        { expr: `trading_avg_loss{${BOT}}`, legend: "average loss" },
        { expr: `trading_largest_loss{${BOT}}`, legend: "largest loss" },
      ],
    })
    .add({
      title: "Net cash flow",
      description: "Deposits minus withdrawals; they move equity without counting as P&L or drawdown.",
      unit: "short",
      decimals: 2,
      width: 8,
      queries: [{ expr: `trading_net_cashflow{${BOT}}`, legend: "net cash flow" }],
    });
}
