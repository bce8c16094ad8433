// The /metrics contract of §9. One dedicated registry per format (Prometheus text and
// OpenMetrics), never the global one; prom-client formats the text and adds its process_*/nodejs_*
// metrics. Every trading_* value is read from the in-memory state at scrape time: one ScrapeView
// per scrape, read from the engine once, so a scrape is internally consistent; the families
// (families.ts) write their series from it without per-series label hashing (ready-family.ts).
import client, { Registry, type OpenMetricsContentType, type RegistryContentType } from "prom-client";
import type { GroupSnapshot, PerformanceSnapshot, SafetySnapshot } from "../domain/snapshots.js";
import { EVENT_TYPES } from "../domain/events.js";
import {
  ALERTING_FAMILIES,
  EXPORTER_FAMILIES,
  HEALTH_FAMILIES,
  PERFORMANCE_FAMILIES,
  SAFETY_FAMILIES,
  type AlertingView,
  type BotHealthView,
  type Family,
  type ScrapeView,
  type SourceHealthView,
  type StoreView,
} from "./families.js";
import { ExpositionRegistry, ReadyFamily } from "./ready-family.js";
import { SOURCE_FAMILIES } from "./source-metrics.js";
import { GROUP_ALERTING_FAMILIES, GROUP_FAMILIES } from "./group-metrics.js";
import { STORE_FAMILIES } from "./store-metrics.js";

export type { AlertingView } from "./families.js";

/** What the exposition reads; the server provides it. */
export interface ExpositionSource {
  bots(): string[];
  performance(bot: string): PerformanceSnapshot;
  safety(bot: string): SafetySnapshot;
  /** Health per bot; without it the health families are left out. */
  health?(bot: string): BotHealthView;
  alerting?(): AlertingView;
  /** Health of the configured ways in (§18). */
  sources?(): SourceHealthView;
  /** The event store's room and faults (§15). */
  store?(): StoreView;
  websocketClients?(): number;
  /** Every configured group's figures (§19). */
  groups?(): GroupSnapshot[];
}

export interface ExporterMetrics {
  /** Serves the registry matching the scraper's Accept header. */
  render(accept: string | undefined): Promise<{ contentType: string; body: string }>;
  eventAccepted(type: string): void;
  eventRejected(reason: string, count?: number): void;
  duplicateTrade(bot: string): void;
}

/** prom-client's default metrics, minus three gauges named like counters that promtool rejects. */
function addDefaultMetrics(register: Registry<RegistryContentType>): void {
  client.collectDefaultMetrics({ register });
  // The same numbers stay available per type in nodejs_active_{handles,requests,resources}.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    register.removeSingleMetric(name);
  }
}

export function createExporterMetrics(source: ExpositionSource, version: string): ExporterMetrics {
  const events = new Map<string, number>(EVENT_TYPES.map((t) => [t, 0]));
  const rejected = new Map<string, number>();
  const duplicates = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

  let view: ScrapeView | undefined;
  const refresh = (): void => {
    view = {
      bots: source.bots().map((bot) => ({ bot, perf: source.performance(bot), safety: source.safety(bot), health: source.health?.(bot) })),
      alerting: source.alerting?.(),
      sources: source.sources?.(),
      store: source.store?.(),
      groups: source.groups?.() ?? [],
      events,
      rejected,
      duplicates,
      version,
      websocketClients: source.websocketClients?.() ?? 0,
    };
  };

  const families: Family[] = [
    ...PERFORMANCE_FAMILIES,
    ...SAFETY_FAMILIES,
    ...(source.health ? HEALTH_FAMILIES : []),
    ...(source.alerting ? ALERTING_FAMILIES : []),
    ...(source.sources ? SOURCE_FAMILIES : []),
    ...GROUP_FAMILIES,
    ...(source.alerting ? GROUP_ALERTING_FAMILIES : []),
    ...EXPORTER_FAMILIES,
    ...(source.store ? STORE_FAMILIES : []),
  ];
  const text = new ExpositionRegistry();
  const openMetrics = new ExpositionRegistry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const register of [text, openMetrics] as Array<Registry<RegistryContentType>>) {
    // One instance per registry: the OpenMetrics one renames counters (drops `_total`) in place.
    for (const f of families) register.registerMetric(new ReadyFamily(f, () => view!) as never);
    addDefaultMetrics(register);
  }

  return {
    async render(accept) {
      const registry = accept?.includes("application/openmetrics-text") ? openMetrics : text;
      refresh();
      // prom-client prints NaN as "Nan"; both formats spell it "NaN". Every sample line ends in "\n".
      const body = (await registry.metrics()).replaceAll(" Nan\n", " NaN\n");
      return { contentType: registry.contentType, body };
    },
    eventAccepted: (type) => void bump(events, type),
    eventRejected: (reason, count = 1) => void bump(rejected, reason, count),
    duplicateTrade: (bot) => void bump(duplicates, bot),
  };
}
