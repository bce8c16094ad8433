// The Prometheus side of the group drawdown triggers (§19): one alert per trigger, as for bots, on
// the group's summed-equity series, reading thresholds and the enabled switch from
// trading_group_alert_threshold / trading_group_alert_enabled (label `group` instead of `bot`).
import { GROUP_TRIGGER_IDS, type GroupTriggerId } from "../domain/group-triggers.js";
import { TRIGGER_DEFAULTS } from "../domain/trigger-defaults.js";
import type { AlertDefinition } from "./alert-catalog.js";
import { compareWithConfig, gateOnEnabled, templateLookup, triggerConfig } from "./promql.js";

const GROUP_DRAWDOWNS: Record<GroupTriggerId, { alert: string; metric: string; what: string; below: string }> = {
  daily_drawdown: {
    alert: "TradingGroupDailyDrawdown",
    metric: "trading_group_daily_drawdown_ratio",
    what: "daily drawdown",
    below: "today's high",
  },
  weekly_drawdown: {
    alert: "TradingGroupWeeklyDrawdown",
    metric: "trading_group_weekly_drawdown_ratio",
    what: "weekly drawdown",
    below: "this week's high",
  },
  total_drawdown: {
    alert: "TradingGroupTotalDrawdown",
    metric: "trading_group_drawdown_ratio",
    what: "drawdown from the equity peak",
    below: "its peak",
  },
};

function groupDrawdownAlert(trigger: GroupTriggerId): AlertDefinition {
  const d = GROUP_DRAWDOWNS[trigger];
  const threshold = templateLookup({ metric: "trading_group_alert_threshold", trigger, scope: "group" }, "humanizePercentage");
  return {
    alert: d.alert,
    trigger,
    severity: TRIGGER_DEFAULTS[trigger].severity,
    expr: gateOnEnabled(compareWithConfig(d.metric, ">=", triggerConfig("threshold", trigger, "group"), "group"), trigger, "group"),
    for: "0s",
    summary: `Group {{ $labels.group }}: ${d.what} reached its alert threshold`,
    description:
      `The summed equity of group {{ $labels.group }} is {{ $value | humanizePercentage }} below ${d.below}, ` +
      `at or above the alert threshold of ${threshold}.`,
    dashboardUid: "trading-overview",
  };
}

export const GROUP_ALERTS: readonly AlertDefinition[] = GROUP_TRIGGER_IDS.map(groupDrawdownAlert);
