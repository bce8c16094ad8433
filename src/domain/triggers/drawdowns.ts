// The three drawdown triggers of §7: today's, this week's and the all-time drawdown from the
// equity high, each at or above its threshold.
import { openRatio } from "../fields.js";
import type { Severity } from "../alert-record.js";
import type { PerformanceSnapshot } from "../snapshots.js";
import { defineTrigger, pct } from "../trigger.js";
import { atOrAboveThreshold, PERCENT } from "../trigger-rules.js";

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
}) {
  return defineTrigger({
    id: d.id,
    severity: d.severity,
    threshold: { default: d.threshold, schema: openRatio },
    minTrades: null,
    condition: d.condition,
    meaning: d.meaning,
    value: { kind: "ratio", comparator: "≥" },
    // `>=` is false when either side is NaN.
    evaluate: (perf: PerformanceSnapshot, _ctx, s) => {
      const th = s.threshold ?? Number.NaN;
      return { active: s.enabled && perf[d.figure] >= th, value: perf[d.figure], threshold: th };
    },
    describe: ({ value, threshold }) => {
      const th = threshold ?? Number.NaN;
      return `${d.words} ${pct(value)} ${value >= th ? "≥" : "<"} threshold ${pct(th)}`;
    },
    rule: atOrAboveThreshold({ ...d.rule, trigger: d.id, format: PERCENT }),
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
});
