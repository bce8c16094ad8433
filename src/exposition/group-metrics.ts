// The per-group series of §19 (label `group`), read from the engine's group figures at scrape time,
// and the group drawdown triggers' settings and firing state, read from the alerting view.
import type { GroupSnapshot } from "../domain/snapshots.js";
import { family, type Family } from "./families.js";

const GROUP_GAUGES: Array<[string, string, (g: GroupSnapshot) => number]> = [
  ["trading_group_equity", "Sum of the group members' equities (quote currency).", (g) => g.equity],
  ["trading_group_peak_equity", "Peak of the group's summed equity (scaled at cash flows and members joining).", (g) => g.peak_equity],
  ["trading_group_drawdown_ratio", "Drawdown of the group's summed equity from its peak.", (g) => g.drawdown],
  ["trading_group_max_drawdown_ratio", "Largest drawdown of the group's summed equity.", (g) => g.max_drawdown],
  ["trading_group_daily_drawdown_ratio", "Drawdown of the group's summed equity from the current day's high.", (g) => g.daily_drawdown],
  ["trading_group_weekly_drawdown_ratio", "Drawdown of the group's summed equity from the current week's high.", (g) => g.weekly_drawdown],
  ["trading_group_daily_pnl", "Realized P&L of the group's members in the current day (quote currency).", (g) => g.daily_pnl],
  ["trading_group_weekly_pnl", "Realized P&L of the group's members in the current week (quote currency).", (g) => g.weekly_pnl],
  ["trading_group_realized_pnl", "Realized P&L of the group's members (quote currency).", (g) => g.total_pnl],
  [
    "trading_group_daily_sharpe_ratio",
    "Annualized Sharpe ratio over the group's time-weighted daily returns.",
    (g) => g.daily_sharpe_ratio,
  ],
];

/** One series per configured group, `{group}` (§19). */
export const GROUP_FAMILIES: Family[] = GROUP_GAUGES.map(([name, help, value]) =>
  family(name, help, "gauge", ["group"], (view, add) => {
    for (const g of view.groups) add(value(g), g.group);
  }),
);

/** The group triggers' settings (the group Prometheus rules read them) and the native firing state. */
export const GROUP_ALERTING_FAMILIES: Family[] = [
  family(
    "trading_group_alert_threshold",
    "Effective threshold of each group drawdown trigger.",
    "gauge",
    ["group", "trigger"],
    (view, add) => {
      for (const t of view.alerting?.groupTriggers ?? []) if (t.threshold !== null) add(t.threshold, t.group, t.trigger);
    },
  ),
  family("trading_group_alert_enabled", "1 when the group drawdown trigger is enabled.", "gauge", ["group", "trigger"], (view, add) => {
    for (const t of view.alerting?.groupTriggers ?? []) add(t.enabled ? 1 : 0, t.group, t.trigger);
  }),
  family(
    "trading_group_alert_firing",
    "1 while the native group alert is firing.",
    "gauge",
    ["group", "trigger", "severity"],
    (view, add) => {
      for (const f of view.alerting?.groupFiring ?? []) add(1, f.group, f.trigger, f.severity);
    },
  ),
];
