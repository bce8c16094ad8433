// The "Groups" row of the overview dashboard (§19): each configured group's summed equity, its
// drawdowns against the group alert thresholds, P&L, daily Sharpe and the group alerts firing.
import type { DashboardBuilder } from "./builder.js";

const groupThreshold = (trigger: string) => ({
  expr: `max by (trigger) (trading_group_alert_threshold{trigger="${trigger}"})`,
  legend: `${trigger.replace("_", " ")} threshold`,
  threshold: true,
});

export function addGroupPanels(builder: DashboardBuilder): DashboardBuilder {
  return builder
    .row("Groups")
    .add({
      title: "Equity by group",
      description: "Sum of the members' equities; the peak is scaled at cash flows and at members joining (docs/metrics.md).",
      unit: "short",
      decimals: 2,
      queries: [
        { expr: "trading_group_equity", legend: "{{group}}" },
        { expr: "trading_group_peak_equity", legend: "{{group}} peak" },
      ],
    })
    .add({
      title: "Drawdown from peak by group",
      description:
        "(peak − equity) / peak of the summed equity, and the largest it has been; the dashed line is the total drawdown threshold.",
      unit: "percentunit",
      min: 0,
      queries: [
        { expr: "trading_group_drawdown_ratio", legend: "{{group}}" },
        { expr: "trading_group_max_drawdown_ratio", legend: "{{group}} max" },
        groupThreshold("total_drawdown"),
      ],
    })
    .add({
      title: "Daily and weekly drawdown by group",
      description: "From the summed equity's high of the current day and week (metrics.timezone), against the group thresholds.",
      unit: "percentunit",
      min: 0,
      queries: [
        { expr: "trading_group_daily_drawdown_ratio", legend: "{{group}} daily" },
        { expr: "trading_group_weekly_drawdown_ratio", legend: "{{group}} weekly" },
        groupThreshold("daily_drawdown"),
        groupThreshold("weekly_drawdown"),
      ],
    })
    .add({
      title: "P&L by group",
      description: "Realized P&L of the members' trades in the current day and week, and in total.",
      unit: "short",
      decimals: 2,
      queries: [
        { expr: "trading_group_daily_pnl", legend: "{{group}} day" },
        { expr: "trading_group_weekly_pnl", legend: "{{group}} week" },
        { expr: "trading_group_realized_pnl", legend: "{{group}} total" },
      ],
    })
    .add({
      title: "Daily Sharpe ratio by group",
      description: "Annualized Sharpe over the group's time-weighted daily returns.",
      unit: "none",
      decimals: 2,
      queries: [{ expr: "trading_group_daily_sharpe_ratio", legend: "{{group}}" }],
    })
    .add({
      type: "table",
      title: "Group alerts",
      description: "The group drawdown triggers: enabled, threshold, and 1 while the exporter's native alert fires.",
      unit: "none",
      hideColumns: ["Time"],
      mergeAs: { "Value #A": "enabled", "Value #B": "threshold", "Value #C": "firing" },
      queries: [
        { expr: "max by (group, trigger) (trading_group_alert_enabled)", legend: "enabled", instant: true },
        { expr: "max by (group, trigger) (trading_group_alert_threshold)", legend: "threshold", instant: true },
        { expr: "max by (group, trigger) (trading_group_alert_firing)", legend: "firing", instant: true },
      ],
    });
}
