// "Exporter and alerts": is the exporter itself healthy, can it store what comes in (§15), is data
// flowing in, and are alerts getting out.
import { DashboardBuilder, datasourceVariable, labelVariable } from "./builder.js";
import type { Dashboard } from "./model.js";

// Process metrics carry no `bot` label; the job variable picks the exporter's scrape job(s).
const JOB = 'job=~"$job"';
const RATE = "[$__rate_interval]";

export function exporterDashboard(): Dashboard {
  return new DashboardBuilder({
    uid: "trading-exporter",
    title: "Exporter and alerts",
    description: "The exporter process, ingestion, live clients, and alert delivery (Prometheus and native).",
    variables: [datasourceVariable(), labelVariable({ name: "job", label: "Job", metric: "trading_exporter_build_info", multi: true })],
  })
    .row("Exporter")
    .add({
      type: "stat",
      title: "Scrape up",
      description: "1 when Prometheus's last scrape of the exporter succeeded (TradingExporterDown fires on 0).",
      unit: "none",
      width: 6,
      height: 4,
      states: [
        { value: 0, text: "DOWN", color: "red" },
        { value: 1, text: "UP", color: "green" },
      ],
      queries: [{ expr: `up{${JOB}}`, legend: "{{instance}}" }],
    })
    .add({
      type: "stat",
      title: "Version",
      description: "trading_exporter_build_info: the running version is in the legend.",
      unit: "none",
      width: 6,
      height: 4,
      queries: [{ expr: `trading_exporter_build_info{${JOB}}`, legend: "{{version}}" }],
    })
    .add({
      type: "stat",
      title: "WebSocket clients",
      description: "Live-stream clients connected to /ws.",
      unit: "none",
      width: 6,
      height: 4,
      queries: [{ expr: `sum(trading_websocket_clients{${JOB}})`, legend: "clients" }],
    })
    .add({
      type: "stat",
      title: "Scrape duration",
      description: "How long Prometheus's scrape of /metrics took.",
      unit: "s",
      width: 6,
      height: 4,
      queries: [{ expr: `max(scrape_duration_seconds{${JOB}})`, legend: "scrape" }],
    })
    .row("Storage")
    .add({
      type: "stat",
      title: "Store writes",
      description:
        "trading_exporter_store_writes_failing: FAILING while journal writes fail (disk full, read-only, I/O error, locked) and every event is refused with 503; TradingExporterStoreFailing fires after a minute.",
      unit: "none",
      width: 6,
      height: 4,
      states: [
        { value: 0, text: "OK", color: "green" },
        { value: 1, text: "FAILING", color: "red" },
      ],
      queries: [{ expr: `trading_exporter_store_writes_failing{${JOB}}`, legend: "{{instance}}" }],
    })
    .add({
      type: "stat",
      title: "Free space",
      description: "Bytes the exporter may still write on its data directory's file system.",
      unit: "bytes",
      width: 6,
      height: 4,
      queries: [{ expr: `min(trading_exporter_storage_free_bytes{${JOB}})`, legend: "free" }],
    })
    .add({
      type: "stat",
      title: "Database size",
      description: "The SQLite database with its WAL and shared-memory files.",
      unit: "bytes",
      width: 6,
      height: 4,
      queries: [{ expr: `sum(trading_exporter_storage_bytes{${JOB}})`, legend: "database" }],
    })
    .add({
      type: "stat",
      title: "WAL size",
      description: "The write-ahead log; SQLite folds it back into the database at checkpoints.",
      unit: "bytes",
      width: 6,
      height: 4,
      queries: [{ expr: `sum(trading_exporter_storage_bytes{file="wal", ${JOB}})`, legend: "wal" }],
    })
    .add({
      title: "Free space and storage.min_free_bytes",
      description: "Below the minimum /readyz answers 503 and TradingExporterStorageLow fires after five minutes.",
      unit: "bytes",
      queries: [
        { expr: `trading_exporter_storage_free_bytes{${JOB}}`, legend: "free {{instance}}" },
        { expr: `trading_exporter_storage_min_free_bytes{${JOB}}`, legend: "minimum {{instance}}" },
      ],
    })
    .add({
      title: "SQLite files",
      description: "Database, WAL and shared-memory file sizes; a WAL that keeps growing means checkpoints cannot finish.",
      unit: "bytes",
      queries: [{ expr: `trading_exporter_storage_bytes{${JOB}}`, legend: "{{file}} {{instance}}" }],
    })
    .add({
      title: "Snapshot and apply failures per interval",
      description:
        "Engine snapshots that could not be written (retried later; the journal keeps every event) and stored events the engine threw on (logged, skipped).",
      unit: "none",
      decimals: 0,
      width: 24,
      queries: [
        { expr: `sum(increase(trading_exporter_snapshot_failures_total{${JOB}}${RATE}))`, legend: "snapshot failures" },
        { expr: `sum(increase(trading_exporter_apply_failures_total{${JOB}}${RATE}))`, legend: "apply failures" },
      ],
    })
    .row("Ingestion")
    .add({
      title: "Events applied per second by type",
      description: "Events accepted and applied, by event type.",
      unit: "ops",
      queries: [{ expr: `sum by (event) (rate(trading_events_total{${JOB}}${RATE}))`, legend: "{{event}}" }],
    })
    .add({
      title: "Events rejected per second by reason",
      description: "Events refused (auth, validation, size, rate limit, bot cap...), by reason.",
      unit: "ops",
      queries: [{ expr: `sum by (reason) (rate(trading_events_rejected_total{${JOB}}${RATE}))`, legend: "{{reason}}" }],
    })
    .add({
      title: "Duplicate trades per second by bot",
      description: "Trades re-sent with an id already applied.",
      unit: "ops",
      queries: [{ expr: `sum by (bot) (rate(trading_duplicate_trades_total{${JOB}}${RATE}))`, legend: "{{bot}}" }],
    })
    .add({
      title: "WebSocket clients",
      description: "Live-stream clients over time.",
      unit: "none",
      decimals: 0,
      queries: [{ expr: `trading_websocket_clients{${JOB}}`, legend: "{{instance}}" }],
    })
    .row("Alerts")
    .add({
      type: "table",
      title: "Firing Prometheus alerts",
      description: "All alerts firing in Prometheus now (ALERTS), trading and exporter.",
      unit: "none",
      width: 24,
      hideColumns: ["Time", "__name__", "alertstate", "Value"],
      queries: [{ expr: 'ALERTS{alertstate="firing"}', instant: true }],
    })
    .add({
      title: "Firing Prometheus alerts by name",
      description: "Count of firing alerts per alert rule over time.",
      unit: "none",
      decimals: 0,
      queries: [{ expr: 'count by (alertname) (ALERTS{alertstate="firing"})', legend: "{{alertname}}" }],
    })
    .add({
      title: "Native alerts firing by trigger",
      description: "Bots for which the exporter's own trigger state machine is firing, by trigger.",
      unit: "none",
      decimals: 0,
      queries: [{ expr: `sum by (trigger) (trading_alert_firing{${JOB}})`, legend: "{{trigger}}" }],
    })
    .add({
      title: "Notifications sent per minute by channel",
      description: "Native notifier deliveries (Slack, email, Telegram, webhook, Discord).",
      unit: "opm",
      queries: [{ expr: `sum by (channel) (rate(trading_notifications_total{${JOB}}${RATE})) * 60`, legend: "{{channel}}" }],
    })
    .add({
      title: "Notification failures per minute by channel",
      description: "Deliveries that failed after all retries.",
      unit: "opm",
      queries: [
        {
          expr: `sum by (channel) (rate(trading_notification_failures_total{${JOB}}${RATE})) * 60`,
          legend: "{{channel}}",
        },
      ],
    })
    .add({
      title: "Native alert firings and suppressions per interval",
      description: "Firings of all bots and those suppressed by the cooldown, by trigger.",
      unit: "none",
      decimals: 0,
      width: 24,
      queries: [
        { expr: `sum by (trigger) (increase(trading_alerts_total{${JOB}}${RATE}))`, legend: "fired {{trigger}}" },
        {
          expr: `sum by (trigger) (increase(trading_alerts_suppressed_total{${JOB}}${RATE}))`,
          legend: "suppressed {{trigger}}",
        },
      ],
    })
    .row("Process")
    .add({
      title: "CPU",
      description: "CPU time used per second (1 = one core).",
      unit: "percentunit",
      width: 8,
      queries: [{ expr: `rate(process_cpu_seconds_total{${JOB}}${RATE})`, legend: "{{instance}}" }],
    })
    .add({
      title: "Memory",
      description: "Resident memory and V8 heap in use.",
      unit: "bytes",
      width: 8,
      queries: [
        { expr: `process_resident_memory_bytes{${JOB}}`, legend: "resident {{instance}}" },
        { expr: `sum by (instance) (nodejs_heap_size_used_bytes{${JOB}})`, legend: "heap used {{instance}}" },
      ],
    })
    .add({
      title: "Event loop lag (p99)",
      description: "Node.js event-loop delay: high values mean the exporter is CPU-starved.",
      unit: "s",
      width: 8,
      queries: [{ expr: `nodejs_eventloop_lag_p99_seconds{${JOB}}`, legend: "{{instance}}" }],
    })
    .add({
      title: "Open file descriptors",
      description: "Against the process limit.",
      unit: "none",
      decimals: 0,
      width: 12,
      queries: [
        { expr: `process_open_fds{${JOB}}`, legend: "open {{instance}}" },
        { expr: `process_max_fds{${JOB}}`, legend: "max {{instance}}" },
      ],
    })
    .add({
      title: "Process start time",
      description: "When the exporter process started; a step is a restart.",
      unit: "dateTimeAsIso",
      width: 12,
      queries: [{ expr: `process_start_time_seconds{${JOB}} * 1000`, legend: "{{instance}}" }],
    })
    .build();
}
