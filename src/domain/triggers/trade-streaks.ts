// The triggers of §7 that read the bot's recent trades: a run of losing trades, and a win rate
// below its limit once the window holds enough trades.
import { int, ratio } from "../fields.js";
import { defineTrigger, pct } from "../trigger.js";
import {
  atOrAboveThreshold,
  both,
  compareWithConfig,
  COUNT,
  gateOnEnabled,
  PERCENT,
  templateLookup,
  thresholdText,
  triggerConfig,
} from "../trigger-rules.js";

export const consecutiveLosses = defineTrigger({
  id: "consecutive_losses",
  severity: "warning",
  threshold: { default: 10, schema: () => int(1, 1_000_000) },
  minTrades: null,
  condition: "consecutive losses ≥ threshold",
  meaning: "Too many consecutive losing trades",
  value: { kind: "count", comparator: "≥" },
  evaluate: (perf, _ctx, s) => {
    const th = s.threshold ?? Number.NaN;
    return { active: s.enabled && perf.consecutive_losses >= th, value: perf.consecutive_losses, threshold: th };
  },
  describe: ({ value, threshold }) => `${value} consecutive losing trades (threshold ${threshold})`,
  rule: atOrAboveThreshold({
    alert: "TradingConsecutiveLosses",
    trigger: "consecutive_losses",
    metric: "trading_consecutive_losses",
    what: "run of consecutive losses",
    format: COUNT,
    describe: (value) => `Bot {{ $labels.bot }} has closed ${value} losing trades in a row`,
  }),
});

export const lowWinRate = defineTrigger({
  id: "low_win_rate",
  severity: "warning",
  threshold: { default: 0.3, schema: ratio },
  minTrades: 10,
  condition: "window trades ≥ min_trades and win rate < threshold",
  meaning: "Win rate fell below its limit",
  value: { kind: "ratio", comparator: "<" },
  evaluate: (perf, _ctx, s) => {
    const th = s.threshold ?? Number.NaN;
    const enough = perf.window_trades >= (s.min_trades ?? 0);
    return { active: s.enabled && enough && perf.win_rate < th, value: perf.win_rate, threshold: th };
  },
  describe: ({ value, threshold }, perf, _ctx, s) => {
    const n = perf.window_trades;
    const minTrades = s.min_trades ?? 0;
    const th = threshold ?? Number.NaN;
    if (n < minTrades) return `win rate ${pct(value)} over ${n} trades (needs at least ${minTrades} trades)`;
    return `win rate ${pct(value)} over the last ${n} trades ${value < th ? "<" : "≥"} threshold ${pct(th)}`;
  },
  rule: {
    alert: "TradingLowWinRate",
    expr: gateOnEnabled(
      both(
        compareWithConfig("trading_win_rate_ratio", "<", triggerConfig("threshold", "low_win_rate")),
        compareWithConfig("trading_window_trades", ">=", triggerConfig("min_trades", "low_win_rate")),
      ),
      "low_win_rate",
    ),
    summary: "Bot {{ $labels.bot }}: win rate is below its alert threshold",
    description:
      "Win rate of bot {{ $labels.bot }} is {{ $value | humanizePercentage }} over its last " +
      templateLookup({ metric: "trading_window_trades" }, COUNT) +
      " trades, below the threshold of " +
      thresholdText("low_win_rate", PERCENT) +
      " (evaluated once the window holds at least " +
      templateLookup({ metric: "trading_alert_min_trades", trigger: "low_win_rate" }, COUNT) +
      " trades).",
  },
});
