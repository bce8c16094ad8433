// The three drawdown triggers of §7: today's, this week's and the all-time drawdown from the
// equity high, each at or above its threshold; for a bot and for a group's summed equity (§19).
import { openRatio } from "../fields.js";
import type { Severity } from "../alert-record.js";
import type { GroupSnapshot, PerformanceSnapshot } from "../snapshots.js";
import { defineTrigger, pct, type TriggerEvaluation, type TriggerSettings } from "../trigger.js";
import { atOrAboveThreshold, compareWithConfig, gateOnEnabled, PERCENT, templateLookup, triggerConfig } from "../trigger-rules.js";

function drawdownTrigger<Id extends string>(d: {
  id: Id;
  figure: "daily_drawdown" | "weekly_drawdown" | "drawdown";
  severity: Severity;
  threshold: number;
  condition: string;
  meaning: string;
  /** The figure in the alert message ("daily drawdown"). */
  words: string;
  rule: { alert: string; metric: string; what: string; describe: (value: string) => string };
  /** The group's alert, on its summed equity; `below` is what the drawdown is measured from. */
  groupRule: { alert: string; metric: string; below: string };
}) {
  // `>=` is false when either side is NaN.
  const evaluate = (figures: PerformanceSnapshot | GroupSnapshot, s: TriggerSettings): TriggerEvaluation => {
    const th = s.threshold ?? Number.NaN;
    return { active: s.enabled && figures[d.figure] >= th, value: figures[d.figure], threshold: th };
  };
  const describe = ({ value, threshold }: TriggerEvaluation) => {
    const th = threshold ?? Number.NaN;
    return `${d.words} ${pct(value)} ${value >= th ? "≥" : "<"} threshold ${pct(th)}`;
  };
  const groupThreshold = templateLookup({ metric: "trading_group_alert_threshold", trigger: d.id, scope: "group" }, PERCENT);
  return defineTrigger({
    id: d.id,
    severity: d.severity,
    threshold: { default: d.threshold, schema: openRatio },
    minTrades: null,
    condition: d.condition,
    meaning: d.meaning,
    value: { kind: "ratio", comparator: "≥" },
    evaluate: (perf, _ctx, s) => evaluate(perf, s),
    describe,
    rule: atOrAboveThreshold({ ...d.rule, trigger: d.id, format: PERCENT }),
    group: {
      evaluate,
      describe: (ev, g) => `summed equity of ${g.members.join(", ")}: ${describe(ev)}`,
      rule: {
        alert: d.groupRule.alert,
        expr: gateOnEnabled(compareWithConfig(d.groupRule.metric, ">=", triggerConfig("threshold", d.id, "group"), "group"), d.id, "group"),
        summary: `Group {{ $labels.group }}: ${d.rule.what} reached its alert threshold`,
        description:
          `The summed equity of group {{ $labels.group }} is {{ $value | humanizePercentage }} below ${d.groupRule.below}, ` +
          `at or above the alert threshold of ${groupThreshold}.`,
      },
    },
  });
}

export const dailyDrawdown = drawdownTrigger({
  id: "daily_drawdown",
  figure: "daily_drawdown",
  severity: "warning",
  threshold: 0.05,
  condition: "daily drawdown ≥ threshold",
  meaning: "Daily drawdown reached its limit",
  words: "daily drawdown",
  rule: {
    alert: "TradingDailyDrawdown",
    metric: "trading_daily_drawdown_ratio",
    what: "daily drawdown",
    describe: (value) => `Bot {{ $labels.bot }} is ${value} below today's equity high`,
  },
  groupRule: { alert: "TradingGroupDailyDrawdown", metric: "trading_group_daily_drawdown_ratio", below: "today's high" },
});

export const weeklyDrawdown = drawdownTrigger({
  id: "weekly_drawdown",
  figure: "weekly_drawdown",
  severity: "error",
  threshold: 0.1,
  condition: "weekly drawdown ≥ threshold",
  meaning: "Weekly drawdown reached its limit",
  words: "weekly drawdown",
  rule: {
    alert: "TradingWeeklyDrawdown",
    metric: "trading_weekly_drawdown_ratio",
    what: "weekly drawdown",
    describe: (value) => `Bot {{ $labels.bot }} is ${value} below this week's equity high`,
  },
  groupRule: { alert: "TradingGroupWeeklyDrawdown", metric: "trading_group_weekly_drawdown_ratio", below: "this week's high" },
});

export const totalDrawdown = drawdownTrigger({
  id: "total_drawdown",
  figure: "drawdown",
  severity: "critical",
  threshold: 0.2,
  condition: "drawdown ≥ threshold",
  meaning: "Drawdown from the equity peak reached its limit",
  words: "drawdown from peak",
  rule: {
    alert: "TradingTotalDrawdown",
    metric: "trading_drawdown_ratio",
    what: "drawdown from the equity peak",
    describe: (value) => `Bot {{ $labels.bot }} is ${value} below its all-time equity peak`,
  },
  groupRule: { alert: "TradingGroupTotalDrawdown", metric: "trading_group_drawdown_ratio", below: "its peak" },
});
