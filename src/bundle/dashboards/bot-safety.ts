// Safety and alerting panels of the "Trading bot" dashboard: health and safety controls over time,
// positions, the exchange API, and the bot's alerts (Prometheus's ALERTS and the native notifier's).
import type { DashboardBuilder } from "./builder.js";
import { BOT } from "./bot-performance.js";
import { API_STATES, API_STATUS_EXPR, HEALTH_LEVEL_EXPR, HEALTH_STATES, ON_OFF_STATES } from "./states.js";

export function addSafetyPanels(builder: DashboardBuilder): DashboardBuilder {
  return builder
    .row("Health and safety")
    .add({
      type: "state-timeline",
      title: "Health",
      description: "HEALTHY / DEGRADED / CRITICAL over time (docs/reference.md §6).",
      unit: "none",
      width: 24,
      height: 4,
      states: HEALTH_STATES,
      queries: [{ expr: HEALTH_LEVEL_EXPR(BOT), legend: "health" }],
    })
    .add({
      type: "state-timeline",
      title: "Safety controls",
      description: "Kill switch, circuit breaker and staleness over time.",
      unit: "none",
      width: 24,
      height: 6,
      states: ON_OFF_STATES,
      queries: [
        { expr: `trading_kill_switch_active{${BOT}}`, legend: "kill switch" },
        { expr: `trading_circuit_breaker_open{${BOT}}`, legend: "circuit breaker" },
        { expr: `trading_bot_stale{${BOT}}`, legend: "stale" },
      ],
    })
    .add({
      type: "state-timeline",
      title: "Exchange API status",
      description: "As reported by the bot or measured by the exporter's probe.",
      unit: "none",
      width: 24,
      height: 4,
      states: API_STATES,
      queries: [{ expr: API_STATUS_EXPR(BOT), legend: "API" }],
    })
    .add({
      title: "Exchange API latency",
      description: "Last reported or probed latency of the exchange API.",
      unit: "s",
      width: 8,
      queries: [{ expr: `trading_api_latency_seconds{${BOT}}`, legend: "latency" }],
    })
    .add({
      title: "Open positions",
      description: "Open positions against the bot's maximum.",
      unit: "none",
      decimals: 0,
      width: 8,
      queries: [
        { expr: `trading_open_positions{${BOT}}`, legend: "open" },
        { expr: `trading_max_positions{${BOT}}`, legend: "max" },
      ],
    })
    .add({
      title: "Position utilization",
      description: "open / max; above 80% the bot is DEGRADED (health.position_utilization_degraded).",
      unit: "percentunit",
      min: 0,
      width: 8,
      queries: [{ expr: `trading_position_utilization_ratio{${BOT}}`, legend: "utilization" }],
    })
    .add({
      title: "Circuit breaker trips per interval",
      description: "Times the circuit breaker opened.",
      unit: "none",
      decimals: 0,
      width: 8,
      queries: [{ expr: `increase(trading_circuit_breaker_trips_total{${BOT}}[$__rate_interval])`, legend: "trips" }],
    })
    .row("Alerts")
    .add({
      type: "table",
      title: "Firing Prometheus alerts",
      description: "Alerts of prometheus/rules/trading-alerts.yml firing for this bot now (ALERTS).",
      unit: "none",
      width: 16,
      hideColumns: ["Time", "__name__", "alertstate", "bot", "Value"],
      queries: [{ expr: `ALERTS{${BOT}, alertstate="firing"}`, instant: true }],
    })
    .add({
      type: "state-timeline",
      title: "Native notifier: firing triggers",
      description: "The exporter's own trigger state machine (trading_alert_firing), by trigger.",
      unit: "none",
      width: 8,
      states: ON_OFF_STATES,
      queries: [{ expr: `max by (trigger) (trading_alert_firing{${BOT}})`, legend: "{{trigger}}" }],
    })
    .add({
      type: "table",
      title: "Alert configuration",
      description: "Effective thresholds, minimum trades and enabled flags the alert rules read.",
      unit: "none",
      width: 24,
      hideColumns: ["Time"],
      mergeAs: { "Value #A": "threshold", "Value #B": "min trades", "Value #C": "enabled (1 = yes)" },
      queries: [
        { expr: `max by (trigger) (trading_alert_threshold{${BOT}})`, legend: "threshold", instant: true },
        { expr: `max by (trigger) (trading_alert_min_trades{${BOT}})`, legend: "min trades", instant: true },
        { expr: `max by (trigger) (trading_alert_enabled{${BOT}})`, legend: "enabled", instant: true },
      ],
    })
    .add({
      title: "Native alert firings and suppressions per interval",
      description: "Notifications the exporter fired, and firings suppressed by the cooldown, by trigger.",
      unit: "none",
      decimals: 0,
      width: 24,
      queries: [
        { expr: `sum by (trigger) (increase(trading_alerts_total{${BOT}}[$__rate_interval]))`, legend: "fired {{trigger}}" },
        {
          expr: `sum by (trigger) (increase(trading_alerts_suppressed_total{${BOT}}[$__rate_interval]))`,
          legend: "suppressed {{trigger}}",
        },
      ],
    });
}
