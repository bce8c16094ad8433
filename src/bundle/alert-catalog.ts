// The Prometheus side of §7: one alert per trigger, from the trigger definitions (src/domain/triggers/),
// with the same ids and default severities as the native notifier, plus the exporter's own alerts
// and the group triggers' (§19).
// Conditions read thresholds from the exporter's metrics (§9).
import type { Severity } from "../domain/alert-record.js";
import { templateLookup } from "../domain/trigger-rules.js";
import { GROUP_TRIGGERS, TRIGGERS } from "../domain/triggers/index.js";

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

/** The exporter's own alerts: its liveness and its storage (§15). */
const EXPORTER_ALERTS: AlertDefinition[] = [
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

export const ALERTS: readonly AlertDefinition[] = [
  // A trigger's condition is already what the exporter evaluates: no `for:` on top of it.
  ...TRIGGERS.map((t) => ({ ...t.rule, trigger: t.id, severity: t.severity, for: "0s", dashboardUid: "trading-bot" })),
  ...EXPORTER_ALERTS,
];

/** The group drawdown alerts (§19), on the groups' summed-equity series, linking the overview. */
export const GROUP_ALERTS: readonly AlertDefinition[] = GROUP_TRIGGERS.map((t) => ({
  ...t.group.rule,
  trigger: t.id,
  severity: t.severity,
  for: "0s",
  dashboardUid: "trading-overview",
}));
