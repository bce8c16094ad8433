// "Trading overview": every bot side by side, so an operator sees at a glance which bot needs a look,
// then the groups (§19). Series link to the per-bot dashboard.
import { BOT_DASHBOARD_LINK, DashboardBuilder, datasourceVariable, labelVariable, type PanelSpec } from "./builder.js";
import type { Dashboard } from "./model.js";
import { addGroupPanels } from "./overview-groups.js";
import { HEALTH_STATES, HEALTH_LEVEL_EXPR } from "./states.js";

const BOTS = 'bot=~"$bot"';

/** How many of the selected bots are at a health level now (0, not empty, when none is). */
const botsAtLevel = (level: string) => `count(trading_health_status{${BOTS}, level="${level}"} == 1) or vector(0)`;

/** A count across the top that should read 0: green at 0, `color` from 1 on. */
const alarmCount = (title: string, description: string, color: string, expr: string, legend: string): PanelSpec => ({
  type: "stat",
  title,
  description,
  unit: "none",
  width: 6,
  height: 4,
  steps: [
    { color: "green", value: null },
    { color, value: 1 },
  ],
  queries: [{ expr, legend }],
});

export function overviewDashboard(): Dashboard {
  const bots = new DashboardBuilder({
    uid: "trading-overview",
    title: "Trading overview",
    description: "All bots reported by trading-exporter: equity, risk, performance and health side by side.",
    variables: [datasourceVariable(), labelVariable({ name: "bot", label: "Bot", metric: "trading_equity", multi: true })],
  })
    .row("Fleet")
    .add({
      type: "stat",
      title: "Bots reporting",
      description: "Bots the exporter has seen an event from (series exist from a bot's first event).",
      unit: "none",
      width: 6,
      height: 4,
      queries: [{ expr: `count(trading_equity{${BOTS}})`, legend: "bots" }],
    })
    .add(alarmCount("Bots CRITICAL", "Bots whose health is CRITICAL (kill switch active).", "red", botsAtLevel("critical"), "critical"))
    .add(
      alarmCount(
        "Bots DEGRADED",
        "Bots whose health is DEGRADED (circuit breaker, positions, API or staleness).",
        "orange",
        botsAtLevel("degraded"),
        "degraded",
      ),
    )
    .add(
      alarmCount(
        "Firing trading alerts",
        "Prometheus alerts from prometheus/rules/trading-alerts.yml that are firing now.",
        "red",
        'count(ALERTS{alertstate="firing", alertname=~"Trading.+"}) or vector(0)',
        "firing",
      ),
    )
    .add({
      type: "state-timeline",
      title: "Health by bot",
      description: "Each bot's health level over time (docs/reference.md §6).",
      unit: "none",
      width: 24,
      height: 7,
      states: HEALTH_STATES,
      links: [BOT_DASHBOARD_LINK],
      queries: [{ expr: HEALTH_LEVEL_EXPR(BOTS), legend: "{{bot}}" }],
    })
    .row("Money")
    .add({
      title: "Equity by bot",
      description: "Mark-to-market account equity, in each bot's quote currency.",
      unit: "short",
      decimals: 2,
      links: [BOT_DASHBOARD_LINK],
      queries: [{ expr: `trading_equity{${BOTS}}`, legend: "{{bot}}" }],
    })
    .add({
      title: "Drawdown from peak by bot",
      description: "(peak − equity) / peak, from the all-time equity peak.",
      unit: "percentunit",
      min: 0,
      links: [BOT_DASHBOARD_LINK],
      queries: [{ expr: `trading_drawdown_ratio{${BOTS}}`, legend: "{{bot}}" }],
    })
    .add({
      title: "Daily P&L by bot",
      description: "Realized P&L of trades closed in the current day (metrics.timezone).",
      unit: "short",
      decimals: 2,
      links: [BOT_DASHBOARD_LINK],
      queries: [{ expr: `trading_daily_pnl{${BOTS}}`, legend: "{{bot}}" }],
    })
    .add({
      title: "Realized P&L by bot",
      description: "Sum of the P&L of all trades since the bot's first event.",
      unit: "short",
      decimals: 2,
      links: [BOT_DASHBOARD_LINK],
      queries: [{ expr: `trading_realized_pnl{${BOTS}}`, legend: "{{bot}}" }],
    })
    .row("Performance")
    .add({
      title: "Sharpe ratio by bot",
      description: "Per-trade Sharpe over the rolling window (> 1 good, < 0.5 poor).",
      unit: "none",
      decimals: 2,
      links: [BOT_DASHBOARD_LINK],
      queries: [{ expr: `trading_sharpe_ratio{${BOTS}}`, legend: "{{bot}}" }],
    })
    .add({
      title: "Win rate by bot",
      description: "Share of winning trades in the rolling window.",
      unit: "percentunit",
      min: 0,
      max: 1,
      links: [BOT_DASHBOARD_LINK],
      queries: [{ expr: `trading_win_rate_ratio{${BOTS}}`, legend: "{{bot}}" }],
    })
    .add({
      title: "Trades per minute by bot",
      description: "Closed trades per minute, all outcomes.",
      unit: "opm",
      links: [BOT_DASHBOARD_LINK],
      queries: [
        {
          expr: `sum by (bot) (rate(trading_trades_total{${BOTS}}[$__rate_interval])) * 60`,
          legend: "{{bot}}",
        },
      ],
    })
    .add({
      title: "Consecutive losses by bot",
      description: "Current run of losing trades.",
      unit: "none",
      decimals: 0,
      links: [BOT_DASHBOARD_LINK],
      queries: [{ expr: `trading_consecutive_losses{${BOTS}}`, legend: "{{bot}}" }],
    });
  return addGroupPanels(bots).build();
}
