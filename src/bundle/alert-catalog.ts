// The Prometheus side of §7: one alert per trigger, with the same trigger ids and default
// severities as the native notifier. Conditions read thresholds from the exporter's metrics (§9).
import type { Severity } from "../domain/alert-record.js";
import { both, compareWithConfig, gateOnEnabled, templateLookup, triggerConfig } from "./promql.js";

export interface AlertDefinition {
  alert: string;
  /** The §7 trigger id (or `exporter_down` / `storage_low` / `store_failing`: the exporter's own, with no native counterpart). */
  trigger: string;
  severity: Severity;
  expr: string;
  /** Prometheus `for:`; see docs/bundle.md ("for: durations") for why these are short. */
  for: string;
  summary: string;
  description: string;
  /** Grafana dashboard uid the `dashboard` annotation links to. */
  dashboardUid: string;
}

const PERCENT = "humanizePercentage";
const COUNT = 'printf "%.0f"';

const threshold = (trigger: string, format: string): string => templateLookup({ metric: "trading_alert_threshold", trigger }, format);

/** A §7 trigger of the form "metric >= configured threshold". */
function atOrAboveThreshold(opts: {
  alert: string;
  trigger: string;
  severity: Severity;
  metric: string;
  what: string;
  format: string;
  /** The description's opening, given the humanized value; the threshold sentence is appended. */
  describe: (value: string) => string;
}): AlertDefinition {
  return {
    alert: opts.alert,
    trigger: opts.trigger,
    severity: opts.severity,
    expr: gateOnEnabled(compareWithConfig(opts.metric, ">=", triggerConfig("threshold", opts.trigger)), opts.trigger),
    for: "0s",
    summary: `Bot {{ $labels.bot }}: ${opts.what} reached its alert threshold`,
    description:
      `${opts.describe(`{{ $value | ${opts.format} }}`)}, ` + `at or above the alert threshold of ${threshold(opts.trigger, opts.format)}.`,
    dashboardUid: "trading-bot",
  };
}

/** A §7 trigger of the form "a one-hot/boolean state gauge is 1". */
function stateIsOn(opts: {
  alert: string;
  trigger: string;
  severity: Severity;
  selector: string;
  summary: string;
  description: string;
}): AlertDefinition {
  return {
    alert: opts.alert,
    trigger: opts.trigger,
    severity: opts.severity,
    expr: gateOnEnabled(`${opts.selector} == 1`, opts.trigger),
    for: "0s",
    summary: opts.summary,
    description: opts.description,
    dashboardUid: "trading-bot",
  };
}

export const ALERTS: readonly AlertDefinition[] = [
  atOrAboveThreshold({
    alert: "TradingDailyDrawdown",
    trigger: "daily_drawdown",
    severity: "warning",
    metric: "trading_daily_drawdown_ratio",
    what: "daily drawdown",
    format: PERCENT,
    describe: (value) => `Bot {{ $labels.bot }} is ${value} below today's equity high`,
  }),
  atOrAboveThreshold({
    alert: "TradingWeeklyDrawdown",
    trigger: "weekly_drawdown",
    severity: "error",
    metric: "trading_weekly_drawdown_ratio",
    what: "weekly drawdown",
    format: PERCENT,
    describe: (value) => `Bot {{ $labels.bot }} is ${value} below this week's equity high`,
  }),
  atOrAboveThreshold({
    alert: "TradingTotalDrawdown",
    trigger: "total_drawdown",
    severity: "critical",
    metric: "trading_drawdown_ratio",
    what: "drawdown from the equity peak",
    format: PERCENT,
    describe: (value) => `Bot {{ $labels.bot }} is ${value} below its all-time equity peak`,
  }),
  stateIsOn({
    alert: "TradingCircuitBreakerTripped",
    trigger: "circuit_breaker_trip",
    severity: "critical",
    selector: "trading_circuit_breaker_open",
    summary: "Bot {{ $labels.bot }}: circuit breaker is open",
    description:
      "The circuit breaker of bot {{ $labels.bot }} is open: the bot has stopped opening trades. " +
      "It has tripped " +
      templateLookup({ metric: "trading_circuit_breaker_trips_total" }, COUNT) +
      " time(s) in total.",
  }),
  stateIsOn({
    alert: "TradingKillSwitchActive",
    trigger: "kill_switch_activation",
    severity: "critical",
    selector: "trading_kill_switch_active",
    summary: "Bot {{ $labels.bot }}: kill switch is active",
    description:
      "The kill switch of bot {{ $labels.bot }} is active: the bot is halted (health CRITICAL). " +
      "Its other trading alerts are inhibited in Alertmanager while this fires.",
  }),
  atOrAboveThreshold({
    alert: "TradingConsecutiveLosses",
    trigger: "consecutive_losses",
    severity: "warning",
    metric: "trading_consecutive_losses",
    what: "run of consecutive losses",
    format: COUNT,
    describe: (value) => `Bot {{ $labels.bot }} has closed ${value} losing trades in a row`,
  }),
  {
    alert: "TradingLowWinRate",
    trigger: "low_win_rate",
    severity: "warning",
    expr: gateOnEnabled(
      both(
        compareWithConfig("trading_win_rate_ratio", "<", triggerConfig("threshold", "low_win_rate")),
        compareWithConfig("trading_window_trades", ">=", triggerConfig("min_trades", "low_win_rate")),
      ),
      "low_win_rate",
    ),
    for: "0s",
    summary: "Bot {{ $labels.bot }}: win rate is below its alert threshold",
    description:
      "Win rate of bot {{ $labels.bot }} is {{ $value | humanizePercentage }} over its last " +
      templateLookup({ metric: "trading_window_trades" }, COUNT) +
      " trades, below the threshold of " +
      threshold("low_win_rate", PERCENT) +
      " (evaluated once the window holds at least " +
      templateLookup({ metric: "trading_alert_min_trades", trigger: "low_win_rate" }, COUNT) +
      " trades).",
    dashboardUid: "trading-bot",
  },
  stateIsOn({
    alert: "TradingApiDisconnected",
    trigger: "api_disconnected",
    severity: "error",
    selector: 'trading_api_status{status="disconnected"}',
    summary: "Bot {{ $labels.bot }}: exchange API is disconnected",
    description:
      "Bot {{ $labels.bot }} reports its exchange API as disconnected (or the exporter's probe failed " +
      "repeatedly). Last measured latency: " +
      templateLookup({ metric: "trading_api_latency_seconds", filter: " >= 0" }, "humanizeDuration") +
      ".",
  }),
  stateIsOn({
    alert: "TradingBotStale",
    trigger: "bot_stale",
    severity: "error",
    selector: "trading_bot_stale",
    summary: "Bot {{ $labels.bot }}: no events, the bot looks stale",
    description:
      "Bot {{ $labels.bot }} has sent heartbeats before but nothing recently: its last event was at " +
      templateLookup({ metric: "trading_last_event_timestamp_seconds" }, "humanizeTimestamp") +
      ".",
  }),
  {
    alert: "TradingExporterDown",
    trigger: "exporter_down",
    severity: "critical",
    expr: 'up{job="trading-exporter"} == 0\nor\nabsent(up{job="trading-exporter"})',
    // One minute rides out a single failed scrape, a container restart, and Prometheus's own start-up
    // (absent() is true until the first scrape lands).
    for: "1m",
    summary: "The trading exporter is down or not scraped",
    description:
      "Prometheus cannot scrape the trading exporter ({{ with $labels.instance }}{{ . }}{{ else }}no target" +
      "{{ end }}). While it is down no trading alert can fire: bot metrics go stale and their alerts resolve.",
    dashboardUid: "trading-exporter",
  },
  {
    alert: "TradingExporterStorageLow",
    trigger: "storage_low",
    severity: "warning",
    // The limit is the exporter's storage.min_free_bytes, published beside the free space (§15).
    expr: "trading_exporter_storage_free_bytes\n  < on(job, instance)\ntrading_exporter_storage_min_free_bytes",
    // Free space moves slowly; five minutes keeps a briefly large WAL from paging anyone.
    for: "5m",
    summary: "The trading exporter's data directory is running out of space",
    description:
      "Only {{ $value | humanize1024 }}B are free for the data directory of the trading exporter ({{ $labels.instance }}), below " +
      "storage.min_free_bytes (" +
      templateLookup({ metric: "trading_exporter_storage_min_free_bytes", scope: "exporter" }, 'humanize1024 | printf "%sB"') +
      "). Once the disk is full, events are refused with 503 until space is freed.",
    dashboardUid: "trading-exporter",
  },
  {
    alert: "TradingExporterStoreFailing",
    trigger: "store_failing",
    severity: "critical",
    expr: "trading_exporter_store_writes_failing == 1",
    // A lock held by another process for a probe or two is not worth a page; a minute of refusals is.
    for: "1m",
    summary: "The trading exporter cannot write its event store",
    description:
      "Journal writes of the trading exporter ({{ $labels.instance }}) fail (disk full, read-only, I/O error or locked): every " +
      "event is refused with 503 and nothing new is applied. It recovers by itself once the store takes writes; /readyz names the cause.",
    dashboardUid: "trading-exporter",
  },
];
